"""Joining sentences: each part ends with exactly one stop, whether or not its writer typed one.

A template such as "理由：%(reason)s。" gave "……不符。。" when the reason already ended with 。. Labelled
parts ("理由：%(reason)s") carry no stop of their own; `join()` ends each one that needs it, in the
page's language (。 in Chinese, run together; ". " in English), and never adds a stop after one.
"""
from __future__ import annotations

from flask import has_request_context
from markupsafe import Markup

# A sentence already ends with one of these, possibly inside closing quotes or brackets.
STOPS = frozenset("。！？!?.…")
CLOSERS = frozenset("”’」』）)】》\"'")
# Dropped before the stop is added: a trailing comma, semicolon, enumeration comma or colon.
SOFT = "，,；;、：: \t\r\n\u3000"


def _chinese() -> bool:
    if not has_request_context():
        return True  # the portal's default language
    from .i18n import select_locale

    return select_locale().startswith("zh")


def _visible(text: str) -> str:
    return text.striptags() if isinstance(text, Markup) else text


def ends_sentence(text: str) -> bool:
    """True when the text ends with a stop (。！？.!?…), also inside closing quotes or brackets."""
    tail = _visible(text).rstrip()
    while tail and tail[-1] in CLOSERS:
        tail = tail[:-1]
    return bool(tail) and tail[-1] in STOPS


def sentence(text: str, chinese: bool | None = None) -> str:
    """The text as one sentence: trailing soft punctuation dropped, one stop added unless it has one."""
    chinese = _chinese() if chinese is None else chinese
    text = text.rstrip(SOFT)
    if not _visible(text).strip():
        return text[:0]
    if ends_sentence(text):
        return text
    return text + ("。" if chinese else ".")


def join(*parts: str | None, chinese: bool | None = None) -> str:
    """Non-empty parts as sentences, in one string (markup when any part is markup, the rest escaped)."""
    chinese = _chinese() if chinese is None else chinese
    done = [s for s in (sentence(p, chinese) for p in parts if p) if s]
    markup = any(isinstance(p, Markup) for p in done)
    out: list[str] = []
    for s in done:
        if out and not chinese:
            out.append(" ")
        elif out and _visible(out[-1])[-1:] in ".!?" and not _visible(s)[:1].isspace():
            out.append(" ")  # an English sentence inside Chinese text still needs its space after
        out.append(s)
    return Markup("").join(out) if markup else "".join(out)
