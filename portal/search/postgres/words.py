"""An entry's words as a weighted tsvector literal, a query's as a tsquery literal, and an entry's table row."""
from __future__ import annotations

from ..base import SearchDoc
from ..text import part_words

# (part, weight) in the order the positions are numbered
WEIGHTS = (("title", "A"), ("tags", "B"), ("agency", "B"), ("items", "C"), ("summary", "D"))
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position


def _quote(word: str) -> str:
    """A lexeme as a tsvector/tsquery literal: quoted, with quotes and backslashes doubled."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(doc: SearchDoc) -> str:
    parts = doc.parts()
    positions: dict[str, list[str]] = {}
    pos = 0
    for part, weight in WEIGHTS:
        for word in part_words(part, parts[part]):
            pos = min(pos + 1, MAX_POSITION)
            entries = positions.setdefault(word, [])
            if len(entries) < 256:  # PostgreSQL keeps at most 256 positions per lexeme
                entries.append(f"{pos}{weight}")
    return " ".join(f"{_quote(w)}:{','.join(p)}" for w, p in positions.items())


def tsquery_literal(terms: list[str]) -> str:
    return " & ".join(_quote(t) for t in terms)


def row(doc: SearchDoc) -> dict:
    """The table row of one entry (module-level so that a process pool can build rows)."""
    facets = [f"{field}:{value}" for field, values in doc.facets.items() for value in values]
    return {"id": doc.id, "tsv": tsvector_literal(doc), "facets": facets, "modified": doc.modified.timestamp(),
            "downloads": doc.downloads, "title_sort": doc.title_sort}
