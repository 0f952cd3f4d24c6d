"""How an entry becomes the Whoosh index's fields: its parts' jieba words, repeated by weight, in one text
field, and its facets, dates and counts in one stored field whose name carries the layout."""
from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from ..base import SearchDoc
from ..text import part_words

# How much a word counts in each part of an entry. Every part is segmented once by jieba (search/text.py,
# the one place to swap the segmenter) into one field, where a title word appears 4 times, a tag
# word twice, and so on: BM25 then ranks title matches first, and a query is one posting-list
# intersection instead of a disjunction over five fields (5x less work at 100,000 entries).
FIELD_WEIGHTS = (("title", 4), ("tags", 2), ("agency", 2), ("items", 1), ("summary", 1))

PART_SEPARATOR = "\x1f"
# The stored field of facets, dates and counts. Its name carries the layout of what it holds and of the
# words (v3: text.part_words), so an index of an older layout counts as built by another version.
META = "meta_v3"


class WeightedJiebaTokenizer(Tokenizer):
    """Segments the entry's parts (title, tags, agency, items, summary, joined by PART_SEPARATOR) with
    jieba and repeats each word by its part's weight. It runs inside Whoosh's writer, so a parallel
    rebuild segments in every writer process."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for (name, weight), part in zip(FIELD_WEIGHTS, value.split(PART_SEPARATOR)):
            for word in part_words(name, part):
                for _ in range(weight):
                    token.original = token.text = word
                    token.boost, token.stopped = 1.0, False
                    if positions:
                        token.pos = pos
                        pos += 1
                    yield token


def entry_text(doc: SearchDoc) -> str:
    parts = doc.parts()
    return PART_SEPARATOR.join(parts[name] for name, _ in FIELD_WEIGHTS)
