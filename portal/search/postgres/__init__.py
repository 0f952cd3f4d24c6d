"""PostgreSQL search backend: jieba words in a weighted `tsvector`, facet counts and sorts by SQL and numpy.

The words come from the same segmenter as Whoosh (search/text.py): `part_words()` for each part of an
entry, `query_terms()` for a query. They are written as a tsvector *literal* (`'word':1A,7B ...`) and
queried with a tsquery literal (`'w1' & 'w2'`), so PostgreSQL's text-search parser and dictionaries never
touch Chinese.
Weights: title A, tags and agency B, data items C, summary D.

With the `rum` extension (Debian `postgresql-15-rum`) the tsvector gets a RUM index and the top
results come ranked from the index (`ORDER BY tsv <=> query`); without it, a GIN index finds the
matches and `ts_rank` orders them. Facets are `field:value` strings in a text[] with a GIN index:
values of one facet are OR-ed (`&&`), facets AND-ed, and counted within the current results.
Index-only filter fields (tags, licence, name) are in the same array: filters and expressions
(`SearchQuery.where`, compiled to SQL) use them, and they are counted only when a query asks for them.
The counts kept for the whole index (COUNTS_TABLE) hold the default facet fields only.

Exact totals and facet counts without reading every match. A word of half the catalog matches 50,000
rows of about 1.4 kB (the tsvector is stored inline), and reading them, whether for `count(*)` or to
unnest and group their facets, cost up to 100 ms at 100,000 entries. So every row has an entry number
(`docno`, an identity column), and:
- POSTINGS_TABLE holds, for every word that at least POSTINGS_MIN_DF (2,000) entries contain, a bitmap
  of their numbers (12.5 kB at 100,000 entries). It is filled at each recount (rebuild, batch add,
  clear) and kept exact by every write (`index`, `remove` update the rows of the words they add or
  drop); a word that becomes frequent later has no row until the next recount, which is only slower.
- Each process holds FacetArrays: the default facet values of every entry by number, loaded once per
  search generation (the counts table's generation row, moved by every write) with one GROUP BY over
  the table (0.6–0.9 s at 100,000 entries, 70–90 ms at 10,000; paid by the first counted query after a
  start or a write).
Numbers only grow (an upsert uses one of the sequence even when the entry keeps its number): bitmaps and
arrays are as long as the largest number, until a rebuild numbers the entries afresh.
A query's words with a postings row are intersected as bitmaps; when they are all of the words and the
other conditions are facet filters, the filters are applied to the arrays and no table row is read.
Otherwise the table answers the rest (the words without a row, the filters, the expression) as one
binary array of numbers (`array_send(array_agg(docno))`, no per-row result), intersected with the
bitmaps. The total is the number of entries, and the facet counts one numpy gather and bincount. The
page, the generation, the postings and the arrays are read in one REPEATABLE READ snapshot, so counts
stay exact while writers commit. Counts of index-only fields are still counted by SQL (unnest and GROUP
BY); all answers are remembered per process until the next write. What remains at 100,000 entries is
RUM's ranking: it scores every match of the words to return the top 20 (about 30–60 ms for the few
queries of one or two words in a third of the catalog or more). Measured at 51c5128 (bench/README.md,
load average 2–3): 100,000 entries, facets, first time in a fresh process, p95 16.6 ms (90.9 ms before).

The tables `search_documents` and `search_postings` belong to this backend (like Whoosh's index
directory): migrations 0004_pg_search and 0008_pg_search_postings create them on PostgreSQL, and the
backend creates them itself in a database that has none of its tables (one made with `create_all()`);
a search table dropped later is a fault, answered with SearchUnavailable until `flask portal reindex`
rebuilds it. They are not ORM models, so model autogeneration leaves them alone (`include_object`).

The modules: backend.py (PostgresBackend, its state and set-up), schema.py (the tables, their DDL and
checks), words.py (an entry's tsvector literal and table row, a query's tsquery literal), writing.py (add,
rebuild, remove, clear; the kept counts and postings), querying.py (the page, totals and facet counts) and
arrays.py (entry numbers in numpy: bitmaps and the facet arrays).
"""
