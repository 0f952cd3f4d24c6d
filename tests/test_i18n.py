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
