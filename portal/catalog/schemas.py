"""marshmallow schemas of the catalog's JSON API."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from ..errors import Invalid
from ..fields import UtcDateTime
from ..storage.names import clean_filename
from . import grading
from .models import Classification, DataForm, DataLevel, DatasetState, OpenType, ShareBasisKind, ShareMode, ShareType, UpdateFrequency

FORMATS = ("CSV", "XLSX", "JSON", "PDF", "XML", "ZIP")


class UploadIn(Schema):
    """An upload's metadata, wherever it comes: the API's query string, the console's raw PUT (its progress
    bar) or its plain form. `editing.upload` reads it (`upload_meta`); the OpenAPI document lists it."""

    class Meta:
        unknown = EXCLUDE

    filename = fields.String(required=True, validate=validate.Length(min=1),
                             metadata={"description": "The file's name; cleaned and shortened to 200 characters."})
    format = fields.String(required=True, validate=validate.OneOf(FORMATS + tuple(f.lower() for f in FORMATS)))
    name = fields.String(load_default="", validate=validate.Length(max=300))

    @post_load
    def _normalise(self, data: dict[str, Any], **_kwargs) -> dict[str, Any]:
        data["format"] = data["format"].upper()
        data["filename"] = clean_filename(data["filename"])
        if not data["filename"]:
            raise ValidationError("empty after cleaning", "filename")
        return data


def upload_meta(values: Mapping[str, Any]) -> dict[str, Any]:
    """The checked metadata of an upload, or Invalid naming the field to correct."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if v not in (None, "")}
    try:
        return UploadIn().load(values)
    except ValidationError as exc:
        if "format" in exc.messages:
            raise Invalid(_("Choose the file format."), {"format": str(values.get("format", ""))})
        if "filename" in exc.messages:
            raise Invalid(_("The file needs a name."), {"file": ""})
        raise Invalid(_("Please correct the marked fields."), exc.messages)


class VersionOut(Schema):
    version = fields.Integer()
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created_at = UtcDateTime()


class ResourceOut(Schema):
    id = fields.String()
    dataset_id = fields.String()
    name = fields.String()
    kind = fields.String()
    format = fields.String()
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    encoding = fields.String()
    row_count = fields.Integer(allow_none=True)
    columns = fields.List(fields.String())
    version = fields.Integer()
    updated_at = UtcDateTime()
    versions = fields.List(fields.Nested(VersionOut))


class UploadOut(Schema):
    resource = fields.Nested(ResourceOut)
    warnings = fields.List(fields.String())


# ---- a catalog entry's fields (SPEC §2) -------------------------------------------------------------
# The console's entry form, a review's snapshot and a published entry's staged edit are all read by EntryIn.
TEXT_FIELDS = ("title", "summary", "code", "slug", "classification", "region", "region_level", "data_form",
               "share_type", "share_conditions", "share_reason", "share_legal_basis", "share_basis_kind", "share_scope",
               "open_type", "open_conditions", "open_reason", "open_legal_basis", "update_frequency", "timeliness",
               "collecting_agency", "approving_agency", "related", "licence_id", "contact_point",
               "data_category", "data_level", "data_grade")  # the form's order
DATE_FIELDS = ("temporal_start", "temporal_end")
ITEM_TYPES = ("字符型", "数值型", "日期型", "日期时间型", "布尔型", "二进制")
REQUIRED = ("title", "summary", "code", "slug", "region", "update_frequency", "open_type", "share_type")
CHOICES = {"classification": tuple(Classification), "data_form": tuple(DataForm), "share_type": tuple(ShareType),
           "share_basis_kind": tuple(ShareBasisKind),
           "open_type": tuple(OpenType), "data_level": tuple(DataLevel), "update_frequency": tuple(UpdateFrequency),
           "region_level": ("region", "city", "county")}
