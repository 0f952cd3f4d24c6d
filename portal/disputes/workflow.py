"""The table of a dispute brought to the data authority (争议协调, OVERSIGHT §7; R2024 §47, R2018 §19).

filed (the data user or the agency party to the case) → coordinating (the authority takes it up) → optional
referral to the expert committee and its opinion recorded (R2024 §5(七)) → resolved: the decision disputed is
upheld, or the agency decides again (the case is reopened on its own table with a new due date). Due: filing +
DISPUTE_WORKDAYS on the official calendar; the clock runs through the referral."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts import roles
from ..workflow import Transition, Workflow
from .models import DisputeState as D

OWNER, AGENCY, AUTHORITY = roles.OWNER, roles.AGENCY, roles.AUTHORITY_ACTOR


def relations(dispute, actor) -> set[str]:
    """The data user party to the case (OWNER, whoever filed), staff of the agency that decided, the authority."""
    return roles.relations(actor, agency_id=dispute.agency_id, owner_id=dispute.user_id)


DISPUTE = Workflow("dispute", [
    Transition("file", (None,), D.FILED, (OWNER, AGENCY), "dispute.file", starts="DISPUTE_WORKDAYS",
               needs_reason=True, reason_missing=lambda _c: _("Say why you dispute the decision.")),
    Transition("take_up", (D.FILED,), D.COORDINATING, (AUTHORITY,), "dispute.take_up"),
    Transition("refer", (D.COORDINATING,), D.COORDINATING, (AUTHORITY,), "dispute.refer", needs_reason=True,
               reason_field="question", reason_missing=lambda _c: _("Write the question put to the experts.")),
    Transition("record_opinion", (D.COORDINATING,), D.COORDINATING, (AUTHORITY,), "dispute.expert_opinion",
               needs_reason=True, reason_field="opinion",
               reason_missing=lambda _c: _("Write the expert committee's opinion.")),
    Transition("uphold", (D.COORDINATING,), D.RESOLVED, (AUTHORITY,), "dispute.uphold", stops=True,
               needs_reason=True, reason_missing=lambda _c: _("Give the reasons of the decision.")),
    Transition("redo", (D.COORDINATING,), D.RESOLVED, (AUTHORITY,), "dispute.redo", stops=True,
               needs_reason=True, reason_missing=lambda _c: _("Give the reasons of the decision.")),
], relations=relations, object_type="dispute",
    forbidden=lambda _c: _("Only the data authority coordinates disputes."),
    conflict=lambda _c: _("This action is not possible in the dispute's current state."),
    stale=lambda _c: _("Someone else acted on this dispute at the same time; reload the page."), reason_max=5000)
DECISIONS = ("take_up", "refer", "record_opinion", "uphold", "redo")

STATE_LABELS = {D.FILED: _l("Filed with the data authority"), D.COORDINATING: _l("Coordinating by the data authority"),
                D.RESOLVED: _l("Resolved")}
