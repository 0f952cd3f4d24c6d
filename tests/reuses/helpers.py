"""Images made by hand for the reuse tests (no imaging library): a PNG with a text chunk, a JPEG with EXIF."""
from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png(width: int = 4, height: int = 3, text: bytes = b"Author\x00Zhang San, GPS 40.84N 111.75E") -> bytes:
    rows = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"tEXt", text) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b""))


def jpeg() -> bytes:
    def seg(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    exif = b"Exif\x00\x00GPSLatitude=40.84"
    sof = bytes([8]) + struct.pack(">HH", 2, 2) + bytes([1, 1, 0x11, 0])
    sos = bytes([1, 1, 0, 0, 63, 0])
    return (b"\xff\xd8" + seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00") + seg(0xE1, exif)
            + seg(0xFE, b"a comment") + seg(0xC0, sof) + seg(0xDA, sos) + b"\x12\x34\x56" + b"\xff\xd9")
