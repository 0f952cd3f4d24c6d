"""Quantities written for people, the same in pages, messages and notices: file sizes."""
from __future__ import annotations


def filesize(n: int | None) -> str:
    """Bytes as B, KB, MB or GB (1024 each), one decimal above bytes; "" for None."""
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
