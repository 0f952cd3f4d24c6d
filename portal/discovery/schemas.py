"""The input and output of suggestions (the search box's script and the native API read the same schema)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..search.pinyin import MAX_INPUT
from .services import MAX_SUGGESTIONS


class SuggestIn(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(required=True, validate=validate.Length(min=1, max=MAX_INPUT), metadata={
        "description": "What has been typed so far: Chinese characters, or pinyin in full (kongqi), by initials "
                       "(kqzl) or mixed."})
    limit = fields.Integer(load_default=MAX_SUGGESTIONS, validate=validate.Range(min=1, max=MAX_SUGGESTIONS),
                           metadata={"description": f"At most this many suggestions (1 to {MAX_SUGGESTIONS})."})


class SuggestionOut(Schema):
    text = fields.String(metadata={"description": "The name suggested."})
    kind = fields.String(metadata={"description": "search (a popular search), entry, theme or agency."})
    url = fields.String(metadata={"description": "Where choosing it leads: the entry's page or a search."})


class SuggestionListOut(Schema):
    q = fields.String()
    results = fields.List(fields.Nested(SuggestionOut))
