"""The application form (Flask-WTF: CSRF token included), built from the one description of the input
(schemas.ApplicationFields: names, labels, hints); the rules stay in the service (schemas.check)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from marshmallow import fields
from wtforms import BooleanField, DateField, MultipleFileField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .applications import Upload
from .schemas import ATTACHMENTS, FIELDS, ApplicationData
from .vocab import METHOD_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


CHOICES = {"provision_methods": [SelectChoice(k.value, v) for k, v in METHOD_LABELS.items()]}


def _form_field(name: str, fld: fields.Field):
    """The form's field for one field of the schema, labelled as the schema says."""
    label, hint = fld.metadata["label"], fld.metadata.get("hint") or ""
    if isinstance(fld, fields.List):  # the data items are the entry's: the page sets them
        return CheckboxesField(label, choices=CHOICES.get(name, []), validate_choice=False, description=hint)
    if isinstance(fld, fields.Date):
        return DateField(label, validators=[Optional()], format="%Y-%m-%d", description=hint)
    if isinstance(fld, fields.Boolean):
        return BooleanField(label, description=hint)
    return TextAreaField(label, description=hint)


def _typed(fld: fields.Field, value):
    if isinstance(fld, fields.List):
        return list(value or [])
    if isinstance(fld, fields.Boolean):
        return bool(value)
    return value if isinstance(fld, fields.Date) else value or ""


class ApplicationForm(FlaskForm):
    def to_data(self) -> ApplicationData:
        return ApplicationData.of({name: _typed(fld, self[name].data) for name, fld in FIELDS.items()})

    def uploads(self) -> list[Upload]:
        return [Upload(f.filename or "", f.stream) for f in (self[ATTACHMENTS["name"]].data or [])
                if getattr(f, "filename", None)]


for _name, _fld in FIELDS.items():
    setattr(ApplicationForm, _name, _form_field(_name, _fld))
setattr(ApplicationForm, ATTACHMENTS["name"], MultipleFileField(ATTACHMENTS["label"], description=ATTACHMENTS["hint"]))
