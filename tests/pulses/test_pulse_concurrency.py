"""Many members answering one pulse at the same moment: none lost, nobody counted twice."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from teamkit.db import job_session
from teamkit.errors import Conflict
from teamkit.pulses import answers as answering
from teamkit.pulses import services
from teamkit.pulses.models import PulseAnswer, PulseAnswerValue, PulseParticipation

from .conftest import NOW, Acting, make_squad, membership

MEMBERS = 200
#: People who press "send" twice, at the same moment as everyone else.
TWICE = 20


def test_two_hundred_members_answering_at_once_leave_two_hundred_answers(app):
    squad = make_squad(app, MEMBERS - 2, slug="crowd")
    acting = Acting(app, squad)
    pulse_id = acting.open()
    people = squad.everyone + squad.everyone[:TWICE]
    start = threading.Barrier(len(people))
    outcomes: list[str] = []
    lock = threading.Lock()

    def answer(person) -> None:
        start.wait()
        try:
            with app.app_context(), job_session(app) as session:
                actor = membership(session, squad.team, person)
                pulse = services.get_pulse(session, squad.team, pulse_id)
                answers = {str(item.id): 1 + person.id % 7 for item in pulse.items}
                answering.submit_answer(session, actor, pulse, answers=answers, now=NOW)
            outcome = "stored"
        except Conflict:
            outcome = "refused"
        except Exception as error:  # any other error is the failure this test looks for
            outcome = f"error: {error!r}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=answer, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(set(outcomes)) == ["refused", "stored"], [o for o in outcomes if "error" in o][:3]
    assert outcomes.count("stored") == MEMBERS and outcomes.count("refused") == TWICE
    with app.app_context(), job_session(app) as session:
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert count(PulseParticipation) == MEMBERS
        assert count(PulseAnswer) == MEMBERS
        assert count(PulseAnswerValue) == MEMBERS * 7
        assert services.response_counts(session, [pulse_id]) == {pulse_id: MEMBERS}


def test_members_answering_at_once_through_the_api_never_get_a_server_error(app, make):
    from teamkit.auth.services import create_api_token

    squad = make_squad(app, 38, slug="crowd")
    pulse_id = Acting(app, squad)(squad.facilitator, services.open_pulse).id  # open now
    tokens = {}
    with app.app_context(), job_session(app) as session:
        for person in squad.everyone:
            _token, plain = create_api_token(session, session.merge(person), "load")
            tokens[person.id] = plain
        pulse = services.get_pulse(session, squad.team, pulse_id)
        body = {"answers": {str(item.id): 4 for item in pulse.items}}
    people = squad.everyone + squad.everyone[:5]
    start = threading.Barrier(len(people))
    statuses: list[int] = []
    lock = threading.Lock()

    def post(person) -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            f"/api/v1/teams/crowd/pulses/{pulse_id}/answers",
            json=body,
            headers={"Authorization": f"Bearer {tokens[person.id]}"},
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(set(statuses)) == [201, 409]
    assert statuses.count(201) == 40 and statuses.count(409) == 5
    with app.app_context(), job_session(app) as session:
        assert session.scalar(select(func.count()).select_from(PulseAnswer)) == 40
