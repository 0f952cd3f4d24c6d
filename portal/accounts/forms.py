"""HTML forms of the accounts pages (Flask-WTF: CSRF token included); rules stay in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from .models import UserKind


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class RegisterForm(FlaskForm):
    kind = RadioField(_l("I register as"), default=UserKind.PERSON, choices=[
        SelectChoice(UserKind.PERSON, _l("A person")),
        SelectChoice(UserKind.LEGAL_PERSON, _l("A legal person (company, institution)")),
        SelectChoice(UserKind.UNINCORPORATED, _l("An unincorporated organisation")),
    ])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("Your full name, or the organisation's registered name."))
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 10 characters mixing three of: lower-case, upper-case, "
                                            "digits, symbols."))
    password2 = PasswordField(_l("Repeat the password"),
                              validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    citizen_id = StringField(_l("Citizen ID number"), validators=[Length(max=30)],
                             description=_l("18 characters, required for persons. Stored only masked; it verifies "
                                            "your identity in applications and complaints."))
    uscc = StringField(_l("Unified social credit code"), validators=[Length(max=30)],
                       description=_l("18 characters, required for organisations."))
    consent = BooleanField(_l("I have read and agree to the privacy policy"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 10 characters mixing three of: lower-case, upper-case, "
                                            "digits, symbols."))
    password2 = PasswordField(_l("Repeat the new password"),
                              validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
