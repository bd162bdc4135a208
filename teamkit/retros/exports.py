"""A retro as Markdown, and the team's action items as CSV (safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from teamkit.retros.models import (
    ActionItem,
    ContributingFactor,
    Retro,
    RetroEdit,
    TimelineEntry,
)
from teamkit.retros.richtext import inert_markdown
from teamkit.retros.timeline import format_duration
from teamkit.teams.models import Membership
from teamkit.teams.zones import zone_minute

#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_COLUMNS = (
    "id",
    "title",
    "status",
    "owner",
    "owner_email",
    "due_date",
    "overdue",
    "retro",
    "goal",
    "closing_note",
    "created_at",
    "closed_at",
)


@dataclass(frozen=True)
class RetroExport:
    """Everything a retro's export shows."""

    retro: Retro
    severity_name: str | None
    tags: list[str]
    participants: list[Membership]
    timeline: list[TimelineEntry]
    factors: list[ContributingFactor]
    items: list[ActionItem]
    history: list[RetroEdit]


def _when(moment: datetime | None, timezone: str) -> str:
    return zone_minute(moment, timezone) if moment else "—"


def _line(text: str) -> str:
    """Return text fit for one Markdown line: inert, on one line."""
    return " ".join(inert_markdown(text).split())


def retro_markdown(export: RetroExport, *, today: date) -> str:
    """Return the retro as a Markdown document."""
    retro = export.retro
    zone = retro.team.timezone
    out: list[str] = [f"# {_line(retro.title)}", ""]
    out.append(f"- Status: {retro.status.label}")
    if retro.format == "incident":
        out.append(f"- Severity: {_line(export.severity_name or '—')}")
        out.append(f"- Started: {_when(retro.started_at, zone)}")
        out.append(f"- Ended: {_when(retro.ended_at, zone)}")
        out.append(f"- Duration: {format_duration(retro.duration) or '—'}")
    if export.participants:
        names = ", ".join(_line(m.person.name) for m in export.participants)
        out.append(f"- Participants: {names}")
    if export.tags:
        out.append(f"- Tags: {', '.join(_line(tag) for tag in export.tags)}")
    out.append("")
    sections = [
        ("Summary", retro.summary),
        ("Customer impact", retro.customer_impact),
        ("How it was detected", retro.detection),
    ]
    for heading, body in sections:
        if body:
            out += [f"## {heading}", "", inert_markdown(body).strip(), ""]
    if export.timeline:
        out += ["## Timeline", ""]
        for entry in export.timeline:
            mark = "" if entry.kind.value == "event" else f" **{entry.kind.label}**"
            who = f" ({_line(entry.author.person.name)})" if entry.author else ""
            out.append(f"- {_when(entry.occurred_at, zone)}{mark}: {_line(entry.note)}{who}")
        out.append("")
    if export.factors:
        out += ["## Contributing factors", ""]
        for factor in export.factors:
            out.append(f"- **{factor.category.label}**: {_line(factor.description)}")
        out.append("")
    for heading, body in [
        ("What went well", retro.went_well),
        ("What went wrong", retro.went_wrong),
        ("Where we got lucky", retro.got_lucky),
        ("Lessons learned", retro.lessons),
    ]:
        if body:
            out += [f"## {heading}", "", inert_markdown(body).strip(), ""]
    if export.items:
        out += ["## Action items", ""]
        for item in export.items:
            box = "x" if item.status.is_closed else " "
            owner = _line(item.owner.person.name) if item.owner else "no owner"
            due = f", due {item.due_date.isoformat()}" if item.due_date else ""
            late = " **overdue**" if item.is_overdue(today) else ""
            note = f" — {_line(item.closing_note)}" if item.closing_note else ""
            out.append(
                f"- [{box}] {_line(item.title)} ({owner}{due}; {item.status.label}){late}{note}"
            )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def safe_cell(value: object) -> str:
    """Return `value` as a CSV cell no spreadsheet runs as a formula."""
    cell = "" if value is None else str(value)
    if cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def action_items_csv(items: Iterable[ActionItem], *, today: date) -> str:
    """Return the action items as CSV, a header row first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow(
            safe_cell(value)
            for value in (
                item.id,
                item.title,
                item.status.label,
                item.owner.person.name if item.owner else "",
                item.owner.person.email if item.owner else "",
                item.due_date.isoformat() if item.due_date else "",
                "yes" if item.is_overdue(today) else "no",
                item.retro.title if item.retro else "",
                item.goal.title if item.goal else "",
                item.closing_note,
                item.created_at.strftime("%Y-%m-%d %H:%M"),
                item.closed_at.strftime("%Y-%m-%d %H:%M") if item.closed_at else "",
            )
        )
    return buffer.getvalue()
