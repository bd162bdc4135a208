"""Sign-up, log-in and token forms."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import DataRequired, Length, StopValidation

from teamkit.auth.models import EMAIL_MAX
from teamkit.auth.services import (
    EMAIL,
    NAME,
    PASSWORD_MAX,
    PASSWORD_MIN,
    TOKEN_NAME,
    email_problem,
)
from teamkit.forms import text_rules
from teamkit.validation import Text, too_long

#: What log-in asks for: present, and no longer than anything sign-up would take.
PASSWORD_GIVEN = Text(PASSWORD_MAX, "Enter your password.")
CURRENT_PASSWORD = Text(PASSWORD_MAX, "Enter your current password.")


def email_address(form: FlaskForm, field: Field) -> None:
    """Refuse what isn't an address mail can reach, saying why (as the services do)."""
    problem = email_problem(field.data or "")
    if problem is not None:
        raise StopValidation(problem)


def new_email_validators() -> list[Any]:
    """Return the checks of an email being chosen: present, an address, not too long."""
    return [
        DataRequired(EMAIL.missing),
        Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
        email_address,
    ]


def new_password_validators(missing: str) -> list[Any]:
    """Return the checks of a password being chosen: present, long enough, not too long."""
    too_short = f"Use at least {PASSWORD_MIN} characters (at most {PASSWORD_MAX})."
    return [DataRequired(missing), Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=too_short)]


class SignupForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=text_rules(NAME),
    )
    email = EmailField(
        "Email",
        validators=new_email_validators(),
    )
    password = PasswordField(
        "Password",
        validators=new_password_validators("Choose a password."),
        description=f"At least {PASSWORD_MIN} characters.",
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=text_rules(EMAIL),
    )
    password = PasswordField(
        "Password",
        validators=text_rules(PASSWORD_GIVEN),
    )


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=text_rules(TOKEN_NAME),
        description="What will use it, e.g. “release script”.",
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=text_rules(CURRENT_PASSWORD),
    )
    new_password = PasswordField(
        "New password",
        validators=new_password_validators("Choose a new password."),
        description=f"At least {PASSWORD_MIN} characters. Your other sessions end.",
    )


class NameForm(FlaskForm):
    """Change the name teammates see."""

    your_name = StringField("Your name", validators=text_rules(NAME))


class DeleteAccountForm(FlaskForm):
    """Confirm deleting one's own account with one's password."""

    password = PasswordField(
        "Your password",
        validators=text_rules(CURRENT_PASSWORD),
        description="To be sure it is you.",
    )


class ForgotPasswordForm(FlaskForm):
    """Ask for a link to choose a new password."""

    email = EmailField(
        "Email",
        validators=text_rules(EMAIL),
        description="The email you log in with. A link to choose a new password goes there.",
    )


class ResetPasswordForm(FlaskForm):
    """Choose a new password with an emailed link."""

    new_password = PasswordField(
        "New password",
        validators=new_password_validators("Choose a new password."),
        description=f"At least {PASSWORD_MIN} characters. Your other sessions end.",
    )


class EmailForm(FlaskForm):
    """Change the email one logs in with."""

    new_email = EmailField(
        "New email",
        validators=new_email_validators(),
    )
    password = PasswordField(
        "Your password",
        validators=text_rules(CURRENT_PASSWORD),
        description="To be sure it is you.",
    )
