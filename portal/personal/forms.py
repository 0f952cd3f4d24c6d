"""HTML forms of the personal-information pages (Flask-WTF: CSRF token included); rules stay in accounts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class ConsentForm(FlaskForm):
    consent = BooleanField(_l("I have read and agree to the privacy policy"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 10 characters mixing three of: lower-case, upper-case, "
                                            "digits, symbols."))
    password2 = PasswordField(_l("Repeat the new password"),
                              validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[Length(max=200)])
    confirm = BooleanField(_l("I understand that my account is deleted and cannot be restored"))
