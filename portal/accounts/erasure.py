"""Deleting one's own account: personal data removed or anonymised, the records the law keeps kept.

What goes and what stays, and why, is docs/decisions.md "Accounts: what deleting an account keeps". In
short: the account row stays (decisions, applications, complaints and logs name it by number) with its name,
address and identifiers replaced; sessions and tokens end; inbox notices, unsent drafts and the login
throttle of the address are removed; the audit chain is never rewritten (it is append-only and kept two
years), so the deletion is one more event, written under the anonymised label.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash

from ..audit import services as audit
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..models_base import utcnow
from . import roles
from .lockout import address_key
from .models import ApiToken, LoginThrottle, User
from .sessions import end_sessions

ANONYMOUS_DOMAIN = "deleted.invalid"


def anonymous_email(user: User) -> str:
    return f"deleted-{user.id}@{ANONYMOUS_DOMAIN}"


def delete_account(user: User, password: str, confirmed: bool) -> dict[str, int]:
    """The owner deletes their data user account (password and an explicit confirmation needed); returns
    what was removed. Staff accounts are ended by an administrator (deactivation), not deleted."""
    from ..inbox.models import Message
    from ..opening.models import Application, ApplicationState

    if not roles.is_data_user(user):
        raise Forbidden(_("Staff accounts are deactivated by an administrator, not deleted."))
    errors = {}
    if not check_password_hash(user.password_hash, password or ""):
        errors["password"] = _("The password is wrong.")
    if not confirmed:
        errors["confirm"] = _("Confirm that you want to delete your account.")
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    now = utcnow()
    removed = {"inbox_messages": 0, "draft_applications": 0}
    drafts = list(db.session.scalars(select(Application).where(Application.applicant_id == user.id,
                                                               Application.state == ApplicationState.DRAFT)))
    for draft in drafts:
        db.session.delete(draft)  # never submitted: no one decided anything on it
    removed["draft_applications"] = len(drafts)
    removed["inbox_messages"] = db.session.execute(delete(Message).where(Message.user_id == user.id)).rowcount
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == address_key(user.email)))
    user.email = anonymous_email(user)
    user.name = _("Deleted account %(n)d", n=user.id)
    user.password_hash = ""
    user.citizen_id_masked = user.citizen_id_hash = user.uscc = None
    user.email_confirmed_at = None
    user.last_login_at = None
    user.active = False
    user.deleted_at = now
    end_sessions(user)
    audit.record(user, "user.delete", "user", str(user.id), details=removed)
    db.session.commit()
    return removed
