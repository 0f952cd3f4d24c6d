"""Derived tables: each tabular file parsed once into a typed Parquet copy, with a profile of every column.

The interface others build on is `services.py` (what a table is, who may read it, where its Parquet is);
`derive.py` makes the copy with DuckDB, `types.py` says how a cell is read, `profile.py` describes columns.
"""
