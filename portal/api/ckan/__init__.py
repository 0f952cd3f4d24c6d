"""CKAN-compatible Action API: the `fq` parser (fq.py), CKAN dict shapes (dicts.py), the actions
(actions.py, the rules) and the thin blueprint (views.py)."""
