"""Composing and rendering a digest: a fixed number of statements, Slack's limits, escaping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crews import membership
from slack_sdk.models.blocks import Block

from digests.support import add_goals
from teamkit.db import job_session
from teamkit.digests.compose import Digest, compose_digest
from teamkit.digests.render import (
    SLACK_MAX_BLOCKS,
    SLACK_TOTAL_TEXT_MAX,
    check_slack_limits,
    render_html,
    render_slack,
    render_text,
)
from teamkit.goals.checkins import record_check_in
from teamkit.goals.models import Goal
from teamkit.goals.settings import set_goals_per_digest
from teamkit.sections import DigestItem, DigestSection, Link
from teamkit.teams.models import Team

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def compose(app, team, count_queries=None):
    with app.app_context(), job_session(app) as session:
        found = session.get(Team, team.id)
        if count_queries is None:
            return compose_digest(session, app, found, now=NOW, is_preview=True).digest
        with count_queries() as counted:
            digest = compose_digest(session, app, found, now=NOW, is_preview=True).digest
        return digest, counted.count


def test_composing_a_digest_takes_the_same_statements_whatever_the_team_size(
    digest_app, crew, make, count_queries
):
    _, small = compose(digest_app, crew.team, count_queries)

    big_owner = make.person()
    big = make.team(big_owner, slug="big")
    for _ in range(12):
        make.member(big)
    ids = add_goals(digest_app, big, big_owner, [f"Goal {n}" for n in range(15)])
    with digest_app.app_context(), job_session(digest_app) as session:
        actor = membership(session, big, big_owner)
        set_goals_per_digest(session, actor, 8)
        for goal_id in ids:
            goal = session.get(Goal, goal_id)
            for days in range(5):
                record_check_in(session, actor, goal, confidence=3, at=NOW - timedelta(days=days))
    digest, large = compose(digest_app, big, count_queries)
    assert len(digest.sections[0].items) == 8
    assert large == small, f"{small} statements for 3 goals, {large} for 15"


def test_the_goals_section_says_slogans_first_then_each_goal_with_its_why_and_progress(
    digest_app, crew
):
    digest = compose(digest_app, crew.team)
    (section,) = digest.sections
    assert section.title == "Our goals"
    assert section.highlights == ("Answer every customer!", "Ship weekly!", "Fewer pages!")
    first = section.items[0]
    assert first.title == "Answer every customer"
    assert first.lines[0] == "Why: Because answer every customer matters."
    assert first.lines[1] == "No check-in yet"
    assert first.link.url.startswith("http://teamkit.test/t/crew/goals/")


def test_a_digest_survives_being_kept_as_json(digest_app, crew):
    digest = compose(digest_app, crew.team)
    assert Digest.from_json(digest.to_json()) == digest


def _big_digest(items: int, text: int) -> Digest:
    section = DigestSection(
        key="goals",
        title="Our goals",
        highlights=tuple("slogan " * 20 for _ in range(5)),
        items=tuple(
            DigestItem(
                title=f"Goal {n} " + "x" * 200,
                lines=("Why: " + "y" * text, "Progress"),
                link=Link("Check in", f"https://teamkit.test/t/crew/goals/{n}"),
            )
            for n in range(items)
        ),
        link=Link("See all goals", "https://teamkit.test/t/crew/goals"),
    )
    return Digest("Crew " * 60, "crew", "https://teamkit.test", NOW, (section,) * 3)


def test_a_huge_digest_is_cut_to_slacks_limits_and_says_what_it_left_out():
    message = render_slack(_big_digest(items=40, text=4000))
    blocks = message["blocks"]
    assert len(blocks) <= SLACK_MAX_BLOCKS
    check_slack_limits(blocks)
    total = sum(len(b.get("text", {}).get("text", "")) for b in blocks) + sum(
        len(e.get("text", "")) for b in blocks for e in b.get("elements", ())
    )
    assert total <= SLACK_TOTAL_TEXT_MAX
    assert len(blocks[0]["text"]["text"]) <= 150
    assert any("more: <https://teamkit.test/t/crew/|see them in teamkit>" in str(b) for b in blocks)
    for block in blocks:
        Block.parse(block).validate_json()


def test_user_text_is_escaped_for_each_medium():
    section = DigestSection(
        key="goals",
        title="Our goals",
        highlights=("<b>bold</b> & <!here>",),
        items=(DigestItem(title="<script>alert(1)</script>", lines=("a < b > c",)),),
    )
    digest = Digest("A&B <team>", "ab", "https://teamkit.test", NOW, (section,))
    html = render_html(digest)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    slack = str(render_slack(digest))
    assert "<!here>" not in slack and "&lt;!here&gt;" in slack
    assert "a &lt; b &gt; c" in slack
    text = render_text(digest)
    assert "<script>alert(1)</script>" in text  # plain text is shown as is, never interpreted


def test_a_sections_summary_is_plain_text_not_a_slogan():
    section = DigestSection(
        key="retros",
        title="Action items from retros",
        summary="4 open action items",
        items=(DigestItem(title="Ada: Add an alert", lines=("due 2026-06-08",)),),
    )
    digest = Digest("Crew", "crew", "https://teamkit.test", NOW, (section,))
    html = render_html(digest)
    assert "4 open action items" in html
    assert "&ldquo;4 open action items" not in html and "“4 open action items" not in html
    line = next(line for line in html.splitlines() if "4 open action items" in line)
    assert "font-size:20px" not in line and "font-weight:bold" not in line
    text = render_text(digest)
    assert "\n4 open action items\n" in text and '"4 open action items"' not in text
    slack = str(render_slack(digest))
    assert "4 open action items" in slack and "> _4 open action items_" not in slack
    assert digest.subject == "Crew digest: Ada: Add an alert"
