"""The digest through the team's Slack app: posted to its channel with the people it waits on
mentioned, and each member's own part by direct message, once per person and period."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from typing import Any

from crews import membership
from digests.servers import SlackApiStandIn
from flask import Flask
from sqlalchemy import select

from teamkit.db import job_session, utcnow
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
    RecipientStatus,
)
from teamkit.goals import services as goals
from teamkit.goals.models import Goal
from teamkit.retros import actions
from teamkit.retros import services as retros
from teamkit.slack.models import SlackMember
from teamkit.teams.models import Role

from .conftest import CHANNEL, SECRET, TOKEN

BODY = {"bot_token": TOKEN, "signing_secret": SECRET, "channel": CHANNEL}


def _team(make: Any, api_as: Any, app: Flask, slack_api: SlackApiStandIn) -> Any:
    """Core team: Ada (owner, in Slack) owes an overdue action item, Max (member, in Slack)
    owns a stale goal, Zoe (member, not in Slack) owns another."""
    ada = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(ada, slug="core", name="Core team")
    max_ = make.member(team, make.person(name="Max <!channel>", email="max@example.com"))
    zoe = make.member(team, make.person(name="Zoe", email="zoe@example.com"), Role.MEMBER)
    slack_api.add_user("ada@example.com", "U0ADA", "Ada")
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    assert api_as(ada).put("/api/v1/teams/core/slack", json=BODY).status_code == 200
    long_ago = utcnow() - timedelta(days=60)
    with app.app_context(), job_session(app) as session:
        owner = membership(session, team, ada)
        for person, title in ((max_, "Ship <b>it</b>"), (zoe, "Halve the pages")):
            goal = goals.create_goal(
                session,
                owner,
                title=title,
                why="It matters.",
                owner_id=membership(session, team, person).id,
            )
            goal.created_at = long_ago
        retro = retros.create_retro(session, owner, title="Outage")
        actions.create_action_item(
            session,
            owner,
            retro,
            title="Add an alert",
            owner_id=owner.id,
            due_date=date.today() - timedelta(days=3),
        )
        session.add(
            DigestSettings(
                team_id=team.id,
                is_enabled=True,
                is_email_enabled=False,
                next_run_at=utcnow() - timedelta(minutes=1),
            )
        )
    return team, ada, max_, zoe


def _deliveries(app: Flask) -> dict[DeliveryChannel, Delivery]:
    with app.app_context(), job_session(app) as session:
        found = session.scalars(select(Delivery)).all()
        for delivery in found:
            list(delivery.recipients)
        session.expunge_all()
        return {delivery.channel: delivery for delivery in found}


def test_the_channel_digest_mentions_whom_it_waits_on_and_dms_each_their_part(
    slack_app: Flask, make: Any, api_as: Any, slack_api: SlackApiStandIn
) -> None:
    _team(make, api_as, slack_app, slack_api)
    report = deliver_due(slack_app)
    assert report.sent == 2, report
    (post,) = slack_api.posted_to(CHANNEL)
    blocks = json.loads(post["blocks"])
    waiting = blocks[1]["text"]["text"]
    assert waiting.startswith("*Waiting on*")
    assert "<@U0ADA>: 1 overdue action item" in waiting
    assert "<@U0MAX>: “Ship &lt;b&gt;it&lt;/b&gt;” waits for a check-in" in waiting
    # Zoe isn't in Slack: her plain name.
    assert "• Zoe: “Halve the pages” waits for a check-in" in waiting
    assert "<!channel>" not in post["blocks"]
    # A Check in button under it for each stale goal (anyone matched may check in).
    labels = [e["text"]["text"] for e in blocks[2]["elements"]]
    assert labels == ["Check in: Ship <b>it</b>", "Check in: Halve the pages"]
    assert len(blocks) <= 50
    # Each matched member gets their own part by DM, with a Check in button on their goal.
    (to_max,) = slack_api.posted_to("D0MAX")
    buttons = [b["accessory"] for b in json.loads(to_max["blocks"]) if b.get("accessory")]
    assert [(b["action_id"], b["text"]["text"]) for b in buttons] == [("check_in", "Check in")]
    (to_ada,) = slack_api.posted_to("D0ADA")
    assert "Add an alert" in to_ada["blocks"]
    deliveries = _deliveries(slack_app)
    assert set(deliveries) == {DeliveryChannel.SLACK_APP, DeliveryChannel.SLACK_DM}
    dm = deliveries[DeliveryChannel.SLACK_DM]
    assert dm.status is DeliveryStatus.SENT
    statuses = sorted((r.status.value, r.error or "") for r in dm.recipients)
    assert statuses == [
        ("sent", ""),
        ("sent", ""),
        ("skipped", "No Slack user has their email."),
    ]
    # Nothing goes out twice: the next tick finds nothing due.
    assert deliver_due(slack_app).sent == 0
    assert len(slack_api.called("chat.postMessage")) == 3


def test_a_member_who_turned_dms_off_gets_none(
    slack_app: Flask, make: Any, api_as: Any, slack_api: SlackApiStandIn, login_as: Any
) -> None:
    team, _ada, max_, _zoe = _team(make, api_as, slack_app, slack_api)
    portal = login_as(max_)
    answer = portal.post("/account/slack", data={"team_id": team.id, "action": "dm-off"})
    assert answer.status_code == 303
    deliver_due(slack_app)
    assert slack_api.posted_to("D0MAX") == []
    assert len(slack_api.posted_to("D0ADA")) == 1
    dm = _deliveries(slack_app)[DeliveryChannel.SLACK_DM]
    assert max_.id not in {r.person_id for r in dm.recipients}


def test_rate_limited_waits_as_slack_asks_and_not_in_channel_gives_up(
    slack_app: Flask, make: Any, api_as: Any, slack_api: SlackApiStandIn
) -> None:
    _team(make, api_as, slack_app, slack_api)
    slack_api.fail("chat.postMessage", "ratelimited", status=429, retry_after=120)
    before = utcnow()
    deliver_due(slack_app)
    post = _deliveries(slack_app)[DeliveryChannel.SLACK_APP]
    dms = _deliveries(slack_app)[DeliveryChannel.SLACK_DM]
    # Whichever went first waited 120 seconds as Slack asked; the other went out.
    waited = [d for d in (post, dms) if d.status is DeliveryStatus.PENDING]
    assert len(waited) == 1
    assert "429" in (waited[0].last_error or "")
    assert waited[0].next_attempt_at >= before + timedelta(seconds=119)
    # Not in the channel: no retry can fix it.
    slack_api.channels[CHANNEL]["is_member"] = False
    with slack_app.app_context(), job_session(slack_app) as session:
        for delivery in session.scalars(select(Delivery)):
            delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
    deliver_due(slack_app)
    post = _deliveries(slack_app)[DeliveryChannel.SLACK_APP]
    if waited[0].channel is DeliveryChannel.SLACK_APP:
        assert post.status is DeliveryStatus.FAILED
        assert "invite it (/invite @teamkit)" in (post.last_error or "")
    # Every DM went once, whatever the retries.
    dm_posts = [p for to, p in slack_api.posted if to.startswith("D")]
    assert len(dm_posts) == 2


def test_two_schedulers_racing_send_each_dm_once(
    slack_app: Flask, make: Any, api_as: Any, slack_api: SlackApiStandIn
) -> None:
    _team(make, api_as, slack_app, slack_api)
    errors: list[BaseException] = []

    def run(worker: str) -> None:
        try:
            deliver_due(slack_app, worker=worker)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f"scheduler-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(slack_api.posted_to("D0MAX")) == 1
    assert len(slack_api.posted_to("D0ADA")) == 1
    assert len(slack_api.posted_to(CHANNEL)) == 1
    with slack_app.app_context(), job_session(slack_app) as session:
        sent = session.scalars(
            select(DeliveryRecipient).where(DeliveryRecipient.status == RecipientStatus.SENT)
        ).all()
        assert len(sent) == 2
        assert session.scalar(select(SlackMember).where(SlackMember.slack_user_id == "U0MAX"))


def test_send_now_sends_through_the_app_and_leaves_the_webhook_alone(
    slack_app: Flask, make: Any, api_as: Any, slack_api: SlackApiStandIn
) -> None:
    team, ada, _max, _zoe = _team(make, api_as, slack_app, slack_api)
    with slack_app.app_context(), job_session(slack_app) as session:
        settings = session.get(DigestSettings, team.id)
        assert settings is not None
        settings.slack_webhook_url = "https://hooks.slack.com/services/T0/B0/X"
        settings.next_run_at = utcnow() + timedelta(days=3)
    answer = api_as(ada).post("/api/v1/teams/core/digest/send")
    assert answer.status_code in (200, 201, 202), answer.get_json()
    deliver_due(slack_app)
    channels = set(_deliveries(slack_app))
    assert channels == {DeliveryChannel.SLACK_APP, DeliveryChannel.SLACK_DM}
    assert len(slack_api.posted_to(CHANNEL)) == 1
    with slack_app.app_context(), job_session(slack_app) as session:
        assert session.scalar(select(Goal).where(Goal.title == "Halve the pages"))


def test_a_member_slack_couldnt_be_asked_about_gets_theirs_on_the_retry(
    slack_app: Flask, make: Any, api_as: Any, slack_api: SlackApiStandIn
) -> None:
    _team(make, api_as, slack_app, slack_api)
    # The channel post's three lookups are rate limited (plain names then), and so is the
    # first of the direct messages': that member waits for the retry.
    for _ in range(4):
        slack_api.fail("users.lookupByEmail", "ratelimited", status=429, retry_after=30)
    deliver_due(slack_app)
    (post,) = slack_api.posted_to(CHANNEL)
    assert "<@" not in post["blocks"]
    dm = _deliveries(slack_app)[DeliveryChannel.SLACK_DM]
    assert dm.status is DeliveryStatus.PENDING
    assert "Slack couldn't be asked who 1 member(s) are" in (dm.last_error or "")
    with slack_app.app_context(), job_session(slack_app) as session:
        for delivery in session.scalars(select(Delivery)):
            delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
    deliver_due(slack_app)
    dm = _deliveries(slack_app)[DeliveryChannel.SLACK_DM]
    assert dm.status is DeliveryStatus.SENT
    assert len(slack_api.posted_to("D0MAX")) == 1
    assert len(slack_api.posted_to("D0ADA")) == 1
