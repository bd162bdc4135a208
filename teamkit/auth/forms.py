"""Sign-up, log-in and token forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from teamkit.auth.models import EMAIL_MAX, NAME_MAX
from teamkit.auth.services import PASSWORD_MAX, PASSWORD_MIN, TOKEN_NAME_MAX


class SignupForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[
            DataRequired("Enter your name."),
            Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters."),
        ],
    )
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=EMAIL_MAX)],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Use at least {PASSWORD_MIN} characters (at most {PASSWORD_MAX}).",
            ),
        ],
        description=f"At least {PASSWORD_MIN} characters.",
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=TOKEN_NAME_MAX)],
        description="What will use it, e.g. “release script”.",
    )


class ConfirmForm(FlaskForm):
    """A button-only form: the CSRF token is its content."""
