"""The feedback inputs, each described once: a rights complaint (权益申诉), a correction (纠错) and a report
of illegal use (举报).

Each schema is read by the site's form (views.py, through `fields.form_values`), by the API (api/cases.py
`load_body`), by the OpenAPI document (api/openapi.py, through api/schemas.py) and by the filing service,
which takes `read(values)` and adds the rules that need the database (the entry's resources, the agency).

Two layers of rules, both declared here:
- the limits of what is sent (types, lengths as sent, list sizes, the entry named): the API refuses a body
  over them with 422 and marshmallow's messages before anything else, and documents them;
- the domain's rules on the input as it is stored (texts without surrounding blanks): required texts,
  lengths, the right chosen; their messages are the translated ones the form shows, and the API's 422
  carries them too. A form's value over a limit of the first layer (the site never refused those) is
  judged by the domain's rules alone.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .common import MAX_TEXT
from .models import Right


class Text(fields.String):
    """Free text of at most `max_len` characters; `blank`: the refusal when it is required and empty."""

    def __init__(self, description: str, max_len: int = MAX_TEXT, *, blank: Any = None) -> None:
        super().__init__(load_default="", validate=validate.Length(max=max_len), metadata={"description": description})
        self.max_len, self.blank = max_len, blank

    def problem(self, text: str) -> str | None:
        """The domain's refusal of the text as it is stored, if any."""
        if self.blank is not None and not text:
            return str(self.blank)
        if len(text) > self.max_len:
            return _("At most %(n)d characters.", n=self.max_len)
        return None


def _slug(description: str, *, required: bool = False) -> fields.String:
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=200),
                             metadata={"description": description})
    return fields.String(load_default="", validate=validate.Length(max=200), metadata={"description": description})


class FeedbackIn(Schema):
    """What the three inputs share: unknown fields are ignored; `read` gives the input as the domain takes it."""

    class Meta:
        unknown = EXCLUDE

    def rules(self, data: dict[str, Any]) -> dict[str, str]:
        """The input's own rules between fields (none by default); a message per field."""
        return {}

    def read(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The input as the domain takes it (texts without surrounding blanks) and a refusal per field that
        breaks the texts' rules or the input's own (`rules`); the caller adds those that need the database."""
        try:
            data = self.load(values)
        except ValidationError as exc:  # only a form gets here: the API refused these already
            data = dict(exc.valid_data or {})
            for name in exc.messages:
                if name in self.fields:
                    data[name] = values.get(name, [] if isinstance(self.fields[name], fields.List) else "")
        errors: dict[str, str] = {}
        for name, fld in self.fields.items():
            if isinstance(fld, Text):
                data[name] = str(data.get(name) or "").strip()
                if problem := fld.problem(data[name]):
                    errors[name] = problem
        errors.update(self.rules(data))
        return data, errors

    def ordered(self, errors: Mapping[str, str]) -> dict[str, str]:
        """The refusals in the order of the fields (the form's), any others after them."""
        return {**{name: errors[name] for name in self.fields if name in errors}, **errors}


class ComplaintIn(FeedbackIn):
    """A rights complaint (R2024 §28); its evidence files come as parts named `evidence`."""

    dataset = _slug("Slug of the opened entry complained about.", required=True)
    right = fields.String(load_default="", validate=validate.Length(max=40), metadata={
        "description": "The right infringed: privacy, personal_information, trade_secret or other."})
    right_other = Text("The lawful right, when right is other.", 200)
    description = Text("How the data infringes the right (required).",
                       blank=_l("Describe how the data infringes the right."))
    resources = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                            validate=validate.Length(max=50), metadata={
                                "description": "Ids of the entry's resources complained about (at least one when "
                                               "the entry has any)."})

    def rules(self, data: dict[str, Any]) -> dict[str, str]:
        if data["right"] not in set(Right):
            return {"right": _("Choose the right that is infringed.")}
        if data["right"] == Right.OTHER and not data["right_other"]:
            return {"right_other": _("Name the lawful right that is infringed.")}
        return {}


class CorrectionIn(FeedbackIn):
    """A correction of an entry or one of its resources; an optional file comes as the part `attachment`."""

    dataset = _slug("Slug of the entry.", required=True)
    resource = fields.String(load_default="", validate=validate.Length(max=36),
                             metadata={"description": "Id of the resource concerned (optional)."})
    location = Text("Which field or rows are wrong (required).", 500, blank=_l("Say which field or rows are wrong."))
    description = Text("What is wrong or missing (required).", blank=_l("Say what is wrong or missing."))


class ReportIn(FeedbackIn):
    """A report of illegal use (R2024 §46); optional evidence files come as parts named `evidence`."""

    dataset = _slug("Slug of the entry concerned (optional).")
    agency = _slug("Slug of the agency concerned when no entry is named (optional).")
    accused = Text("Who uses the data illegally: name, organisation, website or account (required).", 300,
                   blank=_l("Say who uses the data illegally (a name, organisation, website or account)."))
    description = Text("The illegal use (required).", blank=_l("Describe the illegal use."))
