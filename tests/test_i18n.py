"""Page text goes through the catalogs: Chinese complete and compiled, English selectable.

What matters is checked, never a tool's version string: every message the code and templates use is in
the Chinese catalog and translated, none is fuzzy, and each compiled catalog holds exactly the
translations of its `.po` (the `.mo` header, which names the Babel version, is not compared).
"""
from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
# The keywords of `make translations` (pybabel extract -k _l -k lazy_gettext -k lazy_pgettext:1c,2).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "ugettext": None, "ungettext": (1, 2),
            "dgettext": (2,), "dngettext": (2, 3), "N_": None, "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}


def _catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def _key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


def _messages(catalog) -> dict:
    """Each message (context, id) -> its translation, without the header."""
    return {_key(m): (m.string if isinstance(m.string, str) else tuple(m.string)) for m in catalog if m.id}


def _used_in_source() -> set[tuple]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add((context, message if isinstance(message, str) else tuple(message)))
    return found


def test_every_message_in_use_is_translated_into_chinese():
    catalog = _catalog("zh_Hans_CN")
    untranslated = sorted(str(m.id) for m in catalog if m.id and not (m.string if isinstance(m.string, str)
                                                                       else all(m.string)))
    fuzzy = sorted(str(m.id) for m in catalog if m.id and m.fuzzy)
    assert untranslated == [] and fuzzy == []
    missing = sorted(map(str, _used_in_source() - set(_messages(catalog))))
    assert missing == [], "messages used in code or templates but not in the catalog; run `make translations`"
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    assert set(_messages(template)) == set(_messages(catalog)), "run `make translations`"


def test_compiled_catalogs_hold_exactly_the_translations_of_their_po():
    for lang in ("zh_Hans_CN", "en"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
            compiled = read_mo(f)
        # What compiling the .po now gives (pybabel compile leaves out fuzzy and untranslated messages),
        # compared message by message: the header, which names the Babel version, is left aside.
        fresh = io.BytesIO()
        write_mo(fresh, _catalog(lang))
        fresh.seek(0)
        assert _messages(compiled) == _messages(read_mo(fresh)), f"{lang} .mo is stale; run `make translations`"


def test_every_page_offers_the_other_language(client):
    html = client.get("/agency").get_data(as_text=True)
    assert 'href="/lang/en?next=/agency"' in html
    client.get("/lang/en")
    html = client.get("/agency").get_data(as_text=True)
    assert 'href="/lang/zh_CN?next=/agency"' in html and "Agencies" in html


def test_switching_language_after_a_post_returns_to_a_page_that_answers_get(app, users, client):
    import re

    from tests.conftest import login

    login(client, "user@example.cn")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account").get_data(as_text=True)).group(1)
    # a form answered at its POST-only address: the language link leads back to the form's page
    html = client.post("/account/tokens", data={"csrf_token": token, "name": "脚本", "scope": "read"},
                       headers={"Referer": "http://localhost/account"}).get_data(as_text=True)
    link = re.search(r'href="(/lang/en\?next=[^"]*)"', html).group(1)
    assert link == "/lang/en?next=/account"
    r = client.get(link)
    assert r.status_code == 302 and r.headers["Location"] == "/account"
    assert client.get(r.headers["Location"]).status_code == 200
    # without a referring page of this site, or when `next` is the POST-only address itself: the home page
    html = client.post("/account/tokens", data={"csrf_token": token, "name": "脚本", "scope": "read"},
                       headers={"Referer": "https://elsewhere.example/account"}).get_data(as_text=True)
    assert 'href="/lang/zh_CN?next=/"' in html
    for target in ("/account/tokens", "/account/tokens/1/revoke", "/no-such-page"):
        r = client.get("/lang/zh_CN", query_string={"next": target})
        assert r.status_code == 302 and r.headers["Location"] == "/", target
    r = client.get("/lang/en", query_string={"next": "/dataset?q=空气"})
    assert r.headers["Location"] == "/dataset?q=%E7%A9%BA%E6%B0%94"
