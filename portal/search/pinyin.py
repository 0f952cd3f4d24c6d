"""Matching what a visitor types against Chinese names by pinyin: full syllables ("kongqi"), initials
("kqzl"), a mix of both ("kongqzl"), or the characters themselves (空气). Shared by every search backend's
profile: it works on plain strings, so suggestions and "did you mean" behave alike on Whoosh and on
PostgreSQL."""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

MAX_INPUT = 40          # characters of typed input looked at
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Typed input as it is matched: lower case, without spaces, apostrophes and punctuation."""
    text = (text or "")[:MAX_INPUT].lower()
    return "".join(ch for ch in text if ch.isalnum())


def has_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))


@lru_cache(maxsize=200_000)
def syllables(text: str) -> tuple[str, ...]:
    """The toneless pinyin syllables of a name, one per Chinese character; a run of Latin letters or
    digits (PM2.5, 12345) is one syllable of its own, other characters are dropped."""
    out: list[str] = []
    for piece in lazy_pinyin(text or ""):
        piece = piece.lower()
        if piece.isascii() and not piece.isalpha():
            out.extend(_ASCII_WORD.findall(piece))
        elif piece.isascii():
            out.append(piece)
        else:  # characters pypinyin has no reading for
            out.extend(ch for ch in piece if ch.isalnum())
    return tuple(s for s in out if s)


def spelled(text: str) -> str:
    """The whole pinyin of a name without spaces (空气质量 -> kongqizhiliang)."""
    return "".join(syllables(text))


def _from(query: str, syls: tuple[str, ...], j: int, whole: bool) -> bool:
    """Whether query spells syllables j.. (each in full or by its first letter); `whole`: to their end,
    otherwise the last one may be cut short (typing is under way)."""
    if not query:
        return not whole or j == len(syls)
    if j == len(syls):
        return False
    s = syls[j]
    if query.startswith(s) and _from(query[len(s):], syls, j + 1, whole):
        return True
    if not whole and s.startswith(query):
        return True
    return query[0] == s[0] and len(s) > 1 and _from(query[1:], syls, j + 1, whole)


def position(typed: str, name: str) -> int | None:
    """Where in `name` the typed input matches (the index of the first character or syllable), None when
    it does not: the characters themselves, or pinyin starting at any syllable."""
    query = normalise(typed)
    if not query:
        return None
    if has_han(query):
        at = name.lower().find(query)
        return at if at >= 0 else None
    syls = syllables(name)
    for j in range(len(syls)):
        if _from(query, syls, j, whole=False):
            return j
    return None


def spells(typed: str, name: str) -> bool:
    """Whether the typed pinyin (full, initials or mixed) spells the whole name: "kqzl" spells 空气质量."""
    query = normalise(typed)
    return bool(query) and not has_han(query) and _from(query, syllables(name), 0, whole=True)


def sounds_like(typed: str, name: str) -> bool:
    """Whether two different Chinese spellings read the same (空汽质量 and 空气质量)."""
    return typed != name and has_han(typed) and spelled(typed) == spelled(name)
