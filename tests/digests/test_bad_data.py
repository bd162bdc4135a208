"""One team's bad data fails its own digest, never another team's, and never adds a header;
the unsubscribe header goes over the wire as RFC 8058 asks."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta

import pytest
import time_machine
from crews import Crew, membership
from sqlalchemy import update

from digests.support import MONDAY, add_goals, configure_digest, deliveries
from teamkit.capability import registry
from teamkit.db import job_session
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import Delivery, DeliveryStatus
from teamkit.digests.plan import COMPOSE_FAILED, plan_due_periods
from teamkit.digests.services import retry_delivery
from teamkit.errors import Conflict
from teamkit.teams.models import Team

SUNDAY = MONDAY - timedelta(days=1)
EVIL = "Evil\r\nBcc: victim@example.com"


def _rename(app, team, name):
    """Store a team name as older versions let in (input refuses it now)."""
    with app.app_context(), job_session(app) as session:
        session.execute(update(Team).where(Team.id == team.id).values(name=name))


@pytest.fixture
def other(digest_app, make, smtp):
    """A second team, its digest due on Monday by email."""
    owner = make.person(name="Olga Other", email="olga@example.com")
    team = make.team(owner, slug="other", name="Other")
    add_goals(digest_app, team, owner, ["Keep it tidy"])
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(digest_app, team, owner, enabled=True, email_enabled=True)
    return Crew(team, owner, owner, [])


@pytest.fixture
def evil(digest_app, crew):
    """The crew, named with a line break and a Bcc, its digest due on Monday by email."""
    _rename(digest_app, crew.team, EVIL)
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True, email_enabled=True)
    return crew


def _headers(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode()


def test_a_team_named_with_a_line_break_gets_its_digest_and_adds_no_header(
    digest_app, evil, other, smtp
):
    with time_machine.travel(MONDAY, tick=False):
        report = deliver_due(digest_app)
    assert report.sent == 2 and report.failed == report.retrying == 0
    assert all(rcpts != ["victim@example.com"] for rcpts in smtp.box.envelopes)
    assert "victim@example.com" not in {r for rcpts in smtp.box.envelopes for r in rcpts}
    for raw in smtp.box.raw:
        assert not re.search(r"(?im)^bcc:", _headers(raw))
    message = smtp.box.to("max@example.com")[0]
    assert message["Subject"].startswith("Evil Bcc: victim@example.com digest")
    assert len(smtp.box.to("olga@example.com")) == 1


def test_a_delivery_that_raises_is_recorded_retried_then_failed_and_the_tick_goes_on(
    digest_app, crew, other, smtp
):
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True, email_enabled=True)
    with time_machine.travel(MONDAY, tick=False) as clock:
        with digest_app.app_context(), job_session(digest_app) as session:
            plan_due_periods(session, digest_app, MONDAY)
            session.execute(
                update(Delivery).where(Delivery.team_id == crew.team.id).values(content="{oops")
            )
        first = deliver_due(digest_app)
        assert first.sent == 1 and first.retrying == 1
        assert len(smtp.box.to("olga@example.com")) == 1
        (broken,) = [d for d in deliveries(digest_app) if d.team_id == crew.team.id]
        assert broken.status is DeliveryStatus.PENDING and broken.attempts == 1
        assert broken.last_error.startswith("Could not be sent: JSONDecodeError")
        for _ in range(3):
            clock.shift(timedelta(hours=2))
            deliver_due(digest_app)
    (broken,) = [d for d in deliveries(digest_app) if d.team_id == crew.team.id]
    assert broken.status is DeliveryStatus.FAILED and broken.attempts == 3
    assert broken.last_error.startswith("Gave up after 3 attempts: Could not be sent")
    assert smtp.box.to("max@example.com") == []


def test_a_digest_that_cannot_be_composed_fails_alone(digest_app, crew, other, smtp, monkeypatch):
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True, email_enabled=True)

    def broken_section(session, team, context):
        if team.slug == "crew":
            raise ValueError("a capability tripped on this team's data")
        return None

    sections = registry(digest_app).digest_sections
    monkeypatch.setattr(registry(digest_app), "digest_sections", [*sections, broken_section])
    with time_machine.travel(MONDAY, tick=False):
        report = deliver_due(digest_app)
        assert report.sent == 1
        assert deliver_due(digest_app).planned == 0
    assert len(smtp.box.to("olga@example.com")) == 1 and smtp.box.to("max@example.com") == []
    (failed,) = [d for d in deliveries(digest_app) if d.team_id == crew.team.id]
    assert failed.status is DeliveryStatus.FAILED
    assert failed.last_error.startswith(COMPOSE_FAILED)
    assert "a capability tripped on this team's data" in failed.last_error
    with digest_app.app_context(), job_session(digest_app) as session:
        actor = membership(session, crew.team, crew.owner)
        with pytest.raises(Conflict, match="could not be composed"):
            retry_delivery(session, actor, failed.id)


def test_the_unsubscribe_header_goes_over_the_wire_as_angle_bracketed_urls(digest_app, crew, smtp):
    digest_app.config["TEAMKIT"]["BASE_URL"] = "https://teamkit.example.com/with/a/long/path"
    digest_app.config["TEAMKIT"]["MAIL_UNSUBSCRIBE_MAILTO"] = "unsubscribe@teamkit.example.com"
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True, email_enabled=True)
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    raw = smtp.box.raw[0]
    headers = _headers(raw)
    (line,) = [h for h in headers.split("\r\n") if h.lower().startswith("list-unsubscribe:")]
    assert len(line) > 78 and "=?" not in line
    match = re.fullmatch(
        r"List-Unsubscribe: <(https://teamkit\.example\.com/with/a/long/path/digest/"
        r"unsubscribe/[\w.-]+)>, <mailto:unsubscribe@teamkit\.example\.com\?subject=unsubscribe>",
        line,
    )
    assert match is not None, line
    assert "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in headers + "\r\n"
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert match.group(1) in parsed.get_body(("plain",)).get_content()


def test_an_emailed_invite_from_a_team_named_with_a_line_break_is_sent(
    digest_app, make, smtp, api_as
):
    owner = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(owner, slug="evil", name="Evil")
    _rename(digest_app, team, EVIL)
    response = api_as(owner).post(
        "/api/v1/teams/evil/invites", json={"role": "member", "email": "new@example.com"}
    )
    assert response.status_code == 201, response.json
    (raw,) = smtp.box.raw
    assert smtp.box.envelopes == [["new@example.com"]]
    assert not re.search(r"(?im)^bcc:", _headers(raw))
    assert (
        "invites you to Evil Bcc: victim@example.com on teamkit" in smtp.box.messages[0]["Subject"]
    )


def test_a_name_with_a_line_break_is_refused_at_input(digest_app, make, api_as):
    owner = make.person(name="Ada Owner")
    make.team(owner, slug="crew", name="Crew")
    api = api_as(owner)
    response = api.post("/api/v1/teams", json={"name": EVIL, "slug": "evil"})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "name"
    assert "one line" in response.json["errors"][0]["message"]
    assert api.get("/api/v1/teams/evil").status_code == 404


def test_a_goal_title_or_slogan_with_a_control_character_is_refused(digest_app, make, api_as):
    owner = make.person(name="Ada Owner")
    make.team(owner, slug="crew", name="Crew")
    api = api_as(owner)
    for field, value in (("title", "Ship\nweekly"), ("slogan", "Go\x07go")):
        body = {"title": "Ship", "why": "Because.", field: value}
        response = api.post("/api/v1/teams/crew/goals", json=body)
        assert response.status_code == 422, (field, response.json)
        assert [e["field"] for e in response.json["errors"]] == [field]
    assert api.get("/api/v1/teams/crew/goals").json["items"] == []