LIMITS = {"title": 300, "code": 64, "slug": 120, "region": 100, "contact_point": 200}
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Text(fields.String):
    """A form text: missing or null reads as "", surrounding blanks are dropped."""

    def __init__(self, load_default: str = "", **kwargs) -> None:
        super().__init__(load_default=load_default, allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return "" if value is None else str(value).strip()


class _Level(Text):
    """The data level: left blank (a form without the field), it is 一般数据."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs) or DataLevel.GENERAL


def _when_given(check):
    """Run a validator on a non-empty value only: an empty field is the `required` rule's business."""
    def run(value):
        if value:
            check(value)
    return run


def _required(value: str) -> None:
    if not value:
        raise ValidationError(_("This field is required."))


def _entry_field(name: str) -> fields.Field:
    checks = []
    if name in REQUIRED:
        checks.append(_required)
    if name in CHOICES:
        checks.append(_when_given(validate.OneOf(CHOICES[name], error=_l("Choose one of the listed values."))))
    if name == "slug":
        checks.append(_when_given(validate.Regexp(
            SLUG, error=_l("Use lower-case letters, digits and hyphens only, e.g. hhht-bus-lines."))))
    if name in LIMITS:
        checks.append(validate.Length(max=LIMITS[name], error=_l("At most %(n)d characters.", n=LIMITS[name])))
    if name == "share_type":  # not given: shared unconditionally (R2024 §21「应当无条件共享」)
        return Text(load_default=ShareType.UNCONDITIONAL, validate=checks)
    if name == "data_level":  # not given: 一般数据, proposed by the agency, confirmed at review (grading)
        return _Level(load_default=DataLevel.GENERAL, validate=checks)
    return Text(validate=checks)


def _date(value: str) -> None:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD."))


class Tags(fields.Field):
    """Tags as a list, or as one text separated by commas, 、, semicolons or blanks; at most 30 of 100 chars."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[str]:
        if isinstance(value, str):
            value = re.split(r"[,，、;；\s]+", value)
        if not isinstance(value, (list, tuple)):
            raise ValidationError(_("Give a list or a text."))
        return list(dict.fromkeys(str(t).strip()[:100] for t in value or [] if t and str(t).strip()))[:30]


class Items(fields.Field):
    """The data items table (数据项): rows of name, type and description; empty rows are dropped."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[dict[str, str]]:
        items, problems = [], []
        if not isinstance(value or [], (list, tuple)) or not all(isinstance(i, dict) for i in value or []):
            raise ValidationError(_("Give the data items as a list of objects with name, type and description."))
        for pos, item in enumerate(value or []):
            name = str(item.get("name") or "").strip()
            typ = str(item.get("type") or "").strip() or "字符型"
            desc = str(item.get("description") or "").strip()
            if not name and not desc:
                continue  # an empty row of the table
            if not name:
                problems.append(_("Row %(n)d: the data item needs a name.", n=pos + 1))
            if typ not in ITEM_TYPES:
                problems.append(_("Row %(n)d: choose a type from the list.", n=pos + 1))
            items.append({"name": name[:200], "type": typ, "description": desc})
        names = [i["name"] for i in items if i["name"]]
        if len(names) != len(set(names)):
            problems.append(_("Each data item name may appear only once."))
        if problems:
            raise ValidationError(" ".join(problems))
        return items


class RelatedIds(fields.Field):
    """Related catalog entries by id: a list, or one text separated by commas, 、, semicolons or blanks; each once,
    at most 50. That each names another existing entry is the service's check (editing.clean)."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[str]:
        if isinstance(value, str):
            value = re.split(r"[,，、;；\s]+", value)
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value or []):
            raise ValidationError(_("Give the ids of related entries as a list or a text."))
        ids = list(dict.fromkeys(v.strip() for v in value or [] if v and v.strip()))
        if len(ids) > 50 or any(len(v) > 36 for v in ids):
            raise ValidationError(_("At most 50 related entries, each by its id."))
        return ids


class Modes(fields.Field):
    """The share modes: a list of codes (or one text separated by commas), each once, in the listed order."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[str]:
        if isinstance(value, str):
            value = re.split(r"[,，、;；\s]+", value)
        if not isinstance(value, (list, tuple)):
            raise ValidationError(_("Choose one of the listed values."))
        given = {str(m).strip() for m in value or [] if m and str(m).strip()}
        unknown = given - set(ShareMode)
        if unknown:
            raise ValidationError(_("Choose one of the listed values."))
        return [m for m in ShareMode if m in given]


# ---- the share attribute's rules (SHARING.md §2.1) ---------------------------------------------------
def share_settings() -> tuple[tuple[str, ...], str]:
    """The basis kinds accepted and the rule for basic resources (PORTAL_SHARE_BASIS_KINDS,
    PORTAL_SHARE_BASIC_CONDITIONAL; checked at start-up by config.check_settings)."""
    return tuple(current_app.config["SHARE_BASIS_KINDS"]), current_app.config["SHARE_BASIC_CONDITIONAL"]


def share_rule_errors(data: Mapping[str, Any], kinds: tuple[str, ...], basic_conditional: str) -> dict[str, str]:
    """The share-attribute rules 2-4 of SHARING.md §2.1 on an entry's data (its fields as EntryIn reads them),
    one message per field; the same rules judge the published entries (sharing.catalog.violations)."""
    from ..legal import note
    from .vocab import SHARE_BASIS_KIND_LABELS, label

    errors: dict[str, str] = {}
    share, kind = data.get("share_type"), data.get("share_basis_kind") or ""
    classification = data.get("classification")
    if share in (ShareType.CONDITIONAL, ShareType.NONE):
        if not kind:
            errors["share_basis_kind"] = _("Conditional or no sharing needs the kind of its legal basis.")
        elif kind not in kinds:  # R2024 §21: restrictions rest on laws and regulations
            errors["share_basis_kind"] = _(
                "Sharing may be restricted here only on a basis of these kinds: %(kinds)s%(basis)s.",
                kinds="、".join(label(SHARE_BASIS_KIND_LABELS, k) for k in kinds),
                basis=note("share_restriction_basis"))
    if classification == Classification.BASIC and share == ShareType.NONE:
        errors["share_type"] = _("A basic resource is never “not shared”: it is shared between agencies "
                                 "unconditionally%(basis)s.", basis=note("share_basic_resources"))
    elif classification == Classification.THEMATIC and share == ShareType.NONE:
        errors["share_type"] = _("A thematic resource is never “not shared”: it is shared through the "
                                 "platform%(basis)s.", basis=note("share_basic_resources"))
    elif classification == Classification.BASIC and share == ShareType.CONDITIONAL:
        if basic_conditional != "confirm":
            errors["share_type"] = _("A basic resource is shared unconditionally%(basis)s.",
                                     basis=note("share_basic_resources"))
        else:
            names = [i.get("name", "") for i in data.get("items") or [] if i.get("name")]
            conditions = data.get("share_conditions") or ""
            if conditions and not any(n in conditions for n in names):
                errors["share_conditions"] = _("A basic resource may be shared on conditions only for named data "
                                               "items: name the restricted data items in the conditions.")
    return errors


class _EntryRules(Schema):
    """The rules between an entry's fields; EntryIn below adds the fields themselves."""

    class Meta:
        unknown = EXCLUDE

    @validates_schema(skip_on_field_errors=False)
    def _open_by_default(self, data: dict[str, Any], **_kwargs) -> None:
        """开放为常态、不开放为例外: anything less than fully open needs its reason and legal basis; the time
        coverage ends after it starts."""
        errors: dict[str, str] = {}
        if data.get("open_type") in (OpenType.CONDITIONAL, OpenType.CLOSED):
            for f in ("open_reason", "open_legal_basis"):
                if not data.get(f):
                    errors[f] = _("A conditional or closed entry needs its reason and legal basis.")
        if data.get("open_type") == OpenType.CONDITIONAL and not data.get("open_conditions"):
            errors["open_conditions"] = _("A conditional entry must publish its conditions.")
        if data.get("share_type") in (ShareType.CONDITIONAL, ShareType.NONE):
            for f in ("share_reason", "share_legal_basis"):
                if not data.get(f):
                    errors[f] = _("Conditional or no sharing needs its reason and legal basis.")
        if data.get("share_type") == ShareType.CONDITIONAL and not data.get("share_conditions"):
            errors["share_conditions"] = _("Conditional sharing must state its conditions.")
        errors.update({f: m for f, m in share_rule_errors(data, *share_settings()).items() if f not in errors})
        errors.update({f: m for f, m in grading.level_rule_errors(data, *grading.settings()).items()
                       if f not in errors})  # the level rules (PORTAL_LEVEL_RULES), written once in grading
        start, end = data.get("temporal_start"), data.get("temporal_end")
        if start and end and end < start:
            errors["temporal_end"] = _("The end of the time coverage is before its start.")
        if errors:
            raise ValidationError(errors)


EntryIn = _EntryRules.from_dict({
    **{name: _entry_field(name) for name in TEXT_FIELDS},
    **{name: Text(validate=_when_given(_date)) for name in DATE_FIELDS},
    "theme": Text(),  # that it names a theme is checked against the database by the service
    "tags": Tags(load_default=list),
    "items": Items(load_default=list),
    "share_modes": Modes(load_default=list),
    "related_ids": RelatedIds(load_default=list, metadata={
        "description": "Related catalog entries, by id (a list, or a text separated by commas or blanks)."}),
    "level_reason": Text(metadata={"description": "Why a confirmed data level changes (required then)."}),
}, name="EntryIn")
EntryIn.__doc__ = """A catalog entry's fields and the catalog rules on them (SPEC §2). The rules that need the
database (the theme exists; code and slug unused) are the service's: `editing.clean`."""


class EntryOut(Schema):
    """An entry as the agency's API answers after saving it: where it stands, and its share attribute."""
    id = fields.String()
    slug = fields.String()
    code = fields.String()
    title = fields.String()
    state = fields.String()
    pending_state = fields.String(allow_none=True, metadata={
        "description": "The state of a published entry's staged edit (it goes online after review)."})
    classification = fields.String()
    share_type = fields.String()
    share_basis_kind = fields.String()
    share_modes = fields.List(fields.String())
    related_ids = fields.List(fields.String())
    share_assessed_at = UtcDateTime(allow_none=True)
    data_category = fields.String()
    data_level = fields.String()
    data_grade = fields.String()
    grading_rule_version = fields.String()
    level_confirmed_at = UtcDateTime(allow_none=True)


def entry_errors(messages: Mapping[str, Any]) -> dict[str, str]:
    """marshmallow's messages as the form shows them: one text per field (the last rule that failed)."""
    return {f: (m[-1] if isinstance(m, list) else m) for f, m in messages.items()}


class CheckIn(Schema):
    """The agency's record of one of its checks before submission (catalog.checks): the console's form and the
    API read it; the reviewer is the officer who records it."""

    class Meta:
        unknown = EXCLUDE

    check = fields.String(required=True, metadata={
        "description": "confidentiality (保密审查) or disclosure (公开审查)."})
    reviewed_on = fields.Date(required=True, error_messages={
        "required": _l("Enter the day of the review."), "invalid": _l("Enter a date as YYYY-MM-DD.")},
        metadata={"description": "The day of the review (not in the future)."})
    note = Text(validate=[_required, validate.Length(max=4000, error=_l("At most %(n)d characters.", n=4000))],
                metadata={"description": "What was reviewed, and the conclusion."})


class CheckOut(Schema):
    """A check as recorded: by whom, on which day, and whether it covers the content as it is now."""
    id = fields.Integer()
    check = fields.String()
    reviewer = fields.Function(lambda row: row.reviewer.name)
    reviewed_on = fields.Date()
    note = fields.String()
    recorded_at = UtcDateTime()
    review_id = fields.Integer(allow_none=True, metadata={"description": "The submission it went with, once sent."})


class CheckListOut(Schema):
    checks = fields.List(fields.Nested(CheckOut))


class DashboardIn(Schema):
    """The console dashboard's list of entries: one state or every state, a page of them."""
    state = fields.String(load_default="", validate=validate.OneOf(["", *(s.value for s in DatasetState)]),
                          metadata={"description": "Only the entries in this state (draft, submitted, published...)."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))


class ReviewQueueIn(Schema):
    """The review queue: a page of it."""
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))


