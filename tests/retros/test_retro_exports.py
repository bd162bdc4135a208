"""Markdown rendering is safe; a retro exports as Markdown, action items as safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from teamkit.retros import actions, edits, services, timeline
from teamkit.retros import settings as retro_settings
from teamkit.retros.exports import RetroExport, action_items_csv, retro_markdown, safe_cell
from teamkit.retros.richtext import ALLOWED_TAGS, inert_markdown, render_markdown

START = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
#: Ways to smuggle script through a Markdown field.
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click]( JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example>",
    '"><script>alert(1)</script>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "`<script>`",
    "```\n<script>alert(1)</script>\n```",
]


class LiveParts(HTMLParser):
    """Collect what in an HTML fragment could run: tags off the allow-list, handlers, links."""

    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.live.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "src", "srcdoc"}:
                self.live.append(f"{tag}[{name}]")
            if name == "href" and not (value or "").startswith(("http:", "https:", "mailto:")):
                self.live.append(f"{tag}[href={value}]")


def live_parts(html: str) -> list[str]:
    parser = LiveParts()
    parser.feed(html)
    parser.close()
    return parser.live


@pytest.mark.parametrize("payload", XSS)
def test_markdown_renders_every_payload_inert(payload):
    html = str(render_markdown(f"Before\n\n{payload}\n\nAfter"))
    assert live_parts(html) == [], html


@pytest.mark.parametrize("payload", XSS)
def test_exported_markdown_carries_no_live_tag_or_script_link(payload):
    text = inert_markdown(payload).lower()
    assert "<" not in text
    assert "](javascript:" not in text.replace(" ", "").replace("<", "")


def test_markdown_keeps_formatting_and_links():
    html = str(render_markdown("# Heading\n\n**bold** and [docs](https://example.com)\n\n- a"))
    assert "<h3>Heading</h3>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>a</li>" in html


def _export(session, retro):
    return RetroExport(
        retro=retro,
        severity_name=retro_settings.get_settings(session, retro.team).severity_names.get(
            retro.severity or 0
        ),
        tags=services.tags_of(session, retro),
        participants=services.participants_of(session, retro),
        timeline=timeline.list_entries(session, retro),
        factors=timeline.list_factors(session, retro),
        items=actions.items_of_retro(session, retro),
        history=edits.history(session, retro),
    )


def test_a_retro_exports_as_markdown_with_every_part(session, crew, as_member):
    member = as_member(crew.member)
    retro = services.create_retro(
        session,
        member,
        title="Checkout <down>",
        summary="Payments timed out.",
        started_at=START,
        ended_at=START + timedelta(minutes=40),
        severity=2,
        tags=["payments"],
        participant_ids=[member.id],
        lessons="Watch the pool.",
    )
    timeline.add_entry(session, member, retro, occurred_at=START, note="Alert", kind="detected")
    timeline.add_factor(session, member, retro, category="tooling", description="No pool alert")
    actions.create_action_item(
        session,
        member,
        retro,
        title="Add a pool alert",
        owner_id=member.id,
        due_date=TODAY - timedelta(days=1),
    )
    text = retro_markdown(_export(session, retro), today=TODAY)
    assert text.startswith("# Checkout &lt;down>\n")
    for expected in [
        "- Severity: SEV2",
        "- Duration: 40 min",
        "- Participants: Ada Lovelace",
        "- Tags: payments",
        "## Summary\n\nPayments timed out.",
        "- 2026-11-30 14:00 UTC **Detected**: Alert",
        "- **Tooling**: No pool alert",
        "## Lessons learned\n\nWatch the pool.",
        "- [ ] Add a pool alert (Ada Lovelace, due 2026-11-30; Open) **overdue**",
    ]:
        assert expected in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert safe_cell(value) == cell


def test_action_items_export_as_csv(session, crew, as_member):
    member = as_member(crew.member)
    retro = services.create_retro(session, member, title="=cmd|' /C calc'!A0")
    actions.create_action_item(
        session, member, retro, title="@SUM(1+1)", owner_id=member.id, due_date=TODAY
    )
    items = actions.list_action_items(session, crew.team, today=TODAY)
    table = list(csv.reader(io.StringIO(action_items_csv(items, today=TODAY))))
    assert table[0][:4] == ["id", "title", "status", "owner"]
    row = dict(zip(table[0], table[1], strict=True))
    assert row["title"] == "'@SUM(1+1)"
    assert row["retro"] == "'=cmd|' /C calc'!A0"
    assert (row["owner_email"], row["due_date"], row["overdue"]) == (
        "ada@example.com",
        "2026-12-01",
        "no",
    )
