"""The OpenAPI document and the server agree: schemathesis checks every operation.

Cases are generated from the app's own /api/openapi.json and sent as an owner of a team
with goals, check-ins, reminders, members and invites, so operations reach their real
work instead of stopping at a 404. Every check schemathesis has runs, on a bounded number
of examples per operation; an endpoint added later is held to the document too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from boards import conformance as conformance_boards
from digests import conformance as conformance_digests
from digests.servers import SmtpServer
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from pulses import conformance as conformance_pulses
from retros import conformance as conformance_retros
from schemathesis import GenerationMode
from schemathesis.specs.openapi.schemas import OpenApiSchema
from slack_app import conformance as conformance_slack
from teams import conformance as conformance_teams

from teamkit.db import job_session
from teamkit.goals.checkins import record_check_in
from teamkit.goals.reinforcements import record_reinforcement
from teamkit.goals.services import Measure, create_goal
from teamkit.teams.models import Membership, Role

#: Examples per operation: enough to find a mismatch, few enough for every run.
EXAMPLES = 25
#: Each capability's part: `seed(app, api, path_values) -> dict` makes its data and returns
#: its path values; `fix_positive(operation, case, path_values)` puts in a valid case the
#: values JSON Schema can't describe (an id the API gave out, a name of this team's).
CAPABILITY_MODULES = (
    conformance_teams,
    conformance_pulses,
    conformance_retros,
    conformance_boards,
    conformance_digests,
    conformance_slack,
)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def api_schema(
    app: Flask, make: Any, api_as: Any, smtp: SmtpServer
) -> tuple[OpenApiSchema, dict[str, Any]]:
    """Return the app's schema, sending an owner's token, and the path values of its team.

    The app has a mail server, as a deployment does: operations that send mail (an
    invite emailed) do their real work instead of answering that none is set up.
    """
    app.config["TEAMKIT"]["SMTP_URL"] = smtp.url
    app.config["TEAMKIT"]["MAIL_FROM"] = "teamkit <teamkit@teamkit.test>"
    owner = make.person(name="Ada Owner")
    team = make.team(owner, slug="core", name="Core team")
    make.member(team, make.person(name="Mia Member"), Role.MEMBER)
    make.member(team, make.person(name="Fay Facilitator"), Role.FACILITATOR)
    api = api_as(owner)
    with app.app_context(), job_session(app) as db:
        me = db.query(Membership).filter_by(person_id=owner.id, team_id=team.id).one()
        goal = create_goal(
            db, me, title="Answer fast", why="People wait.", measure=Measure(800, 200, "ms")
        )
        create_goal(db, me, title="Ship daily", why="Small changes are safe.", is_pinned=True)
        record_check_in(db, me, goal, value=640, note="Rota works.", confidence=4)
        record_reinforcement(db, goal, "review")
        goal_id = goal.id
        owner_membership = me.id
    assert api.post("/api/v1/teams/core/invites", json={"role": "member"}).status_code == 201
    path_values: dict[str, Any] = {
        "slug": "core",
        "goal_id": goal_id,
        "membership_id": owner_membership,
    }
    # Each capability's own data, so its operations reach their real work too.
    for module in CAPABILITY_MODULES:
        path_values |= module.seed(app, api, path_values)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.config.update(headers={"Authorization": f"Bearer {api.token}"})
    return schema, path_values


def _check(operation: Any, mode: GenerationMode, path_values: dict[str, Any]) -> str | None:
    """Run EXAMPLES cases of `operation` in `mode`; return the first failure, or None."""
    names = {p.name for p in operation.path_parameters}
    for module in CAPABILITY_MODULES:
        adjust = getattr(module, "path_values_for", None)
        if adjust is not None:
            path_values = adjust(operation, path_values)
    strategy = operation.as_strategy(
        mode, path_parameters={k: v for k, v in path_values.items() if k in names}
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            # Values JSON Schema can't describe: a cursor is opaque and an owner_id names a
            # member of this team, so only values the API gave out are valid. Made-up ones
            # are a documented 422, sent in negative cases.
            if case.query:
                case.query.pop("cursor", None)
            if isinstance(case.body, dict) and case.body.get("owner_id") is not None:
                case.body["owner_id"] = path_values["membership_id"]
            # An address must be one mail can reach: not a special-use name (".test", ".local").
            body = case.body if isinstance(case.body, dict) else {}
            if operation.path.endswith("/invites") and body.get("email") is not None:
                body["email"] = "invitee@example.com"
            # A rule across fields, which JSON Schema can't state: a target is not its start.
            measure = case.body.get("measure") if isinstance(case.body, dict) else None
            if isinstance(measure, dict) and measure.get("start") == measure.get("target"):
                measure["target"] = (measure.get("start") or 0) + 1
            for module in CAPABILITY_MODULES:
                module.fix_positive(operation, case, path_values)
        case.call_and_validate()

    try:
        run()
    except Unsatisfiable:
        # Nothing of it can be made invalid (no body, no query; the path is fixed above).
        assert mode is GenerationMode.NEGATIVE, operation.label
    except (Exception, BaseExceptionGroup) as error:  # the failing checks, with the request
        return f"{operation.label} ({mode.value}): {error}"
    return None


def test_every_operation_answers_as_the_openapi_document_says(
    api_schema: tuple[OpenApiSchema, dict[str, Any]],
) -> None:
    schema, path_values = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _check(operation, mode, path_values)) is not None
    ]
    assert failures == [], "\n\n".join(failures)
