"""A Whoosh segment's posting list of a word as numpy arrays, a block at a time (search/whoosh/arrays.py).

RELIES_ON, and what:
- whoosh-reloaded 2.7.5: the W3 codec's block matcher (whoosh.codec.whoosh3.W3LeafMatcher) keeps the
  current block's document numbers and weights in `_ids` / `_weights` after `_read_ids()` /
  `_read_weights()`, and `_next_block()` moves to the next block of up to 128 postings. Where a matcher
  lacks them (inlined short lists, other codecs) the public one-posting-at-a-time walk is used: slower,
  never wrong. tests/test_machinery.py fails when these internals change.
"""
from __future__ import annotations

import numpy as np

RELIES_ON = {"whoosh-reloaded": "2.7.5"}


def read_postings(reader, word: str) -> tuple[np.ndarray, np.ndarray]:
    """A segment's posting list of `word` as arrays, read block by block where the codec allows."""
    if ("text", word) not in reader:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    matcher = reader.postings("text", word)
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block", "_blocklength")):
        # Whoosh's W3 codec keeps postings in blocks of up to 128; take a block at a time.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
    else:  # inlined short lists and other matchers
        one_ids, one_weights = [], []
        while matcher.is_active():
            one_ids.append(matcher.id())
            one_weights.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(one_ids, dtype=np.int64))
        weights.append(np.asarray(one_weights, dtype=np.float32))
    return np.concatenate(ids), np.concatenate(weights)
