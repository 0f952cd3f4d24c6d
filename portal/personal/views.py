"""Consent to a new privacy policy, forgotten passwords, downloading one's own data, deleting one's account."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..accounts import consent, erasure, own_data, reset, roles
from ..accounts.permissions import login_required, roles_required
from ..accounts.views import _answered, _everyone, _registration_global_limit, _registration_limit
from ..errors import Invalid
from ..extensions import limiter
from ..security import safe_next
from .forms import ConsentForm, DeleteForm, ForgotForm, ResetForm

bp = Blueprint("personal", __name__)

# While consent is due, only these pages open (and static files): reading the policy, agreeing, leaving.
CONSENT_FREE = {"personal.consent", "personal.own_data", "personal.download", "personal.delete_account",
                "sitepages.privacy", "sitepages.terms", "accounts.logout", "static", "web.set_language"}


@bp.before_app_request
def _consent_first():
    """A user who logged in while the privacy policy's current version awaits their consent sees the consent
    page first (set at login: accounts.views.login)."""
    if session.get(consent.SESSION_KEY) and request.endpoint not in CONSENT_FREE:
        if not current_user.is_authenticated or not consent.due(current_user):
            session.pop(consent.SESSION_KEY, None)
            return None
        return redirect(url_for("personal.consent", next=request.full_path.rstrip("?")))
    return None


def _page(form, template: str, status: int | None = None, **context):
    return render_template(template, form=form, **context), status or (422 if form.errors else 200)


@bp.route("/account/consent", methods=["GET", "POST"], endpoint="consent")
@login_required
def consent_page():
    """Agree to the privacy policy's current version (asked at the first login after it changed)."""
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            consent.agree(current_user, bool(form.consent.data))
        except Invalid as exc:
            form.consent.errors.append(exc.details["consent"])
        else:
            session.pop(consent.SESSION_KEY, None)
            flash(_("Thank you: your consent to the privacy policy is recorded."), "success")
            return redirect(safe_next(request.args.get("next")))
    return _page(form, "personal/consent.html", version=consent.current_version(), due=consent.due(current_user),
                 last=consent.latest(current_user))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"], deduct_when=_answered)
@limiter.limit(_registration_global_limit, methods=["POST"], key_func=_everyone, scope="password-reset-all",
               deduct_when=_answered)
def forgot_password():
    """Ask for a reset link; the same answer whether or not the address has an account (rate-limited per
    client address and for the whole portal, like registration)."""
    form = ForgotForm()
    if form.validate_on_submit():
        reset.request_reset(form.email.data)
        return redirect(url_for("personal.reset_sent"))
    return _page(form, "personal/forgot.html")


@bp.get("/password/forgot/sent")
def reset_sent():
    return render_template("personal/reset_sent.html", minutes=current_app.config["PASSWORD_RESET_MINUTES"])


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def reset_password(token: str):
    """Choose a new password through the mailed link (it works once, for a limited time)."""
    try:
        reset.user_for(token)
    except Invalid as exc:
        return render_template("personal/reset_failed.html", message=exc.message), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            reset.reset(token, form.password.data)
        except Invalid as exc:
            for field, message in exc.details.items():
                getattr(form, field).errors.append(message)
        else:
            logout_user()
            flash(_("Your password has been changed. Log in with the new password."), "success")
            return redirect(url_for("accounts.login"))
    return _page(form, "personal/reset.html")


@bp.get("/account/data", endpoint="own_data")
@login_required
def own_data_page():
    """What the download holds, and the button."""
    return render_template("personal/data.html", sections=sorted(own_data.SECTIONS))


@bp.post("/account/data.json", endpoint="download")
@login_required
@limiter.limit(_registration_limit)
def download_own_data():
    """Download everything the portal holds about the account, as JSON."""
    document = own_data.export(current_user)
    body = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="my-data-{current_user.id}.json"',
        "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@roles_required(roles.DATA_USERS)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def delete_account():
    """Delete one's own account (password and confirmation needed); what the law keeps stays, anonymised."""
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            erasure.delete_account(current_user._get_current_object(), form.password.data or "",
                                   bool(form.confirm.data))
        except Invalid as exc:
            for field, message in exc.details.items():
                getattr(form, field).errors.append(message)
        else:
            logout_user()
            session.pop(consent.SESSION_KEY, None)
            return redirect(url_for("personal.deleted"))
    return _page(form, "personal/delete.html")


@bp.get("/account/deleted")
def deleted():
    return render_template("personal/deleted.html")
