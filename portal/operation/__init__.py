"""Authorised operation (授权运营, OVERSIGHT §10)."""
