"""The conditional-open application's input, described once (R2024 §28 lists what it must say).

`ApplicationFields` names every field with its type and limits, its label and hint on the site's form,
its description in the API document, and the message when a submission lacks it. The site's form is built
from it (forms.py), the API loads `ApplicationIn` (api/cases.py) and documents it (api/openapi.py), and
`check` below, the service's rules, reads it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from ..catalog.models import Dataset
from .models import ProvisionMethod
from .workflow import today

MAX_TEXT = 5000
MAX_ATTACHMENTS = 5
# The proofs of capability sent with an application (files, not fields: the API takes them as parts).
ATTACHMENTS = {"name": "attachments", "label": _l("Attachments (proof of capability)"),
               "hint": _l("PDF, PNG or JPEG, at most %(n)d files.", n=MAX_ATTACHMENTS),
               "description": "Proof of capability: PDF, PNG or JPEG."}


def _text(label, hint, description: str, needed) -> fields.String:
    return fields.String(load_default="", validate=validate.Length(max=MAX_TEXT), metadata={
        "label": label, "hint": hint, "description": description, "needed": needed})


def _choices(label, hint, description: str, needed, inner: fields.Field, **kw) -> fields.List:
    return fields.List(inner, load_default=list, metadata={
        "label": label, "hint": hint, "description": description, "needed": needed}, **kw)


def _day(label, description: str, needed) -> fields.Date:
    return fields.Date(load_default=None, metadata={"label": label, "description": description, "needed": needed})


def _commitment(label, description: str, needed) -> fields.Boolean:
    return fields.Boolean(load_default=False, metadata={"label": label, "description": description, "needed": needed})


class ApplicationFields(Schema):
    """What an applicant states; every field is required on submission (its "needed" message), a draft
    may leave any empty."""

    class Meta:
        unknown = EXCLUDE

    scenario = _text(_l("Application scenario"),
                     _l("What the data will be used for, by whom and how; the product or service it feeds."),
                     "Application scenario: what the data is used for, by whom and how.",
                     _l("Describe the application scenario: what the data is used for, by whom, how."))
    items = _choices(_l("Data items needed"), _l("Only the items you need (least privilege)."),
                     "Names of the entry's data items needed (least privilege).", _l("Choose at least one data item."),
                     fields.String(validate=validate.Length(max=200)), validate=validate.Length(max=50))
    records_scope = _text(_l("Records or period needed"), _l(
        "Which records (region, category …) and which time span of the data, e.g. 2024–2025, 呼和浩特市 only."),
        "Which records or which period of the data.", _l("Say which records or which period of the data you need."))
    provision_methods = _choices(_l("Provision method"), None, "download, api or both.",
                                 _l("Choose how the data is to be provided."),
                                 fields.String(validate=validate.OneOf(tuple(m.value for m in ProvisionMethod))))
    period_start = _day(_l("Use period from"), "First day of the use period (YYYY-MM-DD).",
                        _l("Give the first day of the use period."))
    period_end = _day(_l("Use period until"), "Last day of the use period (YYYY-MM-DD).",
                      _l("Give the last day of the use period."))
    security_measures = _text(_l("Security measures"), _l(
        "Who may access the data, where it is stored, how it is protected, when it is deleted."),
        "How the data is kept secure.", _l("Describe how you will keep the data secure."))
    commit_truth = _commitment(_l("I commit that this application and its attachments are true."),
                               "The application is true.", _l("You must commit that the application is true."))
    commit_compliance = _commitment(_l(
        "I commit to use the data lawfully, only for the approved purpose and scope, and not to pass it to third "
        "parties."), "The data is used lawfully, only as approved, not passed on.",
        _l("You must commit to use the data lawfully and only as approved."))
    commit_security = _commitment(_l("I commit to keep the data secure with the measures stated above."),
                                  "The data is kept secure.", _l("You must commit to keep the data secure."))


class ApplicationIn(ApplicationFields):
    """The API's submission: the fields, the entry applied for, and whether to submit or keep a draft."""

    dataset = fields.String(required=True, validate=validate.Length(min=1, max=200),
                            metadata={"description": "Slug of the conditionally open entry applied for."})
    submit = fields.Boolean(load_default=True, metadata={
        "description": "true (default): submit now (every field and the three commitments required); "
                       "false: save a draft, to be completed on the site."})


FIELDS: dict[str, fields.Field] = dict(ApplicationFields().fields)


@dataclass
class ApplicationData:
    """The fields as typed values (from the form, the API or a caller); `check` says what is wrong."""
    scenario: str = ""
    items: list[str] = field(default_factory=list)
    records_scope: str = ""
    provision_methods: list[str] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    security_measures: str = ""
    commit_truth: bool = False
    commit_compliance: bool = False
    commit_security: bool = False

    @classmethod
    def of(cls, values: dict[str, Any]) -> "ApplicationData":
        return cls(**{name: values[name] for name in FIELDS if name in values})


def max_days() -> int:
    return current_app.config["APPLICATION_MAX_DAYS"]


def _given(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else value is not None and value is not False and value != []


def check(ds: Dataset, data: ApplicationData, complete: bool) -> dict[str, str]:
    """Field errors; `complete` (submission) also requires every field, the three commitments included."""
    errors: dict[str, str] = {}
    for name, fld in FIELDS.items():
        if isinstance(fld, fields.String) and len(getattr(data, name)) > MAX_TEXT:
            errors[name] = _("At most %(n)d characters.", n=MAX_TEXT)
    known = {i.name for i in ds.items}
    if any(i not in known for i in data.items):
        errors["items"] = _("Choose data items of this entry.")
    if any(m not in set(ProvisionMethod) for m in data.provision_methods):
        errors["provision_methods"] = _("Choose file download, API, or both.")
    start, end = data.period_start, data.period_end
    if start and end:
        if end < start:
            errors["period_end"] = _("The end of the use period is before its start.")
        elif (end - start).days + 1 > max_days():
            errors["period_end"] = _("The use period may be at most %(n)d days.", n=max_days())
    if start and complete and start < today():
        errors["period_start"] = _("The use period cannot start in the past.")
    if complete:
        for name, fld in FIELDS.items():
            if not _given(getattr(data, name)):
                errors.setdefault(name, str(fld.metadata["needed"]))
    return errors
