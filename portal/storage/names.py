"""File names as people send them, made safe to keep and to send back (RFC 6266).

A name arrives from a browser form, an API query parameter or an e-mail client, and is shown on pages,
written into ZIP manifests and sent back in `Content-Disposition`. `clean_filename()` is the one rule
for all of them: the last path part only, no control or format characters (CR/LF, NUL, the direction
marks that make "gpj.exe" look like "exe.jpg"), white space folded, at most MAX_CHARS characters with
the extension kept. Uploads clean names on the way in; downloads clean them again on the way out, so a
row stored before this rule still downloads.
"""
from __future__ import annotations

import unicodedata

MAX_CHARS = 200
MAX_EXTENSION = 16


def _kept(ch: str) -> str:
    category = unicodedata.category(ch)
    if category.startswith("C"):  # Cc control, Cf format (direction marks, zero-width), Co, Cs, Cn
        return ""
    if category.startswith("Z"):  # every kind of space and line or paragraph separator
        return " "
    return ch


def clean_filename(raw: str | None, default: str = "") -> str:
    """A safe file name from what a client sent; `default` when nothing of it is left."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = "".join(_kept(ch) for ch in text)
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).strip(" .")  # no leading dots (hidden files, "..") or trailing dots
    if len(name) > MAX_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= MAX_EXTENSION:
            name = stem[:MAX_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_CHARS].rstrip(" .")
    return name or default
