"""Encrypted backups of the database and the files (R2024 §35): `flask portal backup` / `restore`."""
