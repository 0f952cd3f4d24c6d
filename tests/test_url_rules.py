"""The URL builders test apps share (tests/url_rules.py) are the functions werkzeug itself compiles."""
from __future__ import annotations

from werkzeug.routing.rules import Rule

from tests import url_rules


def _made(function) -> tuple:
    code = function.__code__
    return code.co_name, code.co_code, code.co_consts, code.co_names, code.co_varnames, code.co_argcount, function.__defaults__


def test_every_rule_of_an_app_gets_the_builder_werkzeug_makes(app):
    assert Rule._compile_builder is url_rules._cached_builder, "werkzeug changed: see tests/url_rules.py"
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        for append_unknown in (False, True):
            assert _made(rule._compile_builder(append_unknown)) == _made(url_rules.ORIGINAL(rule, append_unknown))

