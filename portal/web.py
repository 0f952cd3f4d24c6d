"""Site-wide pages: home, language choice, licence."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _

from .catalog import queries as catalog
from .discovery import services as discovery
from .i18n import DISPLAY_COOKIE, DISPLAY_MODES
from .pagecache import cached
from .security import safe_next

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    """Home page: search box, themes with counts, newest and most downloaded entries, key figures."""
    return cached(lambda: render_template("home.html", figures=catalog.figures(),
                                          themes=catalog.themes_with_counts(), newest=catalog.newest(),
                                          popular=catalog.most_downloaded(), searches=discovery.popular()))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Remember the visitor's language in a cookie and go back where they were (a page of this site that
    answers GET; the home page otherwise)."""
    resp = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
        resp.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return resp


@bp.get("/display/<mode>")
def set_display(mode: str):
    """Turn the accessibility mode (larger text, higher contrast) on or off: a cookie for a year, and
    back to the page the visitor was on, where a status message says what changed. A link, so it works
    without JavaScript and from the keyboard."""
    resp = redirect(safe_next(request.args.get("next")))
    if mode in DISPLAY_MODES:
        resp.set_cookie(DISPLAY_COOKIE, mode, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        flash(_("Accessibility mode is on: larger text and higher contrast.") if mode == "large"
              else _("Accessibility mode is off: standard text and colours."))
    return resp


@bp.get("/licence")
def licence():
    """The open-data licence text."""
    return render_template("licence.html")
