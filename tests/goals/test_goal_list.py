"""The goals list: every card's links and buttons lead to its own goal, built cheaply."""

from __future__ import annotations

import re

import pytest
from clients import CSRF_RE
from flask import url_for

from teamkit.goals.views import GoalUrls

STAND_IN = GoalUrls.STAND_IN


@pytest.mark.parametrize("slug", ["crew", f"team-{STAND_IN}", STAND_IN])
@pytest.mark.parametrize("goal_id", [1, 42, 2**31 - 1])
def test_a_goal_url_is_the_one_url_for_builds(app, slug, goal_id):
    endpoints = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("goals.") and "goal_id" in rule.arguments
    ]
    assert "goals.show" in endpoints and "goals.move_up" in endpoints
    with app.test_request_context():
        goal_url = GoalUrls(slug)
        for endpoint in endpoints:
            expected = url_for(endpoint, slug=slug, goal_id=goal_id)
            assert goal_url(endpoint, goal_id) == expected


def _cards(html: str) -> list[str]:
    return re.findall(r"<li>\s*<article.*?</li>", html, re.S)


def test_each_card_on_the_goals_list_links_and_posts_to_its_own_goal(crew, login_as, add_goal):
    ids = [add_goal(title) for title in ("one", "two", "three")]
    html = login_as(crew.facilitator).client.get("/t/crew/goals").get_data(as_text=True)
    cards = _cards(html)
    assert len(cards) == 3
    for goal_id, title, card in zip(ids, ("one", "two", "three"), cards, strict=True):
        base = f"/t/crew/goals/{goal_id}"
        assert f'<a href="{base}">{title}</a>' in card
        assert f'href="{base}/edit">Edit<span class="visually-hidden"> {title}</span>' in card
        assert f'action="{base}/archive"' in card
    assert f'action="/t/crew/goals/{ids[0]}/move-down"' in cards[0]
    assert f'action="/t/crew/goals/{ids[2]}/move-up"' in cards[2]


def test_every_button_on_the_goals_list_carries_a_csrf_token_that_works(crew, login_as, add_goal):
    first, second = add_goal("one"), add_goal("two")
    client = login_as(crew.facilitator).client
    html = client.get("/t/crew/goals").get_data(as_text=True)
    forms = dict(re.findall(r'<form method="post" action="(/t/[^"]+)"(.*?)</form>', html, re.S))
    assert len(forms) == 4  # a move button and an archive button a goal
    tokens = {action: CSRF_RE.findall(inner) for action, inner in forms.items()}
    assert all(len(found) == 1 for found in tokens.values()), tokens
    action = f"/t/crew/goals/{second}/move-up"
    response = client.post(action, data={"csrf_token": tokens[action][0]})
    assert response.status_code == 303
    listed = client.get("/t/crew/goals").get_data(as_text=True)
    assert listed.index(f'/t/crew/goals/{second}"') < listed.index(f'/t/crew/goals/{first}"')
