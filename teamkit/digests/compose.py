"""Compose a team's digest from the sections its capabilities contribute."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from teamkit.capability import registry
from teamkit.sections import DigestSection, SectionContext
from teamkit.teams.models import Team

SectionFunction = Callable[[Session, Team, SectionContext], DigestSection | None]
SUBJECT_MAX = 200


@dataclass(frozen=True)
class Digest:
    """A team's digest: its sections, in order, and where its links lead."""

    team_name: str
    team_slug: str
    base_url: str
    #: When it was composed (UTC).
    composed_at: datetime
    sections: tuple[DigestSection, ...]

    @property
    def is_empty(self) -> bool:
        """Tell whether it has nothing to say (it is then not sent)."""
        return not self.sections

    @property
    def subject(self) -> str:
        """Return the subject line: the team, and its first slogan or goal when it has one."""
        lead = next((line for s in self.sections for line in s.highlights), None)
        if lead is None:
            lead = next((item.title for s in self.sections for item in s.items), None)
        subject = f"{self.team_name} digest" + (f": {lead}" if lead else "")
        return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"

    @property
    def team_url(self) -> str:
        return f"{self.base_url}/t/{self.team_slug}/"

    @property
    def settings_url(self) -> str:
        return f"{self.base_url}/t/{self.team_slug}/digest"

    def to_json(self) -> str:
        """Return the digest as JSON, kept on a delivery so every try sends the same."""
        return json.dumps(
            {
                "team_name": self.team_name,
                "team_slug": self.team_slug,
                "base_url": self.base_url,
                "composed_at": self.composed_at.isoformat(),
                "sections": [section.to_data() for section in self.sections],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Digest:
        """Return the digest `to_json` gave."""
        data: dict[str, Any] = json.loads(text)
        return cls(
            team_name=data["team_name"],
            team_slug=data["team_slug"],
            base_url=data["base_url"],
            composed_at=datetime.fromisoformat(data["composed_at"]),
            sections=tuple(DigestSection.from_data(s) for s in data["sections"]),
        )


def section_functions(app: Flask) -> list[SectionFunction]:
    """Return every capability's digest section function, in the capabilities' order."""
    return list(registry(app).digest_sections)


@dataclass(frozen=True)
class Composed:
    """A digest and its sections as composed (with what they record when it is delivered)."""

    digest: Digest
    live_sections: tuple[DigestSection, ...]

    def record_delivery(self, session: Session, channels: tuple[str, ...], at: datetime) -> None:
        """Let each section record that it went out through `channels` (reinforcements)."""
        if not channels:
            return
        for section in self.live_sections:
            if section.on_delivery is not None:
                section.on_delivery(session, channels, at)


def compose_digest(
    session: Session,
    app: Flask,
    team: Team,
    *,
    now: datetime,
    is_preview: bool,
    functions: Sequence[SectionFunction] | None = None,
) -> Composed:
    """Return the team's digest: each capability's non-empty section, in order."""
    base_url = str(app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")
    context = SectionContext(now=now, base_url=base_url, app=app, is_preview=is_preview)
    found = []
    for function in functions if functions is not None else section_functions(app):
        section = function(session, team, context)
        if section is not None and not section.is_empty:
            found.append(section)
    found.sort(key=lambda section: section.order)
    digest = Digest(team.name, team.slug, base_url, now, tuple(found))
    return Composed(digest, tuple(found))
