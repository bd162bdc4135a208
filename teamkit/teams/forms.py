"""Team, member and invite forms."""

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, StopValidation

from teamkit.errors import InvalidInput
from teamkit.forms import text_rules
from teamkit.teams.models import SLUG_MAX, Role
from teamkit.teams.services import SLUG_LABEL, SLUG_MISSING, TEAM_NAME, check_slug
from teamkit.validation import Text


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
        validators=text_rules(Text(SLUG_MAX, SLUG_MISSING)),
        description="Lower-case letters, digits and hyphens: /t/<url-name>/",
    )

    def validate_slug(self, field: Field) -> None:
        # The service's own check, so a bad URL name shows beside an empty team name
        # in the same round, not after it.
        try:
            check_slug(field.data or "")
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

    def __init__(self, *args: Any, roles: Sequence[Role] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [role_choice(role) for role in roles]
