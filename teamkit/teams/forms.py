"""Team, member and invite forms."""

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from teamkit.auth.forms import email_address
from teamkit.auth.models import EMAIL_MAX
from teamkit.errors import InvalidInput
from teamkit.forms import text_rules
from teamkit.teams.models import SLUG_MAX, Role
from teamkit.teams.services import (
    DELETE_CONFIRM_MISMATCH,
    SLUG_LABEL,
    TEAM_NAME,
    check_slug,
    slug_from,
)
from teamkit.teams.zones import TIMEZONE_MAX
from teamkit.validation import Text

#: What the time-zone field says under it.
TIMEZONE_HINT = "Type to search, e.g. Berlin or New_York. The team's digest goes out in it."
TIMEZONE = Text(TIMEZONE_MAX, "Choose a time zone, such as Europe/Berlin.")


def role_choice(role: Role) -> SelectChoice:
    """Return the menu entry of `role`."""
    return SelectChoice(role.value, role.value.capitalize())


ROLE_CHOICES = [role_choice(role) for role in Role]


class TeamForm(FlaskForm):
    name = StringField(
        "Team name",
        validators=text_rules(TEAM_NAME),
    )
    slug = StringField(
        SLUG_LABEL,
        validators=text_rules(Text(SLUG_MAX * 2)),
        description="The team's address, /t/<url-name>/. Leave it empty to make it from the "
        "team name: “Payments Platform” becomes payments-platform.",
    )

    timezone = StringField(
        "Time zone",
        validators=text_rules(TIMEZONE),
        default="UTC",
        description=TIMEZONE_HINT,
    )

    def validate_slug(self, field: Field) -> None:
        # Typed as people write ("Payments Platform"), taken as the URL name it makes; the
        # service's own check, so a bad URL name shows beside an empty team name at once.
        if not (field.data or "").strip():
            return
        try:
            field.data = check_slug(slug_from(field.data, cut=False) or field.data)
        except InvalidInput as error:
            raise StopValidation(error.errors["slug"]) from None


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class InviteForm(FlaskForm):
    """Choose the role of a new invite among the roles the inviter may give."""

    # The service decides what a role allows; the menu only leaves out what it would refuse.
    role = SelectField(
        "Join as",
        default="member",
        validate_choice=False,
        validators=[DataRequired("Choose the role to invite as.")],
        # A menu without an empty first choice always has a value: HTML allows no
        # `required` on it.
        render_kw={"required": False},
    )
    email = EmailField(
        "Email it to (optional)",
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=f"Use at most {EMAIL_MAX} characters."),
            email_address,
        ],
        description="The link goes to this address; it is shown here too.",
    )

    def __init__(self, *args: Any, roles: Sequence[Role] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [role_choice(role) for role in roles]


class TransferForm(FlaskForm):
    """Choose the member who becomes the team's owner."""

    #: A member who is gone meanwhile is said beside the choice.
    detail_field = "membership_id"

    membership_id = SelectField(
        "New owner",
        coerce=int,
        validate_choice=False,
        validators=[DataRequired("Choose the member who becomes owner.")],
        render_kw={"required": False},
    )

    def __init__(self, *args: Any, members: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership_id.choices = [
            (member.id, f"{member.person.name} ({member.person.email})") for member in members
        ]


class DeleteTeamForm(FlaskForm):
    """Confirm a team's deletion by typing its URL name."""

    confirm = StringField(
        "Type the team's URL name to confirm",
        validators=[DataRequired(DELETE_CONFIRM_MISMATCH)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ExportForm(FlaskForm):
    """Download the team's whole data."""

    with_secrets = BooleanField(
        "Include the Slack webhook URL",
        description="A secret: whoever holds the file can post to the team's Slack channel.",
    )


class TeamSettingsForm(FlaskForm):
    """Change the team's time zone."""

    timezone = StringField("Time zone", validators=text_rules(TIMEZONE), description=TIMEZONE_HINT)
