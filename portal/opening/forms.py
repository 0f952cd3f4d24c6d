"""The application form (Flask-WTF: CSRF token included); the rules stay in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, MultipleFileField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from . import services
from .vocab import METHOD_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplicationForm(FlaskForm):
    scenario = TextAreaField(_l("Application scenario"), description=_l(
        "What the data will be used for, by whom and how; the product or service it feeds."))
    items = CheckboxesField(_l("Data items needed"), choices=[], validate_choice=False, description=_l(
        "Only the items you need (least privilege)."))
    records_scope = TextAreaField(_l("Records or period needed"), description=_l(
        "Which records (region, category …) and which time span of the data, e.g. 2024–2025, 呼和浩特市 only."))
    provision_methods = CheckboxesField(_l("Provision method"), validate_choice=False,
                                        choices=[SelectChoice(k.value, v) for k, v in METHOD_LABELS.items()])
    period_start = DateField(_l("Use period from"), validators=[Optional()], format="%Y-%m-%d")
    period_end = DateField(_l("Use period until"), validators=[Optional()], format="%Y-%m-%d")
    security_measures = TextAreaField(_l("Security measures"), description=_l(
        "Who may access the data, where it is stored, how it is protected, when it is deleted."))
    commit_truth = BooleanField(_l("I commit that this application and its attachments are true."))
    commit_compliance = BooleanField(_l(
        "I commit to use the data lawfully, only for the approved purpose and scope, and not to pass it to third parties."))
    commit_security = BooleanField(_l("I commit to keep the data secure with the measures stated above."))
    attachments = MultipleFileField(_l("Attachments (proof of capability)"), description=_l(
        "PDF, PNG or JPEG, at most %(n)d files.", n=services.MAX_ATTACHMENTS))

    def to_data(self) -> services.ApplicationData:
        return services.ApplicationData(
            scenario=self.scenario.data or "", items=list(self.items.data or []),
            records_scope=self.records_scope.data or "", provision_methods=list(self.provision_methods.data or []),
            period_start=self.period_start.data, period_end=self.period_end.data,
            security_measures=self.security_measures.data or "", commit_truth=bool(self.commit_truth.data),
            commit_compliance=bool(self.commit_compliance.data), commit_security=bool(self.commit_security.data))

    def uploads(self) -> list[services.Upload]:
        return [services.Upload(f.filename or "", f.stream) for f in (self.attachments.data or [])
                if getattr(f, "filename", None)]
