"""Login, logout, registration, the user's own account page and password, administrators' list of accounts."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..errors import Conflict, Invalid, PortalError
from ..extensions import limiter
from ..models_base import utcnow
from ..security import safe_next
from . import consent, roles, services, sessions, tokens, verification
from .forms import LoginForm, PasswordForm, RegisterForm
from .lockout import Locked
from .permissions import login_required, roles_required

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    """Log in with e-mail and password (rate-limited per client address, locked out per address)."""
    form = LoginForm()
    headers = {}
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         known_device=sessions.known_device(request, form.email.data))
        except Locked as exc:
            form.password.errors.append(exc.message)
            headers["Retry-After"] = str(exc.retry_after)
        except Invalid as exc:
            form.password.errors.append(exc.message)
        else:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            target = safe_next(request.args.get("next"))
            if consent.due(user):  # a new version of the privacy policy (or none agreed yet): asked first
                session[consent.SESSION_KEY] = True
                target = url_for("personal.consent", next=target)
            return sessions.remember_device(redirect(target), user.email)
    status = (429 if headers else 422) if form.errors else 200
    return render_template("accounts/login.html", form=form), status, headers


@bp.post("/logout")
def logout():
    """Log out (POST with CSRF token, so no link can log a user out); every session of the account ends."""
    if current_user.is_authenticated:
        services.log_out(current_user)
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("web.home"))


def _registration_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def _registration_global_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER_GLOBAL"]


def _everyone() -> str:
    return "all"


def _answered(response) -> bool:
    """Every attempt counts, invalid ones too, but not one a limit already refused (so an address over its
    own budget does not use up the portal's)."""
    return response.status_code != 429


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"], deduct_when=_answered)
@limiter.limit(_registration_global_limit, methods=["POST"], key_func=_everyone, scope="register-all",
               deduct_when=_answered)
def register():
    """Self-registration of data users (persons and organisations), rate-limited per client address and for
    the whole portal. A valid form is answered alike whether or not the e-mail address or identity number
    already has an account: "check your mailbox" (services.register mails the right message)."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(services.Registration(
                kind=form.kind.data, name=form.name.data, email=form.email.data, password=form.password.data,
                citizen_id=form.citizen_id.data or "", uscc=form.uscc.data or "", consent=bool(form.consent.data)))
        except Invalid as exc:
            for field, message in exc.details.items():
                getattr(form, field).errors.append(message)
        else:
            return redirect(url_for("accounts.registered"))
    status = 422 if form.errors else 200
    return render_template("accounts/register.html", form=form, policy_version=consent.current_version()), status


@bp.get("/register/sent")
def registered():
    """After registering: check your mailbox (the same page for new and existing identities)."""
    return render_template("accounts/registered.html", hours=current_app.config["EMAIL_CONFIRM_HOURS"])


@bp.get("/register/confirm/<token>")
def confirm_email(token: str):
    """Follow the link mailed at registration: the address is confirmed, then the owner logs in."""
    try:
        verification.confirm_email(token)
    except Invalid as exc:
        return render_template("accounts/confirm_failed.html", message=exc.message), 400
    flash(_("Your e-mail address is confirmed."), "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


@bp.post("/account/confirm")
@login_required
@limiter.limit(_registration_limit)
def resend_confirmation():
    """Mail a new confirmation link to the signed-in user's unconfirmed address."""
    try:
        verification.send_confirmation(current_user)
    except Conflict as exc:
        flash(exc.message, "info")
    else:
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/account/identity")
@login_required
@limiter.limit(_registration_limit)
def add_identity():
    """A person registered without a citizen ID number adds it (checked, stored masked and hashed)."""
    try:
        verification.add_citizen_id(current_user, request.form.get("citizen_id", ""))
    except (Invalid, Conflict) as exc:
        return _account_page(errors={"citizen_id": exc.details.get("citizen_id", exc.message)}, status=exc.status)
    flash(_("Your citizen ID number was added."), "success")
    return redirect(url_for("accounts.account"))


def _account_page(new_token: str | None = None, errors: dict | None = None, status: int = 200):
    return render_template("accounts/account.html", user=current_user, tokens=tokens.user_tokens(current_user),
                           new_token=new_token, errors=errors or {}, expiry_days=tokens.EXPIRY_DAYS,
                           now=utcnow(), may_delete=roles.is_data_user(current_user),
                           identity_problem=verification.identity_problem(current_user)
                           if roles.is_data_user(current_user) else None), status


@bp.get("/account")
@login_required
def account():
    """The user's own account and API tokens."""
    return _account_page()


@bp.post("/account/tokens")
@login_required
def create_token():
    """Create an API token; the page shows it once and never again."""
    try:
        _token, raw = tokens.create_token(current_user, request.form.get("name", ""), request.form.get("scope", ""),
                                          request.form.get("days", type=int) or 0)
    except Invalid as exc:
        return _account_page(errors=exc.details, status=422)
    return _account_page(new_token=raw, status=201)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    tokens.revoke_token(current_user, token_id)
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def change_password():
    """Change the password; every other session of the account ends, this one continues."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except Invalid as exc:
            for field, message in exc.details.items():
                getattr(form, field).errors.append(message)
        else:
            login_user(user)  # this browser's session, with the new session version
            flash(_("Your password has been changed. Every other session of your account has been logged out."),
                  "success")
            return redirect(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render_template("accounts/password.html", form=form), status


@bp.get("/console/users")
@roles_required(roles.ADMINS)
def users():
    """Administrators: the accounts, to deactivate or reactivate them."""
    query = request.args.get("q", "")
    found = services.list_users(query)
    return render_template("accounts/users.html", users=found, q=query,
                           actions={u.id: services.account_action(u, current_user) for u in found})


@bp.post("/console/users/<int:user_id>/deactivate")
@roles_required(roles.ADMINS)
def deactivate(user_id: int):
    """Deactivate an account: it can no longer log in, and every session it has ends at once."""
    return _set_active(user_id, False)


@bp.post("/console/users/<int:user_id>/reactivate")
@roles_required(roles.ADMINS)
def reactivate(user_id: int):
    """Reactivate an account (its former sessions stay ended)."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    try:
        user = services.set_active(user_id, active, current_user)
    except PortalError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        flash(_("The account %(email)s has been reactivated.", email=user.email) if active else
              _("The account %(email)s has been deactivated and its sessions have ended.", email=user.email),
              "success")
    return redirect(url_for("accounts.users"))


@bp.get("/console/share-officers")
@roles_required(roles.AUTHORITY)
def share_officers():
    """The authority: agency staff accounts, to name each agency's share officer (R2018 §27)."""
    return render_template("accounts/share_officers.html", staff=services.agency_staff_accounts())


@bp.post("/console/users/<int:user_id>/share-officer")
@roles_required(roles.AUTHORITY)
def set_share_officer(user_id: int):
    """Name or unname a share officer (form field `officer`: 1 or 0; `note`: the agency's report)."""
    officer = request.form.get("officer") == "1"
    try:
        user = services.set_share_officer(user_id, officer, current_user, request.form.get("note", ""))
    except PortalError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        flash(_("%(name)s is now a share officer of %(agency)s.", name=user.name, agency=user.agency.name) if officer
              else _("%(name)s is no longer a share officer.", name=user.name), "success")
    return redirect(url_for("accounts.share_officers"))
