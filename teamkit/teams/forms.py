"""Team, member and invite forms."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired

from teamkit.forms import required
from teamkit.teams.models import SLUG_MAX, TEAM_NAME_MAX, Role
from teamkit.teams.services import SLUG_LABEL

ROLE_CHOICES = [SelectChoice(role.value, role.value.capitalize()) for role in Role]


class TeamForm(FlaskForm):
    name = StringField(
        "Team name",
        validators=required("Enter the team's name.", TEAM_NAME_MAX),
    )
    slug = StringField(
        SLUG_LABEL,
        validators=required("Choose a URL name, e.g. platform-team.", SLUG_MAX),
        description="Lower-case letters, digits and hyphens: /t/<url-name>/",
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class InviteForm(FlaskForm):
    role = SelectField(
        "Join as", choices=ROLE_CHOICES[::-1], default="member", validators=[DataRequired()]
    )
