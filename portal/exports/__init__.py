"""Bulk access for developers: the JSONL catalog dump and change feed, DCAT-AP, per-agency/theme ZIPs."""
