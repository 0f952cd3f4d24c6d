"""Chinese text handling: jieba tokenising, query terms and highlighting, shared by every backend, and
the pinyin key that sorts Chinese titles (the index's title order, plan and CKAN listings)."""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape
from pypinyin import lazy_pinyin

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
    """Index-side words: jieba's search mode, plus every dictionary word inside the text (full mode).

    Full mode is what lets 呼和浩特 find 呼和浩特市 and 鄂尔多斯 find 鄂尔多斯市: search mode alone only
    adds the two- and three-character pieces of a long word.

    jieba segments whitespace-separated pieces independently, so the text is segmented piece by piece
    and short pieces (agency names, tags, data-item names, which recur across thousands of entries)
    are segmented once per process: the result is the same as segmenting the whole text.
    """
    words: list[str] = []
    extra: list[str] = []
    for piece in text.split():
        search, full = _segment_short(piece) if len(piece) <= SHORT_PIECE else _segment(piece)
        words.extend(search)
        extra.extend(full)
    seen = set(words)
    for t in extra:
        if t not in seen:
            seen.add(t)
            words.append(t)
    return words


SHORT_PIECE = 24  # characters; longer pieces (summaries) rarely recur

# The parts of an entry whose every Chinese character is also a word of the index. jieba keeps a character
# inside the longer words it knows (供水, 水质, 电力), so a one-character query such as 水, 电 or 车 found
# nothing; the short, descriptive parts now hold each of their characters too (docs/decisions.md).
CHARACTER_PARTS = ("title", "tags", "agency")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def part_words(part: str, text: str) -> list[str]:
    """The index words of one part of an entry ("title", "tags", "agency", "items" or "summary"): the words
    of tokenize(), then, for CHARACTER_PARTS, each Chinese character not among them. Every backend and
    every check of their answers takes an entry's words from here."""
    words = tokenize(text)
    if part in CHARACTER_PARTS:
        seen = set(words)
        for char in _HAN.findall(text):
            if char not in seen:
                seen.add(char)
                words.append(char)
    return words


def _segment(piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Search-mode words (with repeats) and full-mode words of one piece, lower-cased, punctuation dropped."""
    jieba = _jieba()
    return (tuple(t.lower() for t in jieba.cut_for_search(piece) if _WORD.search(t)),
            tuple(t.lower() for t in jieba.cut(piece, cut_all=True) if _WORD.search(t)))


_segment_short = lru_cache(maxsize=50_000)(_segment)


def query_terms(text: str) -> list[str]:
    """The distinct words of a user's query (jieba precise mode, dictionary words only), bounded in number.

    Every word must occur in an entry; since the index holds every dictionary word of the entry,
    this is close to "the entry contains each query word", with one posting list per word.
    """
    seen: dict[str, None] = {}
    for token in _jieba().cut(text[:MAX_QUERY_CHARS], HMM=False):
        token = token.strip().lower()
        if token and _WORD.search(token) and token not in seen:
            seen[token] = None
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return list(seen)


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape text and wrap every occurrence of a query term in <mark>."""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words or not text:
        return Markup(escape(text))
    pattern = _pattern(tuple(words))
    out, last = [], 0
    for m in pattern.finditer(text):  # escaped piece by piece as plain strings, marked safe once
        out.append(str(escape(text[last:m.start()])))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


@lru_cache(maxsize=1024)
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def snippet(text: str, terms: list[str], width: int = 120) -> str:
    """A window of text around the first matched term, for result summaries."""
    if len(text) <= width:
        return text
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def title_sort_key(title: str) -> str:
    """Pinyin of the title, so 阿拉善 sorts before 包头 as a Chinese reader expects."""
    return " ".join(lazy_pinyin(title)).lower()
