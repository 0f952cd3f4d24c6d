"""Follows (关注): a user follows an entry, an agency, a theme, a saved search or the answers to their own
cases, and is told by e-mail (at once or in a weekly digest) and/or through a private Atom feed.
Public Atom feeds of the catalog, each agency and each theme need no account (feeds.py)."""
