"""Page text in templates: the request's catalog looked up once, and `_()` / `gettext()` as plain functions.

RELIES_ON, and what:
- Flask-Babel 4.0.0: `Babel.init_app` adds Jinja's i18n extension and installs gettext callables that
  call `get_translations()` for every string (about seventy on a page); `get_translations()` answers the
  request's catalog (babel.support.Translations: ugettext, ungettext, upgettext, unpgettext), the same
  object for the whole request once `refresh()` has run before it.
- Jinja2 3.1.6: `Environment.install_gettext_callables(gettext, ngettext, newstyle, pgettext, npgettext)`
  from jinja2.ext.i18n; with newstyle=True its `gettext` takes the template context (`pass_context`),
  wraps the translation in Markup when autoescaping, and always %-formats it with its variables
  (`_make_new_gettext`). The plain `_gettext` below gives that same result for HTML templates without the
  context: Jinja copies the context first for each call inside a loop or block (about fifty copies on a
  dataset page).
- Babel 2.19.0: the catalogs are fixed while the process runs, so a plain string is translated once per
  locale and process.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, g
from flask_babel import get_translations
from markupsafe import Markup

RELIES_ON = {"Flask-Babel": "4.0.0", "Jinja2": "3.1.6", "babel": "2.19.0"}

# A page's strings are mostly plain (no variables): each is translated and made markup once per process
# and locale (the catalogs are fixed while the process runs), a dict lookup instead of about 7 µs.
_PLAIN: dict[str, dict[str, Markup]] = {}


def translations():
    """The request's catalog, looked up once per request (Flask-Babel looks it up on every string)."""
    try:
        return g._translations
    except AttributeError:
        g._translations = get_translations()
        return g._translations


def forget_request_catalog() -> None:
    """Before each request, after the locale was chosen again (i18n.refresh_locale)."""
    g.pop("_translations", None)
    g.pop("_plain_strings", None)


def make_gettext(locale: Callable[[], str]) -> Callable[..., Markup]:
    """`_()` for templates: `locale()` names the request's locale, whose plain strings are kept."""
    def _gettext(string: str, **variables) -> Markup:
        if variables:
            return Markup(translations().ugettext(string)) % variables
        try:
            plain = g._plain_strings
        except AttributeError:
            plain = g._plain_strings = _PLAIN.setdefault(locale(), {})
        try:
            return plain[string]
        except KeyError:
            plain[string] = text = Markup(translations().ugettext(string)) % {}
            return text
    return _gettext


def install(app: Flask, locale: Callable[[], str]) -> None:
    """Install the callables in the app's Jinja environment, after Flask-Babel's init_app."""
    app.jinja_env.install_gettext_callables(  # as Flask-Babel installs them, with the lookup above
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n))
    # `_()` and `gettext()` as plain functions: Jinja's own take the template context. Every template is
    # HTML with autoescaping, so the result is what Jinja's newstyle gettext gives there: the translation
    # as markup, always %-formatted with its (escaped) variables.
    plain = make_gettext(locale)
    app.jinja_env.globals.update(_=plain, gettext=plain)
