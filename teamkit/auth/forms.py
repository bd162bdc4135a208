"""Sign-up, log-in and token forms."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from teamkit.auth.models import EMAIL_MAX, NAME_MAX
from teamkit.auth.services import PASSWORD_MAX, PASSWORD_MIN, TOKEN_NAME_MAX
from teamkit.forms import required


def new_password_validators(missing: str) -> list[Any]:
    """Return the checks of a password being chosen: present, long enough, not too long."""
    too_short = f"Use at least {PASSWORD_MIN} characters (at most {PASSWORD_MAX})."
    return [DataRequired(missing), Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=too_short)]


class SignupForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=required("Enter your name.", NAME_MAX),
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Email("This is not a valid email address.", check_deliverability=False),
            Length(max=EMAIL_MAX, message=f"Use at most {EMAIL_MAX} characters."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=new_password_validators("Choose a password."),
        description=f"At least {PASSWORD_MIN} characters.",
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=required("Enter your email address.", EMAIL_MAX),
    )
    password = PasswordField(
        "Password",
        validators=required("Enter your password.", PASSWORD_MAX),
    )


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=required("Give the token a name.", TOKEN_NAME_MAX),
        description="What will use it, e.g. “release script”.",
    )


class ConfirmForm(FlaskForm):
    """A button-only form: the CSRF token is its content."""


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=required("Enter your current password.", PASSWORD_MAX),
    )
    new_password = PasswordField(
        "New password",
        validators=new_password_validators("Choose a new password."),
        description=f"At least {PASSWORD_MIN} characters. Your other sessions end.",
    )
