"""A reuse's image, checked and cleaned without an image library (no imaging package is in the locks).

The type is read from the bytes (never the name or the type the browser sends); the size is limited while
reading; the structure is walked to the end: a PNG's chunks with their CRCs and its compressed pixels
inflated to the size the header promises, a JPEG's segments up to the frame header and the end marker.
What is stored is rebuilt from the parts an image needs: a PNG keeps its critical chunks (and transparency,
gamma and colour space), a JPEG drops its APP1–APP15 and comment segments, so no EXIF (a phone's GPS
position, the camera's serial number) or embedded text leaves through the showcase.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

MAX_BYTES = 2 * 1024 * 1024    # the largest image accepted
MAX_PIXELS = 40_000_000        # width × height: a small file that inflates to gigabytes is refused
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP"}
JPEG_DROP = set(range(0xE1, 0xF0)) | {0xFE}  # APP1..APP15 (EXIF, XMP…), COM


class NotAnImage(ValueError):
    """The bytes are not a whole PNG or JPEG image."""


class TooLarge(ValueError):
    pass


@dataclass(frozen=True)
class Image:
    data: bytes
    media_type: str
    width: int
    height: int


def read_limited(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge()
    return data


def clean(data: bytes) -> Image:
    """The image rebuilt without its metadata, or NotAnImage."""
    if data.startswith(PNG_MAGIC):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    raise NotAnImage("not PNG or JPEG")


def _png(data: bytes) -> Image:
    pos, out, width, height, idat, ended = len(PNG_MAGIC), [PNG_MAGIC], 0, 0, [], False
    bits = colour = interlace = 0
    while pos < len(data):
        if pos + 12 > len(data):
            raise NotAnImage("truncated chunk")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise NotAnImage("truncated chunk")
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise NotAnImage("bad CRC")
        if pos == len(PNG_MAGIC):
            if kind != b"IHDR" or length != 13:
                raise NotAnImage("no header")
            width, height, bits, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            if not (0 < width and 0 < height and width * height <= MAX_PIXELS):
                raise NotAnImage("bad size")
        if kind == b"IDAT":
            idat.append(body)
        if kind in PNG_KEEP:
            out.append(data[pos:pos + 12 + length])
        pos += 12 + length
        if kind == b"IEND":
            ended = True
            break
    if not ended or not idat or not width:
        raise NotAnImage("incomplete")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if channels is None or bits not in (1, 2, 4, 8, 16):
        raise NotAnImage("bad colour type")
    row = (width * channels * bits + 7) // 8 + 1
    expected = row * height
    if interlace:
        expected = 0  # Adam7: only checked to inflate without error
    inflater = zlib.decompressobj()
    try:
        pixels = inflater.decompress(b"".join(idat), expected + 1 if expected else MAX_PIXELS * 8 + 1)
    except zlib.error:
        raise NotAnImage("bad pixels")
    if expected and len(pixels) != expected:
        raise NotAnImage("pixels do not match the header")
    return Image(b"".join(out), "image/png", width, height)


def _jpeg(data: bytes) -> Image:
    pos, out, width, height = 2, [b"\xff\xd8"], 0, 0
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise NotAnImage("bad segment")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise NotAnImage("truncated segment")
        segment = data[pos:pos + 2 + length]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if length < 8:
                raise NotAnImage("bad frame")
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
        if marker not in JPEG_DROP:
            out.append(segment)
        pos += 2 + length
        if marker == 0xDA:  # start of scan: the entropy-coded data follows, up to the end marker
            break
    if not (width and height) or width * height > MAX_PIXELS:
        raise NotAnImage("bad size")
    end = data.rfind(b"\xff\xd9")
    if end < pos:
        raise NotAnImage("no end marker")
    out.append(data[pos:end + 2])
    return Image(b"".join(out), "image/jpeg", width, height)
