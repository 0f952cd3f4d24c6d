"""HTML forms of the plan console (Flask-WTF: CSRF token included); the rules stay in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..catalog.models import OpenType
from . import services


class CreatePlanForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[
        InputRequired(_l("Give the plan's year.")),
        NumberRange(services.MIN_YEAR, services.MAX_YEAR,
                    _l("Give a year between %(min)s and %(max)s."))],
        description=_l("The calendar year the plan covers, e.g. 2026."))


class PrioritiesForm(FlaskForm):
    priorities = TextAreaField(_l("Priorities"), validators=[Length(max=services.MAX_PRIORITIES)],
                               description=_l("The year's focus: which fields and which kinds of data come first."))


class ItemForm(FlaskForm):
    # Choices are the plan's candidate entries, filled in by the view before validation.
    dataset_id = SelectField(_l("Existing catalog entry"), choices=[], validate_choice=True,
                             description=_l("Pick an entry of the catalog, or leave this empty and type the title "
                                            "of a new entry below."))
    new_title = StringField(_l("Title of a new entry"), validators=[Optional(), Length(max=services.MAX_TITLE)],
                            description=_l("For data not yet in the catalog; progress follows the entry of this "
                                           "title once it is created and published."))
    target_open_type = RadioField(_l("Target open type"), default=OpenType.UNCONDITIONAL, choices=[
        SelectChoice(OpenType.UNCONDITIONAL, _l("Unconditional open")),
        SelectChoice(OpenType.CONDITIONAL, _l("Conditional open")),
    ], validators=[InputRequired(_l("Choose unconditional or conditional opening."))])
    target_date = DateField(_l("Target date"), validators=[InputRequired(_l("Give the target date as YYYY-MM-DD."))],
                            format="%Y-%m-%d", description=_l("The date by which the entry is to be open."))
    livelihood = BooleanField(_l("Closely related to people's livelihood"))
    urgent_demand = BooleanField(_l("Urgently needed by society"))
    commercial_value = BooleanField(_l("High commercial value"))
    note = TextAreaField(_l("Note"), validators=[Length(max=services.MAX_NOTE)])

    def to_data(self) -> services.ItemData:
        return services.ItemData(
            dataset_id=self.dataset_id.data or None, new_title=self.new_title.data or "",
            target_open_type=self.target_open_type.data or "", target_date=self.target_date.data,
            livelihood=self.livelihood.data, urgent_demand=self.urgent_demand.data,
            commercial_value=self.commercial_value.data, note=self.note.data or "")


class RemoveItemForm(FlaskForm):
    item_id = IntegerField(validators=[InputRequired()])


class PublishForm(FlaskForm):
    """Only the CSRF token."""
