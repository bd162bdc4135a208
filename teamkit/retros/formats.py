"""Formats of retro: the incident retro here; team retro boards register theirs.

A format names which of a retro's fields it uses. Every format shares the retro's
workflow (draft → in review → published), its edit history, tags, participants and
action items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    #: Run in the transaction that creates a retro of this format, `(session, actor,
    #: retro) -> None`: a higher capability (boards) adds its own rows without retros
    #: importing it.
    on_create: Callable[..., Any] | None = None
    #: The portal endpoint (taking `slug` and `retro_id`) that shows a retro of this
    #: format; None for the retro page itself.
    page_endpoint: str | None = None
    #: How the retros list names the kind ("Team retro", "Incident review").
    kind_label: str = "Incident review"
    #: The portal endpoint (taking `slug`) that starts a retro of this format, and the
    #: words of its link on the retros list; None where the retros list has its own.
    new_endpoint: str | None = None
    new_label: str = ""
    #: What the retros list shows in place of the status for retros of this format,
    #: `(session, retro_ids) -> {retro_id: label}` in one statement (a board's phase:
    #: a closed board is not a draft); None to show the retro's own status.
    status_labels: Callable[..., dict[int, str]] | None = None


def status_labels(session: Any, retros: list[Any]) -> dict[int, str]:
    """Return the list's status label of each retro whose format names its own.

    Formats that share a labelling function (every board format) are asked once.
    """
    by_function: dict[Callable[..., dict[int, str]], list[int]] = {}
    for retro in retros:
        kind = FORMATS.get(retro.format)
        if kind is not None and kind.status_labels is not None:
            by_function.setdefault(kind.status_labels, []).append(retro.id)
    labels: dict[int, str] = {}
    for function, ids in by_function.items():
        labels |= function(session, ids)
    return labels


def new_links() -> list[tuple[str, str]]:
    """Return the (label, endpoint) of each page that starts a retro of another format."""
    links: list[tuple[str, str]] = []
    for kind in FORMATS.values():
        if kind.new_endpoint and (kind.new_label, kind.new_endpoint) not in links:
            links.append((kind.new_label, kind.new_endpoint))
    return links


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
