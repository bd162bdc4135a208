"""The Slack page and the account page's Slack block issue a fixed number of statements,
whatever the number of the person's teams with a connected Slack app (once each match is
kept)."""

from __future__ import annotations

from typing import Any

import pytest
from digests.servers import SlackApiStandIn
from flask import Flask

from teamkit.teams.models import Role

from .conftest import CHANNEL, SECRET, TOKEN

BODY = {"bot_token": TOKEN, "signing_secret": SECRET, "channel": CHANNEL}


def _connected_team(make: Any, api_as: Any, owner: Any, member: Any, n: int) -> None:
    slug = f"team-{n}"
    team = make.team(owner, slug=slug, name=f"Team {n}")
    make.member(team, member, Role.MEMBER)
    answer = api_as(owner).put(f"/api/v1/teams/{slug}/slack", json=BODY)
    assert answer.status_code == 200, answer.get_json()


@pytest.mark.parametrize("page", ["/account", "/t/team-0/slack"])
@pytest.mark.parametrize("who", ["owner", "member"])
def test_a_slack_page_costs_the_same_statements_for_more_teams(
    slack_app: Flask,
    make: Any,
    api_as: Any,
    portal_of: Any,
    count_queries: Any,
    slack_api: SlackApiStandIn,
    page: str,
    who: str,
) -> None:
    owner = make.person(name="Ada", email="ada@example.com")
    member = make.person(name="Max", email="max@example.com")
    slack_api.add_user("ada@example.com", "U0ADA", "Ada")
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    _connected_team(make, api_as, owner, member, 0)
    portal = portal_of(owner if who == "owner" else member)
    portal.client.get(page)  # warm up, and every match looked up and kept
    with count_queries() as small:
        assert portal.client.get(page).status_code == 200
    for n in range(1, 6):
        _connected_team(make, api_as, owner, member, n)
    portal.client.get(page)
    with count_queries() as big:
        assert portal.client.get(page).status_code == 200
    assert big.count == small.count, "\n".join(big.statements)
