"""Script smuggled into any text field is inert in every page, the Markdown and the CSV."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

from teamkit.retros.exports import FORMULA_STARTS

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://evil.example","x")',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) alert",
]
OWN_SCRIPT = "/static/retros/coach.js"
TEXT_FIELDS = (
    "summary",
    "customer_impact",
    "detection",
    "went_well",
    "went_wrong",
    "got_lucky",
    "lessons",
)


class LiveParts(HTMLParser):
    """Collect what in a page could run script: tags, handlers, script links."""

    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and values.get("src") != OWN_SCRIPT:
            self.live.append(f"<script {values}>")
        if tag in {"iframe", "svg", "object", "embed", "img", "math"}:
            self.live.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc":
                self.live.append(f"{tag}[{name}]")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.live.append(f"{tag}[{name}={value}]")


def live_parts(html: str) -> list[str]:
    parser = LiveParts()
    parser.feed(html)
    parser.close()
    return parser.live


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_every_text_field_is_inert_everywhere(payload, crew, api_as, login_as):
    api = api_as(crew.member)
    retro = api.post(
        "/api/v1/teams/crew/retros",
        json={
            "format": "incident",
            "title": payload,
            **dict.fromkeys(TEXT_FIELDS, f"{payload}\n\n{payload} alert"),
            "tags": [payload[:40].replace(",", " ")],
        },
    )
    assert retro.status_code == 201, retro.json
    retro_id = retro.json["id"]
    base = f"/api/v1/teams/crew/retros/{retro_id}"
    assert (
        api.post(
            f"{base}/timeline", json={"occurred_at": "2026-11-30T14:00:00Z", "note": payload}
        ).status_code
        == 201
    )
    assert (
        api.post(f"{base}/factors", json={"category": "other", "description": payload}).status_code
        == 201
    )
    item = api.post(
        "/api/v1/teams/crew/action-items",
        json={"title": payload, "owner": crew.member.email, "retro_id": retro_id},
    )
    assert item.status_code == 201
    api.patch(
        f"/api/v1/teams/crew/action-items/{item.json['id']}",
        json={"status": "done", "closing_note": payload},
    )
    portal = login_as(crew.member)
    pages = [
        f"/t/crew/retros/{retro_id}",
        f"/t/crew/retros/{retro_id}/edit",
        f"/t/crew/retros/{retro_id}/print",
        "/t/crew/retros",
        "/t/crew/retros/search?q=alert",
        "/t/crew/action-items",
        "/t/crew/",
    ]
    for page in pages:
        response = portal.client.get(page)
        assert response.status_code == 200, page
        assert live_parts(response.text) == [], page

    markdown = portal.client.get(f"/t/crew/retros/{retro_id}/export.md").text
    assert "<" not in markdown
    assert "](javascript:" not in markdown.replace(" ", "").lower()
    assert "](data:" not in markdown.replace(" ", "").lower()

    table = portal.client.get("/t/crew/action-items.csv").text
    for row in list(csv.reader(io.StringIO(table)))[1:]:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row
