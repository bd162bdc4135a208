"""Team, member and invite forms."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from teamkit.teams.models import SLUG_MAX, TEAM_NAME_MAX, Role

ROLE_CHOICES = [SelectChoice(role.value, role.value.capitalize()) for role in Role]


class TeamForm(FlaskForm):
    name = StringField(
        "Team name",
        validators=[
            DataRequired("Enter the team's name."),
            Length(max=TEAM_NAME_MAX, message=f"Use at most {TEAM_NAME_MAX} characters."),
        ],
    )
    slug = StringField(
        "URL name",
        validators=[
            DataRequired("Choose a URL name, e.g. platform-team."),
            Length(max=SLUG_MAX, message=f"Use at most {SLUG_MAX} characters."),
        ],
        description="Lower-case letters, digits and hyphens: /t/<url-name>/",
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class InviteForm(FlaskForm):
    role = SelectField(
        "Join as", choices=ROLE_CHOICES[::-1], default="member", validators=[DataRequired()]
    )
