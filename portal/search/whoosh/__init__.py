"""Whoosh search backend with jieba tokenising and in-memory facet counting.

Whoosh's own `groupedby` facets are too slow at 100k entries (about 350 ms p95 measured), so
facet values, sort keys and liveness are held per index segment in numpy arrays, built once
per segment and reassembled when the index generation changes. Text matching and BM25 scoring
are vector operations too: each query word's posting list (document numbers and term frequencies) is
read from Whoosh's segment once and kept as numpy arrays (segments never change, so the cache only
grows with distinct query words, up to POSTING_CACHE_ENTRIES postings). Whoosh stores and segments;
every match, score, filter, count and sort is a vector operation over those arrays.

The modules: backend.py (WhooshBackend: the index's lifecycle and writing), fields.py (how an entry
becomes Whoosh fields: the weighted jieba words and the stored layout), arrays.py (the per-segment and
whole-index numpy arrays, the posting lists read into them) and querying.py (matching, BM25, filters,
expressions, sorting and facet counts over those arrays). Whoosh types and exceptions stay in this package.
"""
