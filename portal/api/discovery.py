"""Suggestions while typing (/api/v1/suggestions): the search box's script asks here."""
from __future__ import annotations

from flask import url_for

from ..discovery import services
from ..discovery.schemas import SuggestIn, SuggestionListOut
from .routes import load_args, route


def suggestion_url(name: services.Name) -> str:
    if name.kind == "entry":
        return url_for("catalog.dataset", slug=name.key)
    if name.kind in ("agency", "theme"):
        return url_for("catalog.search", **{name.kind: name.key})
    return url_for("catalog.search", q=name.key)


@route("/suggestions", summary="Suggestions while typing", tag="datasets", query=SuggestIn,
       response=SuggestionListOut, errors=(422,))
def suggestions():
    """Popular searches, entry titles, themes and agencies that complete what has been typed: by the
    characters themselves, or by pinyin in full, by initials or mixed (kqzl finds 空气质量)."""
    args = load_args(SuggestIn)
    found = services.suggestions(args["q"], args["limit"])
    return SuggestionListOut().dump({"q": args["q"], "results": [
        {"text": n.text, "kind": n.kind, "url": suggestion_url(n)} for n in found]})
