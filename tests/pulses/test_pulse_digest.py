"""The pulses section of the digest: what to answer, fresh results above the threshold only,
and replies carried once.

It needs `teamkit.sections` (the digests capability's core module); until that is merged
these tests are skipped.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from teamkit.db import job_session
from teamkit.pulses import replies, services
from teamkit.pulses.models import PulseComment, PulseReply

from .conftest import NOW, membership

sections = pytest.importorskip("teamkit.sections")
from teamkit.pulses.digest import digest_section  # noqa: E402

LATER = NOW + timedelta(days=8)


def _section(app, squad, now):
    context = sections.SectionContext(now=now, base_url="http://teamkit.test", app=app)
    with app.app_context(), job_session(app) as session:
        return digest_section(session, squad.team, context)


def test_no_pulse_means_no_section(app, squad):
    assert _section(app, squad, NOW) is None


def test_an_open_pulse_asks_for_answers_with_counts_only(app, acting, squad):
    pulse_id = acting.open()
    acting.answer(squad.members[0], pulse_id)
    section = _section(app, squad, NOW)
    (item,) = section.items
    assert item.title == "Open: Team psychological safety"
    assert item.lines[0].startswith("1 of 8 answered")
    assert item.link.url == f"http://teamkit.test/t/squad/pulses/{pulse_id}"


def test_results_under_the_threshold_stay_hidden_in_the_digest(app, acting, squad):
    pulse_id = acting.open()
    for person in squad.everyone[:4]:
        acting.answer(person, pulse_id, comment="Only four of us")
    acting.close(pulse_id)
    section = _section(app, squad, LATER)
    text = " ".join(line for item in section.items for line in (item.title, *item.lines))
    assert "at least 5 people" in text
    assert "Score" not in text and "Only four of us" not in text


def test_results_and_replies_go_out_once(app, acting, squad):
    pulse_id = acting.open()
    for person in squad.everyone[:5]:
        acting.answer(person, pulse_id, comment="More pairing")
    acting.close(pulse_id)
    with app.app_context(), job_session(app) as session:
        comment_id = session.scalars(select(PulseComment.id)).first()
        actor = membership(session, squad.team, squad.facilitator)
        pulse = services.get_pulse(session, squad.team, pulse_id)
        replies.add_reply(
            session, actor, pulse, text="Pairing Tuesdays", comment_id=comment_id, now=LATER
        )
    section = _section(app, squad, LATER)
    titles = [item.title for item in section.items]
    assert titles[0] == "Results: Team psychological safety"
    assert section.items[0].lines[0].startswith("Score 4.0")
    assert "You said: “More pairing”" in titles
    with app.app_context(), job_session(app) as session:
        section.on_delivery(session, ("email",), LATER)
    with app.app_context(), job_session(app) as session:
        assert session.scalar(select(PulseReply.offered_at)) is not None
    again = _section(app, squad, LATER)
    assert [item.title for item in again.items] == ["Results: Team psychological safety"]


def test_a_reply_not_marked_done_goes_out_as_what_we_will_do(app, acting, squad):
    pulse_id = acting.open()
    for person in squad.everyone[:5]:
        acting.answer(person, pulse_id)
    acting.close(pulse_id)
    with app.app_context(), job_session(app) as session:
        actor = membership(session, squad.team, squad.facilitator)
        pulse = services.get_pulse(session, squad.team, pulse_id)
        replies.add_reply(session, actor, pulse, text="Pairing on Tuesdays", now=LATER)
    section = _section(app, squad, LATER)
    (note,) = [item for item in section.items if "Pairing on Tuesdays" in " ".join(item.lines)]
    assert note.title == "What we'll do"
    assert note.lines[0].startswith("We'll do: Pairing on Tuesdays")
    assert not any("We did" in line for item in section.items for line in item.lines)