class ApprovalIn(Schema):
    """The authority's approval of a submission (the review page's decision form and the API): its comment, and the
    confirmations the review checks ask with the decision (catalog.checks: a check with a `field`)."""

    class Meta:
        unknown = EXCLUDE

    comment = Text(load_default="", validate=validate.Length(max=4000, error=_l("At most %(n)d characters.", n=4000)),
                   metadata={"description": "The decision's comment (required for a basic resource shared on "
                                            "conditions: the confirmation 核定)."})
    privacy_confirmation = Text(load_default="", validate=validate.Length(
        max=4000, error=_l("At most %(n)d characters.", n=4000)), metadata={
        "description": "Required when the entry is unconditionally open and the privacy scan found columns that "
                       "look like personal information in its files: the reviewer's reason for publishing them as "
                       "open data (kept in the audit log with the flagged columns). 422 naming this field without it."})


class PrivacyFindingOut(Schema):
    resource = fields.String(metadata={"description": "The file's id."})
    name = fields.String(metadata={"description": "The file's name."})
    column = fields.String()
    kind = fields.String(metadata={"description": "id_number, mobile, bank_card, address or name."})
    count = fields.Integer(metadata={"description": "Cells that match."})
    examples = fields.List(fields.String(), metadata={"description": "Up to three examples, masked."})


class ReviewDecisionOut(Schema):
    id = fields.Integer()
    dataset_id = fields.String()
    state = fields.String(metadata={"description": "pending, approved or returned."})
    decided_at = UtcDateTime(allow_none=True)
    confirmations = fields.List(fields.String(), metadata={
        "description": "The fields the approval asks for (privacy_confirmation while it binds)."})
    privacy = fields.List(fields.Nested(PrivacyFindingOut), metadata={
        "description": "What the privacy scan found in the entry's current files."})
