"""`teamkit demo` gives the demo team retros to read and action items to follow."""

from __future__ import annotations

from sqlalchemy import select

from teamkit.db import job_session, utcnow
from teamkit.demo import seed_demo
from teamkit.retros import actions, timeline
from teamkit.retros.models import ActionItem, Retro, RetroStatus
from teamkit.retros.review import coach_whole_retro


def test_demo_team_gets_a_published_retro_one_in_review_and_action_items(app):
    with app.app_context(), job_session(app) as session:
        seed_demo(session)
    with app.app_context(), job_session(app) as session:
        retros = {r.status: r for r in session.scalars(select(Retro))}
        published, review = retros[RetroStatus.PUBLISHED], retros[RetroStatus.IN_REVIEW]
        assert len(timeline.list_entries(session, published)) >= 5
        assert {e.kind.value for e in timeline.list_entries(session, published)} >= {
            "detected",
            "mitigated",
        }
        assert len(timeline.list_factors(session, published)) >= 3
        assert coach_whole_retro(session, published) == []
        flags = [f for part in coach_whole_retro(session, review) for f in part.flags]
        assert [f.rule for f in flags] == ["root-cause", "human-error", "should-have"]
        items = list(session.scalars(select(ActionItem)))
        today = utcnow().date()
        assert sum(item.is_overdue(today) for item in items) >= 2
        assert sum(item.goal_id is not None for item in items) == 1
        assert any(item.status.is_closed and item.closing_note for item in items)
        assert actions.open_items_from_earlier_retros(session, review)


def test_demo_retros_show_on_the_demo_pages(app, client, portal):
    with app.app_context(), job_session(app) as session:
        seed_demo(session)
        retro_id = session.scalar(select(Retro.id).where(Retro.status == RetroStatus.PUBLISHED))
    token = portal.csrf_token("/login")
    client.post(
        "/login",
        data={"email": "ada@example.com", "password": "teamkit-demo", "csrf_token": token},
    )
    page = client.get(f"/t/demo/retros/{retro_id}").text
    assert "Checkout errors after the payments pool change" in page
    assert "Overdue" in page and "with nothing noted" in page
    home = client.get("/t/demo/").text
    assert "overdue" in home
