"""Periodic reassessment of conditional and closed entries (定期评估, OVERSIGHT.md §3)."""
