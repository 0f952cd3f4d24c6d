"""No template tests a role or a state: pages render what Python decided for them.

Who may do what is answered in Python (the workflows' `allowed_actions`, flags such as `may_edit`, the
groups of accounts/roles.py) and a state's label is worked out there too (the `status` filter); a
template that reads `.role` or `.state`, compares a role or a state, or asks `is_authenticated` would be
a second copy of a rule. Every template is checked, none left out.
"""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)      # what Jinja evaluates
COMMENT = re.compile(r"\{#.*?#\}", re.S)
RULES = {
    "reads a role or a state": re.compile(r"\.(?:role|state|pending_state)\b"),
    "compares a role or a state": re.compile(r"\b\w*(?:role|state)\s*(?:==|!=|(?:not\s+)?in\s*[(\[])"),
    "asks whether someone is signed in": re.compile(r"is_authenticated"),
    "selects by a role or a state": re.compile(
        r"(?:selectattr|rejectattr|attr|groupby|sort|map)\(\s*(?:attribute\s*=\s*)?['\"]\w*(?:role|state)['\"]"),
}


def offences(text: str) -> list[tuple[int, str, str]]:
    """(line, rule, tag) for each Jinja tag of a template's text that breaks a rule."""
    text = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    found = []
    for tag in TAG.finditer(text):
        for rule, pattern in RULES.items():
            if pattern.search(tag.group()):
                found.append((text.count("\n", 0, tag.start()) + 1, rule, " ".join(tag.group().split())[:120]))
    return found


def test_the_rules_catch_what_they_should():
    for tag, rule in [("{% if current_user.role in ('authority', 'admin') %}", "reads a role or a state"),
                      ("{{ r.state|review_state }}", "reads a role or a state"),
                      ("{{ ds.pending_state }}", "reads a role or a state"),
                      ("{% if state == 'published' %}", "compares a role or a state"),
                      ("{% elif role != 'data_user' %}", "compares a role or a state"),
                      ("{% if current_user.is_authenticated %}", "asks whether someone is signed in"),
                      ("{% set open = ds.reviews|selectattr('state', 'equalto', 'pending')|first %}",
                       "selects by a role or a state")]:
        assert rule in [found for _line, found, _tag in offences(tag)], tag
    assert offences("{# r.state in a comment #}") == []
    assert offences("{% for state, entries in board.by_state.items() %}{{ state_badge(state|entry_status) }}"
                    "{% set s = plan|status %}<tr data-state=\"{{ s.code }}\">{% if 'approve' in actions %}"
                    "{{ (r|status).label }}{% endfor %}") == []


def test_no_template_tests_a_role_or_a_state():
    found = [f"{path.relative_to(TEMPLATES)}:{line}: {rule}: {tag}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for line, rule, tag in offences(path.read_text(encoding="utf-8"))]
    assert found == [], "\n".join(found)
