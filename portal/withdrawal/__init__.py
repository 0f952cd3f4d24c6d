"""Planned withdrawal of a published entry (停止提供预告, OVERSIGHT §2): services.py."""
