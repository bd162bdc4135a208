"""What a capability's digest section is made of: plain data every rendering can show.

A capability contributes to a team's digest through a function named in its
CAPABILITY.digest_sections, `digest_section(session, team, context) -> DigestSection | None`
(None, or an empty section, when it has nothing to say). The digests capability composes
the sections, renders them as email (text and HTML) and as a Slack message, and delivers
them; a section holds only text and links, never markup, so each rendering escapes it for
its own medium.

This module is core: it imports no capability, so any capability can import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Link:
    """A link a person can follow from the digest: its words and its absolute address."""

    label: str
    url: str


@dataclass(frozen=True)
class DigestItem:
    """One thing in a section (a goal, a pulse, an action item): a title and a few lines."""

    title: str
    #: Short lines under the title (its why, its progress), each one line of plain text.
    lines: tuple[str, ...] = ()
    #: Where to act on it (check in, answer, close).
    link: Link | None = None


@dataclass(frozen=True)
class DigestSection:
    """A capability's part of a digest: highlights first, then items, then a link."""

    #: The capability's name ("goals"), unique within a digest.
    key: str
    #: The section's heading ("Our goals").
    title: str
    #: Where it goes among the other sections (lower first).
    order: int = 100
    #: Lines to say first and large (the team's slogans), quoted.
    highlights: tuple[str, ...] = ()
    #: A plain line under the heading that sums the section up ("4 open action items"):
    #: a count, not a slogan, so it is shown as ordinary text.
    summary: str = ""
    items: tuple[DigestItem, ...] = ()
    #: A link to the section's page in the portal.
    link: Link | None = None
    #: Called when a digest with this section is claimed for delivery (never for a preview),
    #: in the claim's transaction: `(session, channels, at)`; goals record reinforcements.
    on_delivery: Callable[[Session, tuple[str, ...], datetime], None] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def is_empty(self) -> bool:
        """Tell whether the section has nothing to show (it is then left out)."""
        return not self.highlights and not self.items

    def to_data(self) -> dict[str, Any]:
        """Return the section as JSON-ready data (what a delivery keeps to send later)."""
        return {
            "key": self.key,
            "title": self.title,
            "order": self.order,
            "highlights": list(self.highlights),
            "summary": self.summary,
            "items": [
                {
                    "title": item.title,
                    "lines": list(item.lines),
                    "link": _link_data(item.link),
                }
                for item in self.items
            ],
            "link": _link_data(self.link),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> DigestSection:
        """Return the section `to_data` gave."""
        return cls(
            key=str(data["key"]),
            title=str(data["title"]),
            order=int(data.get("order", 100)),
            highlights=tuple(str(line) for line in data.get("highlights", ())),
            summary=str(data.get("summary", "")),
            items=tuple(
                DigestItem(
                    title=str(item["title"]),
                    lines=tuple(str(line) for line in item.get("lines", ())),
                    link=_link_from(item.get("link")),
                )
                for item in data.get("items", ())
            ),
            link=_link_from(data.get("link")),
        )


@dataclass(frozen=True)
class SectionContext:
    """What a section function may need besides the session and the team."""

    #: The moment the digest is for (the period being delivered, or now for a preview).
    now: datetime
    #: The portal's public address, without a trailing slash, for absolute links.
    base_url: str
    #: The app, for a capability's own TEAMKIT_* settings; None only in bare service tests.
    app: Flask | None = None
    #: True when the digest is only shown (a preview): nothing is recorded.
    is_preview: bool = False
    #: When the team's last digest went out (None before the first): what is new since.
    since: datetime | None = None

    def url(self, path: str) -> str:
        """Return the absolute address of a portal `path` ("/t/crew/goals")."""
        return f"{self.base_url}{path}"


def _link_data(link: Link | None) -> dict[str, str] | None:
    return None if link is None else {"label": link.label, "url": link.url}


def _link_from(data: Mapping[str, Any] | None) -> Link | None:
    return None if not data else Link(str(data["label"]), str(data["url"]))
