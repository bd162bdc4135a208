"""What the API shows of a retro and an action item: the row, and what is read beside it.

The schemas (`schemas.py`) write each shape once, reading these objects; the API reads
them with the functions here, so a list costs the same statements however long it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from teamkit.retros import coach, review, services
from teamkit.retros.coach import Flag
from teamkit.retros.models import ActionItem, Retro
from teamkit.retros.review import FlaggedField
from teamkit.retros.settings import get_settings
from teamkit.teams.models import Membership, Team


@dataclass(frozen=True)
class RetroReading:
    """A retro, with its team's names of the severity levels."""

    retro: Retro
    severity_names: Mapping[int, str]

    @property
    def severity_name(self) -> str | None:
        """Return the name of the retro's severity level, if it has one."""
        return self.severity_names.get(self.retro.severity) if self.retro.severity else None

    @property
    def duration_minutes(self) -> int | None:
        """Return how long the incident lasted in whole minutes, when both ends are known."""
        duration = self.retro.duration
        return int(duration.total_seconds() // 60) if duration else None


@dataclass(frozen=True)
class RetroDetail(RetroReading):
    """A retro with its tags, who took part, and what the coach flags in it."""

    tags: list[str]
    participants: list[Membership]
    coach: list[FlaggedField]


@dataclass(frozen=True)
class ActionItemReading:
    """An action item, with what the coach flags in its title, on `today`."""

    item: ActionItem
    coach: list[Flag]
    today: date

    @property
    def owner_email(self) -> str | None:
        """Return the owner's email address, if the item has an owner."""
        return self.item.owner.person.email if self.item.owner else None

    @property
    def is_overdue(self) -> bool:
        """Tell whether the item is still open past its due date."""
        return self.item.is_overdue(self.today)

    @property
    def source(self) -> dict[str, object] | None:
        """Return where it came from when not a retro (`kind` and `id`), else None."""
        if self.item.source_kind is None:
            return None
        return {"kind": self.item.source_kind, "id": self.item.source_id}

    @property
    def coach_acknowledged(self) -> bool:
        """Tell whether the team kept a flagged wording."""
        return bool(self.coach) and self.item.is_coach_acknowledged


def read_retros(session: Session, team: Team, retros: Iterable[Retro]) -> list[RetroReading]:
    """Return each of the team's `retros` as a list shows it."""
    names = get_settings(session, team).severity_names
    return [RetroReading(retro, names) for retro in retros]


def read_retro(session: Session, retro: Retro) -> RetroDetail:
    """Return a retro with its tags, participants and the coach's flags."""
    return RetroDetail(
        retro,
        get_settings(session, retro.team).severity_names,
        tags=services.tags_of(session, retro),
        participants=services.participants_of(session, retro),
        coach=review.coach_whole_retro(session, retro),
    )


def read_action_items(
    session: Session, team: Team, items: Iterable[ActionItem], today: date
) -> list[ActionItemReading]:
    """Return each of the team's action `items` with the coach's flags in its title."""
    names = review.member_names(session, team)
    return [ActionItemReading(item, coach.check_text(item.title, names), today) for item in items]
