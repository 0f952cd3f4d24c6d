"""The inputs and outputs of reuses and ratings, each described once: read by the site's forms (views.py), the
API (api/reuses.py) and the OpenAPI document. The limits of what is sent are marshmallow's (422 on the API);
each field's refusal is the translated message below, naming the field, on the page and in the API's 422."""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..errors import Invalid
from ..fields import UtcDateTime
from .models import ReuseKind

MAX_ENTRIES = 20
MESSAGES = {
    "title": _l("Give a title of at most 200 characters."),
    "kind": _l("Choose what kind of reuse this is."),
    "url": _l("Give the address (http or https) where the reuse can be seen."),
    "description": _l("Describe the reuse in at most 2000 characters."),
    "entries": _l("Name one to %(n)d public catalog entries it uses.", n=MAX_ENTRIES),
    "display_name": _l("A display name has at most 30 characters."),
    "score": _l("Choose a rating from 1 to 5."),
    "comment": _l("A comment has at most 500 characters."),
    "answer": _l("Write an answer of at most 1000 characters."),
    "reason": _l("A reason has at most 500 characters."),
}


class In(Schema):
    class Meta:
        unknown = EXCLUDE

    def read(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The input as the domain takes it (texts stripped), or Invalid with a message per field."""
        try:
            data = self.load(dict(values))
        except ValidationError as exc:
            errors = {k: str(MESSAGES.get(k, exc.messages[k])) for k in exc.messages}
            raise Invalid(str(_l("Please correct the marked fields.")), errors)
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("blank")


def _text(description: str, max_len: int, *, required: bool = False) -> fields.String:
    if required:
        return fields.String(required=True, validate=[validate.Length(min=1, max=max_len), _not_blank],
                             metadata={"description": description})
    return fields.String(load_default="", validate=validate.Length(max=max_len), metadata={"description": description})


DISPLAY_NAME = "The name shown with it (at most 30 characters); empty: 用户 and a short code. No other personal data is shown."


class ReuseIn(In):
    title = _text("What it is called.", 200, required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ReuseKind]),
                         metadata={"description": "app, visualisation, paper, news or other."})
    url = fields.Url(required=True, schemes={"http", "https"}, validate=validate.Length(max=500),
                     metadata={"description": "Where the reuse can be seen (http or https)."})
    description = _text("What it does and how it uses the data.", 2000, required=True)
    entries = fields.List(fields.String(validate=validate.Length(min=1, max=300)), required=True,
                          validate=validate.Length(min=1, max=MAX_ENTRIES),
                          metadata={"description": "The public entries it uses: slugs or entry page addresses."})
    display_name = _text(DISPLAY_NAME, 30)


class ReuseDecisionIn(In):
    action = fields.String(required=True, validate=validate.OneOf(["publish", "reject"]))
    reason = _text("Why it is rejected (required to reject).", 2000)


class RatingIn(In):
    score = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=5),
                           metadata={"description": "1 (poor) to 5 (excellent)."})
    comment = _text("An optional short comment, shown on the entry's page.", 500)
    display_name = _text(DISPLAY_NAME, 30)


class AnswerIn(In):
    answer = _text("The agency's answer, shown under the comment.", 1000, required=True)


class CommentReportIn(In):
    reason = _text("Why the comment is abusive (optional).", 500)


class ReuseListIn(Schema):
    class Meta:
        unknown = EXCLUDE

    theme = fields.String(load_default="", validate=validate.Length(max=100),
                          metadata={"description": "A theme's slug: reuses of its entries."})
    kind = fields.String(load_default="", validate=validate.OneOf(["", *[k.value for k in ReuseKind]]),
                         metadata={"description": "app, visualisation, paper, news or other."})
    dataset = fields.String(load_default="", validate=validate.Length(max=200),
                            metadata={"description": "An entry's slug: the reuses of that entry."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=12, validate=validate.Range(min=1, max=100))


class CommentListIn(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class EntryRefOut(Schema):
    slug = fields.String()
    title = fields.String()


class ReuseOut(Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    url = fields.String()
    description = fields.String()
    display_name = fields.String(metadata={"description": "The name the submitter chose to be shown."})
    state = fields.String(metadata={"description": "pending, published or rejected."})
    reason = fields.String(metadata={"description": "Why it was rejected (empty otherwise)."})
    image_url = fields.String(allow_none=True)
    submitted_at = UtcDateTime()
    entries = fields.List(fields.Nested(EntryRefOut))


class ReusePageOut(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    results = fields.List(fields.Nested(ReuseOut))


class CommentOut(Schema):
    id = fields.Integer()
    display_name = fields.String()
    score = fields.Integer()
    comment = fields.String()
    answer = fields.String(metadata={"description": "The owning agency's answer (empty: none)."})
    updated_at = UtcDateTime()


class RatingOut(Schema):
    dataset = fields.String(metadata={"description": "The entry's slug."})
    score = fields.Integer()
    comment = fields.String()
    display_name = fields.String()
    average = fields.Float(allow_none=True, metadata={"description": "The entry's average rating now."})
    count = fields.Integer(metadata={"description": "How many accounts rated it."})


class CommentPageOut(Schema):
    average = fields.Float(allow_none=True, metadata={"description": "Average of every rating (null: none)."})
    count = fields.Integer(metadata={"description": "Number of ratings."})
    total = fields.Integer(metadata={"description": "Number of comments shown (hidden ones are left out)."})
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    results = fields.List(fields.Nested(CommentOut))
