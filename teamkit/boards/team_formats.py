"""A team's own board formats: 2 to 6 columns, each with a title and a prompt.

A board in one is a retro of the format `team-format`: its columns are copied from the
team's format when the board is made, so changing a format later changes no board.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.boards.formats import BUILT_IN, BY_NAME, TEAM_FORMAT
from teamkit.boards.models import (
    COLUMN_PROMPT_MAX,
    COLUMN_TITLE_MAX,
    COLUMNS_MAX,
    COLUMNS_MIN,
    FORMAT_NAME_MAX,
    BoardFormat,
    column_dict,
)
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import require_role
from teamkit.validation import Text

NAME = Text(FORMAT_NAME_MAX, "Name the format: “Sailboat”.", is_one_line=True)
COLUMN_TITLE = Text(COLUMN_TITLE_MAX, is_one_line=True)
COLUMN_PROMPT = Text(COLUMN_PROMPT_MAX, is_one_line=True)
COLUMN_COUNT = f"Give the format {COLUMNS_MIN} to {COLUMNS_MAX} columns, each with a title."
TAKEN = "The team has a format of that name already."
NO_SUCH_FORMAT = "No such format in this team."


def list_formats(session: Session, team_id: int) -> list[BoardFormat]:
    """Return the team's own formats, by name."""
    return list(
        session.scalars(
            select(BoardFormat).where(BoardFormat.team_id == team_id).order_by(BoardFormat.name)
        )
    )


def get_format(session: Session, team_id: int, format_id: int) -> BoardFormat:
    """Return the team's own format `format_id`, or raise NotFound."""
    found = session.get(BoardFormat, format_id)
    if found is None or found.team_id != team_id:
        raise NotFound(NO_SUCH_FORMAT)
    return found


def newest_format(session: Session, team_id: int) -> BoardFormat | None:
    """Return the format the team made last, if any."""
    return session.scalar(
        select(BoardFormat)
        .where(BoardFormat.team_id == team_id)
        .order_by(BoardFormat.created_at.desc(), BoardFormat.id.desc())
        .limit(1)
    )


def create_format(
    session: Session, actor: Membership, *, name: str, columns: Sequence[tuple[str, str]]
) -> BoardFormat:
    """Make a format of the team's own (owners and facilitators); blank rows are skipped."""
    require_role(actor, Role.FACILITATOR, "make a board format")
    errors: dict[str, str] = {}
    problem = NAME.message(name if isinstance(name, str) else None)
    if problem is not None:
        errors["name"] = problem
    made: list[dict[str, str]] = []
    for n, (title, prompt) in enumerate(columns, start=1):
        title = title if isinstance(title, str) else ""
        prompt = prompt if isinstance(prompt, str) else ""
        if not title.strip() and not prompt.strip():
            continue
        for field, rule, value in (
            (f"column_{n}_title", COLUMN_TITLE, title),
            (f"column_{n}_prompt", COLUMN_PROMPT, prompt),
        ):
            found = rule.message(value)
            if found is not None:
                errors[field] = found
        if not title.strip():
            errors[f"column_{n}_title"] = "Give the column a title."
        made.append(column_dict(f"c{n}", title.strip(), prompt.strip()))
    if not COLUMNS_MIN <= len(made) <= COLUMNS_MAX:
        errors["columns"] = COLUMN_COUNT
    if errors:
        raise InvalidInput(errors)
    clean = name.strip()
    taken = session.scalar(
        select(BoardFormat.id).where(
            BoardFormat.team_id == actor.team_id, BoardFormat.name == clean
        )
    )
    if taken is not None:
        raise Conflict(TAKEN, field="name")
    board_format = BoardFormat(team_id=actor.team_id, name=clean, columns=made)
    session.add(board_format)
    session.flush()
    return board_format


def copy_built_in(session: Session, actor: Membership, name: str) -> BoardFormat:
    """Copy a built-in format into the team's own, to change it (owners and facilitators)."""
    kind = BY_NAME.get(name)
    if kind is None:
        raise NotFound(NO_SUCH_FORMAT)
    taken = {f.name for f in list_formats(session, actor.team_id)}
    copy = f"{kind.label} (copy)"
    n = 2
    while copy in taken:
        copy = f"{kind.label} (copy {n})"
        n += 1
    return create_format(session, actor, name=copy, columns=[(t, p) for _k, t, p in kind.columns])


def format_choices(session: Session, team_id: int) -> list[tuple[str, str]]:
    """Return (value, label) of every format a board can start in: built-in, then own."""
    choices = [
        (kind.name, f"{kind.label} ({' / '.join(c[1] for c in kind.columns)})") for kind in BUILT_IN
    ]
    for own in list_formats(session, team_id):
        titles = " / ".join(column["title"] for column in own.columns)
        choices.append((f"{TEAM_FORMAT}:{own.id}", f"{own.name} ({titles})"))
    return choices
