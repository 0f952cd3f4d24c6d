"""Test apps share the URL builders werkzeug compiles for their rules.

Every test builds its own app, and werkzeug compiles each of its 130 URL rules into a Python function
that builds the rule's URL (Rule._compile_builder: an AST made and compiled twice per rule), which was
most of create_app's time. The function depends only on the rule's text, the parts werkzeug traced
from it and the names of its defaults, so one compiled per process serves every app. Rules whose
variables have defaults (werkzeug folds those into the function) are compiled as usual.

Relies on werkzeug 3.1's private Rule._compile_builder(append_unknown) and Rule._trace; on another
version nothing is cached. tests/test_url_rules.py checks that every cached builder is the function
werkzeug itself makes.
"""
from __future__ import annotations

from typing import Any, Callable

from importlib.metadata import version

from werkzeug.routing.rules import Rule

ORIGINAL: Callable[..., Any] = Rule._compile_builder
_builders: dict[tuple, Any] = {}


def _cached_builder(self: Rule, append_unknown: bool = True):
    defaults = self.defaults or {}
    if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
        return ORIGINAL(self, append_unknown)
    key = (self.rule, tuple(self._trace), tuple(str(k) for k in defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = ORIGINAL(self, append_unknown)
    return builder


def share_url_builders() -> bool:
    """Install the cache (once per process); False on a werkzeug it was not written for."""
    if not version("werkzeug").startswith("3.1."):
        return False
    Rule._compile_builder = _cached_builder  # type: ignore[method-assign]
    return True
