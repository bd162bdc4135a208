"""The sample capability's parts: what a real capability spreads over its modules."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app
from flask_smorest import Blueprint as ApiBlueprint
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.teams.guard import current_team
from teamkit.teams.models import Membership, Team

bp = Blueprint("sample", __name__, template_folder="templates")
blp = ApiBlueprint("sample_api", __name__, description="The sample capability.")
#: What the demo seeder and the job were called with, for the tests to read.
CALLS: list[str] = []


@bp.get("/t/<slug>/sample")
def page(slug: str) -> str:
    return f"{current_app.config['TEAMKIT']['SAMPLE_GREETING']}, {current_team().name}"


@blp.get("/teams/<slug>/sample")
@blp.response(200)
def api_page(slug: str) -> dict[str, Any]:
    """Say hello to the team."""
    return {"greeting": current_app.config["TEAMKIT"]["SAMPLE_GREETING"]}


def home_context(session: Session, membership: Membership) -> dict[str, Any]:
    return {"who": membership.person.name}


def account_context(session: Session, person: Person) -> dict[str, Any]:
    return {"email": person.email}


def seed(session: Session, team: Team, people: list[Person]) -> None:
    CALLS.append(f"seed {team.slug} {len(people)}")


def tick(app: Flask) -> None:
    CALLS.append("tick")
