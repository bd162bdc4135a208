"""Formats of retro: the incident retro here; team retro boards register theirs.

A format names which of a retro's fields it uses. Every format shares the retro's
workflow (draft → in review → published), its edit history, tags, participants and
action items.
"""

from __future__ import annotations

from dataclasses import dataclass

from teamkit.errors import InvalidInput

#: Fields every format has.
COMMON_FIELDS = (
    "title",
    "summary",
    "went_well",
    "went_wrong",
    "got_lucky",
    "lessons",
    "tags",
    "participant_ids",
)
INCIDENT_FIELDS = (
    "started_at",
    "ended_at",
    "severity",
    "customer_impact",
    "detection",
)


@dataclass(frozen=True)
class RetroFormat:
    """A kind of retro: its name (stored on the retro), label, and the fields it uses."""

    name: str
    label: str
    fields: tuple[str, ...]
    #: Whether it has a timeline and contributing factors.
    has_timeline: bool = False


FORMATS: dict[str, RetroFormat] = {}


def register_format(kind: RetroFormat) -> RetroFormat:
    """Make `kind` a format retros may be created in (once; the same again is a no-op)."""
    known = FORMATS.setdefault(kind.name, kind)
    if known != kind:
        raise ValueError(f"another retro format is already called {kind.name!r}")
    return kind


def parse_format(name: str | None) -> RetroFormat:
    """Return the format called `name`, or raise InvalidInput naming the known ones."""
    kind = FORMATS.get(name or "")
    if kind is None:
        names = ", ".join(sorted(FORMATS))
        raise InvalidInput({"format": f"Choose one of: {names}."})
    return kind


INCIDENT = register_format(
    RetroFormat(
        "incident",
        "Incident retro",
        fields=COMMON_FIELDS + INCIDENT_FIELDS,
        has_timeline=True,
    )
)
