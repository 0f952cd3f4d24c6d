"""Template filters and globals: labels for coded values, sizes, dates in China time, language links, and
what the navigation offers the signed-in user."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request
from flask_babel import ngettext, pgettext
from flask_login import current_user
from limits import parse_many
from markupsafe import Markup

from .accounts import roles
from .accounts.identifiers import mask_email
from .accounts.vocab import ROLE_LABELS, USER_KIND_LABELS
from .catalog import vocab
from .catalog.editing import column_warnings
from .i18n import display_mode, select_locale
from .machinery import gettext
from .search.text import highlight, snippet
from .sentences import join as join_sentences
from .security import return_path
from .units import filesize


# Dates in pages are numeric (yyyy-MM-dd, the same in every language), in the portal's timezone (stored
# times are UTC): formatted directly, as Babel's pattern formatting costs tens of microseconds a call and a
# search page shows dozens.
def day(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _portal_time(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def day_and_minute(value: datetime | None) -> str:
    if not value:
        return ""
    value = _portal_time(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def rate_limit(spec: str) -> str:
    """A rate limit as configured ("120/minute", Flask-Limiter's notation) in words of the page's language:
    每分钟 120 次, 120 requests per minute; several limits are joined with " / "."""
    try:
        items = parse_many(spec)
    except ValueError:
        return spec
    return " / ".join(_one_rate(item.amount, item.multiples, item.GRANULARITY.name) for item in items)


def _one_rate(amount: int, multiples: int, unit: str) -> str:
    if multiples == 1:
        period = {"second": pgettext("rate limit", "second"), "minute": pgettext("rate limit", "minute"),
                  "hour": pgettext("rate limit", "hour"), "day": pgettext("rate limit", "day"),
                  "month": pgettext("rate limit", "month"), "year": pgettext("rate limit", "year")}[unit]
        return ngettext("%(num)d request per %(period)s", "%(num)d requests per %(period)s", amount, period=period)
    periods = {"second": pgettext("rate limit", "seconds"), "minute": pgettext("rate limit", "minutes"),
               "hour": pgettext("rate limit", "hours"), "day": pgettext("rate limit", "days"),
               "month": pgettext("rate limit", "months"), "year": pgettext("rate limit", "years")}[unit]
    return ngettext("%(num)d request per %(n)d %(periods)s", "%(num)d requests per %(n)d %(periods)s", amount,
                    n=multiples, periods=periods)


_ZONES: dict[str, ZoneInfo] = {}


def _portal_time(value: datetime) -> datetime:
    """A stored time (naive UTC) in the portal's one timezone, BABEL_DEFAULT_TIMEZONE (there is no
    per-user choice). Flask-Babel's to_user_timezone asks its context and normalizes through pytz on
    every call: 21 µs against 3 µs, some twenty times a search page."""
    name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    zone = _ZONES.get(name) or _ZONES.setdefault(name, ZoneInfo(name))
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(zone)


def due(value: date | datetime | None, provisional: bool = False) -> Markup:
    """A due date in a page, marked when it is provisional (counted Monday to Friday through a year whose
    official holiday arrangement is not known yet): the one place pages write that mark."""
    from flask_babel import gettext as _

    text = day(value)
    if not text or not provisional:
        return Markup(text)
    return Markup('{date} <span class="badge badge-provisional" data-provisional title="{why}">{mark}</span>').format(
        date=text, mark=_("provisional"),
        why=_("Counted Monday to Friday: the official holiday arrangement of that year is not known yet. "
              "The date is recounted when the data authority enters it."))


@dataclass(frozen=True)
class Status:
    """A state as a page shows it: its code (for CSS classes and data attributes) and its translated label."""
    code: str
    label: str


@cache
def _status_tables() -> dict[type, dict | None]:
    """The labels of each kind of object's state (None: the state is already a label)."""
    from .catalog.models import Dataset, Review
    from .disputes.models import Dispute
    from .disputes.workflow import STATE_LABELS as DISPUTE_LABELS
    from .opening.models import Application, Grant
    from .opening.pages import Decision, GrantNotice
    from .opening.vocab import GRANT_STATE_LABELS, STATE_LABELS as APPLICATION_STATE_LABELS
    from .plans.models import OpenPlan
    from .plans.services import ItemProgress
    from .plans.vocab import PLAN_STATE_LABELS, PROGRESS_LABELS
    from .sharing.dispute_models import ShareChangeNotice, ShareDispute, ShareErrorReport
    from .sharing.dispute_workflow import DISPUTE_STATE_LABELS, ERROR_STATE_LABELS, NOTICE_STATE_LABELS
    from .sharing.demand_models import DemandRequest, VerificationRequest
    from .sharing.demand_vocab import DEMAND_STATE_LABELS, VERIFICATION_STATE_LABELS
    from .sharing.models import ShareGrant, ShareRequest
    from .sharing.vocab import GRANT_STATE_LABELS as SHARE_GRANT_STATE_LABELS, REQUEST_STATE_LABELS
    from .supervision.services import Case
    from .withdrawal.models import STATE_LABELS as WITHDRAWAL_STATE_LABELS, Withdrawal
    from .triggers.models import STATE_LABELS as TRIGGER_STATE_LABELS, CatalogTrigger
    from .assets.models import STATE_LABELS as ASSET_STATE_LABELS, DataAsset
    from .operation.models import STATE_LABELS as AGREEMENT_STATE_LABELS, OperationAgreement
    from .evaluation.models import (ROUND_STATE_LABELS, SNAPSHOT_STATE_LABELS, EvaluationRound,
                                    EvaluationSnapshot)
    from .reuses.models import Reuse
    from .reuses.services import STATE_LABELS as REUSE_STATE_LABELS

    return {Reuse: REUSE_STATE_LABELS, EvaluationRound: ROUND_STATE_LABELS, EvaluationSnapshot: SNAPSHOT_STATE_LABELS,
            OperationAgreement: AGREEMENT_STATE_LABELS, DataAsset: ASSET_STATE_LABELS,
            Withdrawal: WITHDRAWAL_STATE_LABELS, Dispute: DISPUTE_LABELS,
            CatalogTrigger: TRIGGER_STATE_LABELS, ShareErrorReport: ERROR_STATE_LABELS, ShareDispute: DISPUTE_STATE_LABELS,
            ShareChangeNotice: NOTICE_STATE_LABELS,
            Dataset: vocab.STATE_LABELS, Review: vocab.REVIEW_STATE_LABELS, OpenPlan: PLAN_STATE_LABELS,
            ItemProgress: PROGRESS_LABELS, Case: None,
            Application: APPLICATION_STATE_LABELS, Decision: APPLICATION_STATE_LABELS,
            Grant: GRANT_STATE_LABELS, GrantNotice: GRANT_STATE_LABELS,
            DemandRequest: DEMAND_STATE_LABELS, VerificationRequest: VERIFICATION_STATE_LABELS,
            ShareRequest: REQUEST_STATE_LABELS, ShareGrant: SHARE_GRANT_STATE_LABELS}


