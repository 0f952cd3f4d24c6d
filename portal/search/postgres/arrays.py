"""Entry numbers (docno) in numpy: PostgreSQL's binary integer arrays, bitmaps of frequent words, and the
per-process facet arrays that count the facet values of any set of entries."""
from __future__ import annotations

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection

from .schema import SEARCH_TABLE


def _int_array(data: bytes | None) -> np.ndarray:
    """An integer[] in PostgreSQL's binary form (`array_send`) as a numpy array; NULL is empty."""
    if data is None:
        return np.zeros(0, dtype=np.int64)
    words = np.frombuffer(data, dtype=">i4")
    if len(words) < 5 or words[0] == 0:  # no dimensions: an empty array
        return np.zeros(0, dtype=np.int64)
    if words[0] != 1 or words[1] != 0:
        raise ValueError("expected a one-dimensional integer array without NULLs")
    return words[6::2].astype(np.int64)  # after the header, (length 4, value) per element


def _bits(docnos: np.ndarray) -> bytes:
    """Entry numbers as a bitmap (bit n of the bytes, least significant bit first, is entry n)."""
    if not len(docnos):
        return b""
    flags = np.zeros(int(docnos.max()) + 1, dtype=bool)
    flags[docnos] = True
    return np.packbits(flags, bitorder="little").tobytes()


def _docnos(bits: bytes) -> np.ndarray:
    return np.flatnonzero(np.unpackbits(np.frombuffer(bits, dtype=np.uint8), bitorder="little"))


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The numbers in both (each without repeats), in a's order."""
    if not len(a) or not len(b):
        return a[:0]
    seen = np.zeros(int(max(a.max(), b.max())) + 1, dtype=bool)
    seen[b] = True
    return a[seen[a]]


class FacetArrays:
    """The default facet values of every entry of one search generation, by entry number (docno).

    `matrix[docno]` holds the codes of the entry's values (padded with `len(values)`), so counting the
    values of any set of entries is one gather and one bincount; `docs[code]` lists the entries that have
    a value, for facet filters. Entries numbered past the matrix have no value in these fields.
    """

    def __init__(self, generation, values: list[str], docs: list[np.ndarray]) -> None:
        self.generation = generation
        self.values = values
        self.codes = {v: i for i, v in enumerate(values)}
        self.docs = docs
        lengths = np.array([len(d) for d in docs], dtype=np.int64)
        flat = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        codes = np.repeat(np.arange(len(values), dtype=np.int32), lengths)
        order = np.argsort(flat, kind="stable")
        flat, codes = flat[order], codes[order]
        rows = int(flat.max()) + 1 if len(flat) else 0
        per_doc = np.bincount(flat, minlength=rows)
        width = int(per_doc.max()) if rows else 0
        starts = np.concatenate(([0], np.cumsum(per_doc)[:-1])) if rows else np.zeros(0, dtype=np.int64)
        slot = np.arange(len(flat)) - np.repeat(starts, per_doc)
        self.matrix = np.full((rows, max(width, 1)), len(values), dtype=np.int32)
        self.matrix[flat, slot] = codes

    @classmethod
    def load(cls, conn: Connection, fields: tuple[str, ...], generation) -> "FacetArrays":
        rows = conn.execute(text(
            f"SELECT v, array_send(array_agg(docno)) FROM {SEARCH_TABLE}, unnest(facets) AS v "
            f"WHERE split_part(v, ':', 1) = ANY(CAST(:fields AS text[])) GROUP BY v ORDER BY v"),
            {"fields": list(fields)}).all()
        return cls(generation, [r[0] for r in rows], [_int_array(r[1]) for r in rows])

    def count(self, docnos: np.ndarray, fields: tuple[str, ...]) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {f: {} for f in fields}
        docnos = docnos[docnos < len(self.matrix)]
        counts = np.bincount(self.matrix[docnos].ravel(), minlength=len(self.values) + 1)
        for code in np.flatnonzero(counts[:len(self.values)]):
            field, _, val = self.values[code].partition(":")
            if field in facets:
                facets[field][val] = int(counts[code])
        return facets

    def filter(self, docnos: np.ndarray, filters: dict[str, list[str]]) -> np.ndarray:
        """The entries among `docnos` with one of the values of every filter (`field:value` strings)."""
        for values in filters.values():
            keep = np.zeros(len(self.matrix), dtype=bool)
            for value in values:
                code = self.codes.get(value)
                if code is not None:
                    keep[self.docs[code]] = True
            docnos = docnos[docnos < len(keep)]
            docnos = docnos[keep[docnos]]
        return docnos
