"""Catalog update after a change (目录更新事由, OVERSIGHT §1): services.py."""
