"""Goal cards are rendered once and reused, yet a card always shows the goal as it is now."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.goals import cards
from teamkit.goals.models import Goal
from teamkit.goals.services import Measure
from teamkit.teams.models import Membership

PAGES = ["/t/crew/", "/t/crew/goals"]


@pytest.fixture
def seen(crew, login_as):
    """Return a function that gives a team page as the member sees it."""
    portal = login_as(crew.member)

    def page(path: str) -> str:
        response = portal.client.get(path)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return page


@pytest.mark.parametrize("path", PAGES)
def test_a_renamed_goal_shows_its_new_title_on_a_page_seen_before(app, add_goal, seen, path):
    goal_id = add_goal("Ship weekly", slogan="Small steps")
    assert "Ship weekly" in seen(path)
    with app.app_context(), job_session(app) as session:
        session.execute(update(Goal).where(Goal.id == goal_id).values(title="Ship daily"))
    html = seen(path)
    assert "Ship daily" in html and "Ship weekly" not in html


@pytest.mark.parametrize("path", PAGES)
def test_a_check_in_shows_on_the_card_at_once(crew, login_as, add_goal, seen, path):
    goal_id = add_goal(measure=Measure(unit="%", start=0, target=100))
    assert "No check-in yet" in seen(path)
    portal = login_as(crew.member)
    answer = portal.post(f"/t/crew/goals/{goal_id}", {"value": "40", "confidence": "4"})
    assert answer.status_code == 303
    html = seen(path)
    assert "No check-in yet" not in html
    assert "40% of the way" in html


def test_an_owner_who_changes_their_name_is_shown_by_the_new_one(app, crew, add_goal, seen):
    with app.app_context(), job_session(app) as session:
        member_id = session.scalar(
            select(Membership.id).where(Membership.person_id == crew.member.id)
        )
    add_goal("Owned goal", owner_id=member_id)
    assert "owner Max Member" in seen("/t/crew/")
    with app.app_context(), job_session(app) as session:
        session.execute(update(Person).where(Person.id == crew.member.id).values(name="Max M."))
    html = seen("/t/crew/")
    assert "owner Max M." in html and "owner Max Member" not in html


def test_days_since_the_last_check_in_count_on_as_time_passes(add_goal, seen):
    add_goal(check_ins=[(None, 3, utcnow() - timedelta(days=2))])
    assert "(2 days ago)" in seen("/t/crew/")
    with time_machine.travel(utcnow() + timedelta(days=1)):
        html = seen("/t/crew/")
    assert "(3 days ago)" in html and "(2 days ago)" not in html


def test_a_process_keeps_a_bounded_number_of_cards(app, add_goal, seen, monkeypatch):
    monkeypatch.setattr(cards, "CARDS_KEPT", 2)
    for n in range(3):
        add_goal(f"Goal {n}")
    html = seen("/t/crew/")
    assert all(f"Goal {n}" in html for n in range(3))
    assert len(app.extensions["teamkit.goal_cards"]) <= 2
