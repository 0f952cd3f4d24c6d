"""Page text goes through the catalogs: Chinese complete and compiled, English selectable."""
from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "portal" / "translations"


def test_chinese_catalog_is_complete_and_compiled():
    po = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    catalog = read_po(po.open("rb"))
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    assert {m.id for m in template if m.id} == {m.id for m in catalog if m.id}, "run `make translations`"
    for lang in ("zh_Hans_CN", "en"):
        buf = io.BytesIO()
        write_mo(buf, read_po((TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb")))
        assert buf.getvalue() == (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").read_bytes(), \
            f"{lang} .mo is stale; run `make translations`"


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
