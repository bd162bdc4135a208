"""Board forms: a new team retro, and the team's board settings.

The board's own buttons (add a card, vote, move to a group, the phase) are small forms of
their own on the board page, checked by the services; each carries the CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from teamkit.boards.settings import VOTE_LIMIT
from teamkit.forms import number_rules, text_rules
from teamkit.retros.services import TITLE


class NewBoardForm(FlaskForm):
    """Start a team retro: its format, title and whether its cards are anonymous."""

    format = SelectField("Format", choices=[])
    title = StringField(
        "Title", validators=text_rules(TITLE), description="What it looks back on: “Sprint 42”."
    )
    anonymous = BooleanField(
        "Anonymous cards",
        description="Cards are stored without their writer. A board can go from named to "
        "anonymous later, never back.",
    )

    def with_formats(self, choices: list[tuple[str, str]]) -> NewBoardForm:
        self.format.choices = choices  # type: ignore[assignment]
        return self


class BoardSettingsForm(FlaskForm):
    """The team's board defaults."""

    is_anonymous = BooleanField(
        "New boards take anonymous cards",
        description="Each board's creator can still choose.",
    )
    vote_limit = StringField(
        "Votes each person has on a new board",
        validators=number_rules(VOTE_LIMIT),
        render_kw={"inputmode": "numeric"},
    )

    def values(self) -> dict[str, Any]:
        return {"is_anonymous": bool(self.is_anonymous.data), "vote_limit": self.vote_limit.data}
