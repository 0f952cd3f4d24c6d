"""A streamed, authenticated encryption of one archive: AES-256-GCM over 1 MiB chunks.

Layout: header (magic, scrypt salt and cost, nonce prefix), a key-check block, then chunks, each
``flag (1 byte: 0 more, 1 final) · length (4 bytes) · ciphertext+tag``. The nonce of chunk *i* is
``prefix(7) · i(4) · flag(1)`` and the header is the associated data of every chunk, so a changed,
reordered, dropped or truncated chunk, or a changed header, fails authentication. Neither side ever
holds more than one chunk in memory.
"""
from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ODP-BACKUP\x01"
CHUNK = 1024 * 1024
MIN_KEY_CHARS = 32
KEY_CHECK = b"open-data-portal backup key check"
_SCRYPT = (15, 8, 1)  # log2(n), r, p: about 32 MiB and a tenth of a second per archive
_HEADER = struct.Struct(f">{len(MAGIC)}s16sBBB7s")
_CHUNK_HEAD = struct.Struct(">BI")
_TAG = 16


class BackupError(Exception):
    """The archive cannot be written or read; the message says why."""


class WrongKey(BackupError):
    pass


class Damaged(BackupError):
    pass


def check_passphrase(passphrase: str | None) -> str:
    if not passphrase or len(passphrase) < MIN_KEY_CHARS:
        raise BackupError(f"PORTAL_BACKUP_KEY must be set to a secret of at least {MIN_KEY_CHARS} characters.")
    return passphrase


def _derive(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> AESGCM:
    key = Scrypt(salt=salt, length=32, n=2 ** log_n, r=r, p=p).derive(passphrase.encode())
    return AESGCM(key)


def _nonce(prefix: bytes, index: int, flag: int) -> bytes:
    return prefix + index.to_bytes(4, "big") + bytes([flag])


class EncryptingWriter:
    """A write-only file object: bytes written to it leave encrypted, in chunks, into `out`."""

    def __init__(self, out: BinaryIO, passphrase: str) -> None:
        self.out = out
        salt, prefix = os.urandom(16), os.urandom(7)
        self.header = _HEADER.pack(MAGIC, salt, *_SCRYPT, prefix)
        self.prefix = prefix
        self.aead = _derive(check_passphrase(passphrase), salt, *_SCRYPT)
        out.write(self.header)
        out.write(self.aead.encrypt(_nonce(prefix, 0xFFFFFFFF, 2), KEY_CHECK, self.header))
        self.buffer = bytearray()
        self.index = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK + 1:  # keep at least one byte back so the last chunk is never empty by accident
            self._emit(bytes(self.buffer[:CHUNK]), 0)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, flag: int) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.index, flag), plain, self.header)
        self.out.write(_CHUNK_HEAD.pack(flag, len(sealed)))
        self.out.write(sealed)
        self.index += 1

    def close(self) -> None:
        """Write the final chunk; the underlying file stays open."""
        if not self.closed:
            self._emit(bytes(self.buffer), 1)
            self.buffer.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file object over an encrypted archive; raises WrongKey or Damaged, never returns unauthenticated bytes."""

    def __init__(self, src: BinaryIO, passphrase: str) -> None:
        self.src = src
        header = src.read(_HEADER.size)
        if len(header) != _HEADER.size or not header.startswith(MAGIC):
            raise Damaged("This is not a portal backup archive (or its header is damaged).")
        _magic, salt, log_n, r, p, prefix = _HEADER.unpack(header)
        if log_n > 20 or r > 16 or p > 4:
            raise Damaged("The archive header asks for an unreasonable key derivation cost.")
        self.header, self.prefix = header, prefix
        self.aead = _derive(check_passphrase(passphrase), salt, log_n, r, p)
        check = src.read(len(KEY_CHECK) + _TAG)
        try:
            self.aead.decrypt(_nonce(prefix, 0xFFFFFFFF, 2), check, header)
        except InvalidTag:
            raise WrongKey("The backup key (PORTAL_BACKUP_KEY) does not open this archive.") from None
        self.index = 0
        self.buffer = b""
        self.finished = False

    def _next_chunk(self) -> None:
        head = self.src.read(_CHUNK_HEAD.size)
        if len(head) != _CHUNK_HEAD.size:
            raise Damaged("The archive is truncated.")
        flag, length = _CHUNK_HEAD.unpack(head)
        if flag not in (0, 1) or length > CHUNK + _TAG:
            raise Damaged(f"The archive is damaged or was altered (chunk {self.index}).")
        sealed = self.src.read(length)
        if len(sealed) != length:
            raise Damaged("The archive is truncated.")
        try:
            self.buffer = self.aead.decrypt(_nonce(self.prefix, self.index, flag), sealed, self.header)
        except InvalidTag:
            raise Damaged(f"The archive is damaged or was altered (chunk {self.index}).") from None
        self.index += 1
        if flag == 1:
            self.finished = True
            if self.src.read(1):
                raise Damaged("The archive has data after its end.")

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if not self.buffer:
                if self.finished:
                    break
                self._next_chunk()
                continue
            take = self.buffer if wanted is None else self.buffer[:wanted]
            self.buffer = self.buffer[len(take):]
            parts.append(take)
            if wanted is not None:
                wanted -= len(take)
        return b"".join(parts)

    def drain(self) -> None:
        """Read to the authenticated end (tar readers may stop before the final chunk)."""
        while not self.finished:
            self.buffer = b""
            self._next_chunk()
        self.buffer = b""
