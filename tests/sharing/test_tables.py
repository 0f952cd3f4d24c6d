"""The sharing tables are SHARING.md §3.1–3.3 as written: states, actors, deadlines (S1–S3's rules)."""
from __future__ import annotations

from portal.accounts import roles
from portal.sharing.workflow import DIRECT, REQUEST, SHARE_GRANT


def rows(table):
    return {(t.action, tuple(t.sources), t.target, tuple(t.actors), t.starts) for t in table.transitions}


def test_unconditional_requests_are_granted_at_once():
    """§3.1 (S1): draft → granted by the requester's officer, no review, no deadline."""
    assert ("submit", ("draft",), "granted", (roles.REQUESTER,), None) in rows(DIRECT)


def test_conditional_requests_follow_section_3_2():
    """§3.2 (S2, S3): answer due submit + 5 WD, delivery due agree + 5 WD; who takes each step."""
    assert rows(REQUEST) >= {
        ("submit", ("draft",), "submitted", (roles.REQUESTER,), "SHARE_ANSWER_WORKDAYS"),
        ("agree", ("submitted",), "agreed", (roles.PROVIDER,), "SHARE_DELIVERY_WORKDAYS"),
        ("refuse", ("submitted",), "refused", (roles.PROVIDER,), None),
        ("question", ("submitted",), "submitted", (roles.PROVIDER,), None),
        ("deliver", ("agreed",), "delivered", (roles.PROVIDER,), None),
        ("withdraw", ("draft", "submitted"), "withdrawn", (roles.REQUESTER,), None),
        ("dispute", ("refused",), "disputed", (roles.REQUESTER,), None),
    }
    assert REQUEST.find("submitted", "refuse").needs_reason
    assert set(REQUEST.running_states()) == {"submitted", "agreed"}


def test_grants_follow_section_3_3():
    """§3.3: suspend/resume/revoke by the provider's officer or the authority; expire and end by the portal."""
    managers = (roles.PROVIDER, roles.AUTHORITY_ACTOR)
    assert rows(SHARE_GRANT) == {
        ("suspend", ("active",), "suspended", managers, None),
        ("resume", ("suspended",), "active", managers, None),
        ("revoke", ("active", "suspended"), "revoked", managers, None),
        ("expire", ("active", "suspended"), "expired", (roles.SYSTEM,), None),
        ("end", ("active", "suspended"), "ended", (roles.SYSTEM,), None),
    }
    assert all(SHARE_GRANT.find("active", a).needs_reason for a in ("suspend", "revoke"))
