"""Compose a team's digest from the sections its capabilities contribute."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.capability import registry
from teamkit.digests.models import Delivery, DeliveryKind, DeliveryStatus
from teamkit.sections import DigestSection, SectionContext
from teamkit.teams.models import Membership, Team

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
    #: How many of `sections`, first, are the reader's own (one person's email only).
    personal_count: int = 0

    @property
    def is_empty(self) -> bool:
        """Tell whether it has nothing to say (it is then not sent)."""
        return not self.sections

    @property
    def team_sections(self) -> tuple[DigestSection, ...]:
        """Return the sections of the whole team (what Slack and the subject speak of)."""
        return self.sections[self.personal_count :]

    def for_reader(self, personal: Sequence[DigestSection]) -> Digest:
        """Return this digest as one person's email: what is theirs first, then the team's."""
        if not personal:
            return self
        return replace(
            self,
            sections=(*personal, *self.team_sections),
            personal_count=len(personal),
        )

    @property
    def subject(self) -> str:
        """Return the subject line: the team, and its first slogan or goal when it has one."""
        team = self.team_sections
        lead = next((line for s in team for line in s.highlights), None)
        if lead is None:
            lead = next((item.title for s in team for item in s.items), None)
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
                "sections": [section.to_data() for section in self.team_sections],
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


def last_sent_at(session: Session, team: Team, before: datetime) -> datetime | None:
    """Return when the team's last digest went out before `before` (None before the first)."""
    return session.scalar(
        select(func.max(Delivery.sent_at)).where(
            Delivery.team_id == team.id,
            Delivery.kind == DeliveryKind.DIGEST,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.sent_at < before,
        )
    )


def compose_personal(
    session: Session, app: Flask, membership: Membership, *, now: datetime, is_preview: bool
) -> tuple[DigestSection, ...]:
    """Return what is the reader's own in their team's digest, from every capability."""
    base_url = str(app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")
    context = SectionContext(now=now, base_url=base_url, app=app, is_preview=is_preview)
    found = []
    for function in registry(app).personal_sections:
        section = function(session, membership, context)
        if section is not None and not section.is_empty:
            found.append(section)
    found.sort(key=lambda section: section.order)
    return tuple(found)


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
    context = SectionContext(
        now=now,
        base_url=base_url,
        app=app,
        is_preview=is_preview,
        since=last_sent_at(session, team, now),
    )
    found = []
    for function in functions if functions is not None else section_functions(app):
        section = function(session, team, context)
        if section is not None and not section.is_empty:
            found.append(section)
    found.sort(key=lambda section: section.order)
    digest = Digest(team.name, team.slug, base_url, now, tuple(found))
    return Composed(digest, tuple(found))
