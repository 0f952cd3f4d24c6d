"""Chinese text handling shared by every backend: jieba tokenising, query terms, highlighting."""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

MAX_QUERY_CHARS = 200   # longer input is cut; nobody types more, and it bounds the work
MAX_QUERY_TERMS = 16

_WORD = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=1)
def _jieba():
    """Load jieba once per process (the dictionary takes about a second)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """Search-mode tokens (words and their sub-words), lower-cased, punctuation dropped."""
    return [t.lower() for t in _jieba().cut_for_search(text) if _WORD.search(t)]


def query_terms(text: str) -> list[str]:
    """The distinct terms of a user's query, in order, bounded in number and length."""
    seen: dict[str, None] = {}
    for token in tokenize(text[:MAX_QUERY_CHARS]):
        token = token.strip()
        if token and token not in seen:
            seen[token] = None
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return list(seen)


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape text and wrap every occurrence of a query term in <mark>."""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words or not text:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, terms: list[str], width: int = 120) -> str:
    """A window of text around the first matched term, for result summaries."""
    if len(text) <= width:
        return text
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