def status(obj: Any) -> Status:
    """An object's state as a page shows it, worked out here so that no template reads or compares a state
    (pages are told what an actor may do by the workflows' allowed actions)."""
    labels = _status_tables()[type(obj)]
    code = obj.state or ""
    return Status(code, code if labels is None else vocab.label(labels, code))


def entry_status(code: str) -> Status:
    """A catalog entry's state (or its staged edit's) given by its code."""
    return Status(code, vocab.label(vocab.STATE_LABELS, code))


def role_label(user_or_role: Any) -> str:
    """The label of an account's role; given the account or the role's code."""
    code = user_or_role if isinstance(user_or_role, str) or user_or_role is None else roles.role_of(user_or_role)
    return vocab.label(ROLE_LABELS, code)


@dataclass(frozen=True)
class AccountNav:
    """What the header offers: log in and register to a visitor, the console to those who work in it, a data
    user's own applications and cases otherwise (worked out from accounts/roles.py)."""
    signed_in: bool
    console: bool


def account_nav() -> AccountNav:
    signed_in = has_request_context() and bool(getattr(current_user, "is_authenticated", False))
    return AccountNav(signed_in, signed_in and roles.uses_console(current_user))


def register_template_helpers(app: Flask) -> None:
    gettext.install(app, select_locale)  # the request's catalog once; `_()` without the template context
    app.jinja_env.globals.update(sentences=join_sentences)
    # Globals, not context: the entry macros (catalog/entry_parts.html) are imported without the context.
    app.jinja_env.globals["licences"] = vocab.LICENCES
    app.jinja_env.filters.update(
        filesize=filesize,
        open_type=lambda v: vocab.label(vocab.OPEN_TYPE_LABELS, v),
        share_type=lambda v: vocab.label(vocab.SHARE_TYPE_LABELS, v),
        share_basis_kind=lambda v: vocab.label(vocab.SHARE_BASIS_KIND_LABELS, v) if v else "",
        share_modes=lambda v: "、".join(vocab.label(vocab.SHARE_MODE_LABELS, m) for m in v or []),
        frequency=lambda v: vocab.label(vocab.FREQUENCY_LABELS, v),
        classification=lambda v: vocab.label(vocab.CLASSIFICATION_LABELS, v),
        data_form=lambda v: vocab.label(vocab.DATA_FORM_LABELS, v),
        region_level=lambda v: vocab.label(vocab.REGION_LEVEL_LABELS, v),
        dt=day_and_minute,
        d=day,
        due=due,
        number=lambda v: f"{v:,}",
        role=role_label,
        entry_status=entry_status,
        status=status,
        review_kind=lambda v: vocab.label(vocab.REVIEW_KIND_LABELS, v),
        user_kind=lambda v: vocab.label(USER_KIND_LABELS, v),
        rate_limit=rate_limit,
        masked_email=mask_email,
    )

    @app.context_processor
    def _globals():
        return {
            "site_name": current_app.config["SITE_NAME"],
            "current_locale": select_locale(),
            "display_mode": display_mode(),
            "languages": [("zh_CN", "中文"), ("en", "English")],
            "current_path": return_path() if request else "/",
            "highlight": highlight,
            "snippet": snippet,
            "column_warnings": column_warnings,
            "account_nav": account_nav(),
        }
