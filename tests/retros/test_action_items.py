"""Action items, without HTTP: owners, due dates, closing, the team's lists and counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from teamkit.errors import Forbidden, InvalidInput
from teamkit.goals.services import create_goal
from teamkit.retros import actions, services
from teamkit.retros.models import ActionItem, ActionStatus

TODAY = date(2026, 12, 1)


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def retro(session, crew, as_member):
    return services.create_retro(session, as_member(crew.member), title="Disk full")


def _item(session, actor, retro, **fields):
    fields.setdefault("title", "Alert at 80% disk")
    fields.setdefault("owner_id", actor.id)
    return actions.create_action_item(session, actor, retro, **fields)


def test_any_member_adds_an_item_owned_by_a_member(session, crew, as_member, retro):
    member = as_member(crew.member)
    item = _item(session, member, retro, owner_id=as_member(crew.owner).id, due_date="2026-12-24")
    assert item.status is ActionStatus.OPEN
    assert item.owner is not None and item.owner.person.name == "Grace Hopper"
    assert item.due_date == date(2026, 12, 24)
    assert item.team_id == crew.team.id and item.retro_id == retro.id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"owner_id": None}, "owner_id"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"due_date": "next friday"}, "due_date"),
        ({"due_date": "2026-02-30"}, "due_date"),
        ({"goal_id": 999_999}, "goal_id"),
    ],
)
def test_bad_action_items_are_refused_and_nothing_is_written(
    session, crew, as_member, retro, fields, field
):
    with pytest.raises(InvalidInput) as error:
        _item(session, as_member(crew.member), retro, **fields)
    assert field in error.value.errors
    assert _count(session, ActionItem) == 0


def test_an_owner_from_another_team_is_refused(session, crew, as_member, make):
    other = make.team(slug="elsewhere")
    stranger = make.member(other)
    retro = services.create_retro(session, as_member(crew.member), title="Disk full")
    with pytest.raises(InvalidInput) as error:
        _item(session, as_member(crew.member), retro, owner_id=as_member(stranger, other).id)
    assert error.value.errors == {"owner_id": actions.OWNER_MESSAGE}
    with pytest.raises(InvalidInput):
        actions.member_id_for_email(session, crew.team, stranger.email)
    assert (
        actions.member_id_for_email(session, crew.team, " ADA@example.com ")
        == as_member(crew.member).id
    )


def test_a_goal_of_another_team_is_refused(session, crew, as_member, make):
    other_owner = make.person()
    other = make.team(other_owner, slug="goals-elsewhere")
    retro = services.create_retro(session, as_member(crew.member), title="Disk full")
    goal = create_goal(session, as_member(other_owner, other), title="Theirs", why="Because.")
    with pytest.raises(InvalidInput) as error:
        _item(session, as_member(crew.member), retro, goal_id=goal.id)
    assert error.value.errors == {"goal_id": actions.GOAL_MESSAGE}


def test_the_goal_lists_the_items_that_serve_it(session, crew, as_member, retro):
    owner = as_member(crew.owner)
    goal = create_goal(session, owner, title="Nobody waits", why="Customers stay.")
    served = _item(session, owner, retro, goal_id=goal.id)
    _item(session, owner, retro, title="Unrelated")
    assert actions.items_serving_goal(session, goal) == [served]


def test_only_the_owner_and_facilitators_change_an_item(session, crew, as_member, retro):
    owner_member = as_member(crew.member)
    item = _item(session, as_member(crew.owner), retro)  # owned by Grace, the team's owner
    with pytest.raises(Forbidden) as error:
        actions.update_action_item(session, owner_member, item, {"status": "in_progress"})
    assert str(error.value) == (
        "Only owners and facilitators can change an action item someone else owns."
    )
    actions.update_action_item(
        session, as_member(crew.facilitator), item, {"owner_id": owner_member.id}
    )
    actions.update_action_item(session, owner_member, item, {"status": "in_progress"})
    assert item.status is ActionStatus.IN_PROGRESS


def test_closing_an_item_takes_a_note_and_reopening_keeps_it(session, crew, as_member, retro):
    member = as_member(crew.member)
    item = _item(session, member, retro)
    with pytest.raises(InvalidInput) as error:
        actions.update_action_item(session, member, item, {"status": "wont_do"})
    assert error.value.errors == {"closing_note": actions.CLOSING_NOTE_MISSING}
    assert item.status is ActionStatus.OPEN
    actions.update_action_item(
        session, member, item, {"status": "done", "closing_note": "Alert added in #412."}
    )
    assert item.status.is_closed and item.closed_at is not None
    actions.update_action_item(session, member, item, {"status": "open"})
    assert item.closed_at is None and item.closing_note == "Alert added in #412."


def test_the_team_list_filters_by_status_owner_and_overdue(session, crew, as_member, retro):
    member, owner = as_member(crew.member), as_member(crew.owner)
    late = _item(session, member, retro, title="Late", due_date=TODAY - timedelta(days=1))
    later = _item(session, owner, retro, title="Later", due_date=TODAY + timedelta(days=9))
    undated = _item(session, owner, retro, title="Undated")
    done = _item(session, member, retro, title="Done", due_date=TODAY - timedelta(days=30))
    actions.update_action_item(session, member, done, {"status": "done", "closing_note": "Ok"})

    def titles(**filters):
        return [
            i.title for i in actions.list_action_items(session, crew.team, today=TODAY, **filters)
        ]

    assert titles() == ["Late", "Later", "Undated", "Done"]
    assert titles(overdue=True) == ["Late"]
    assert titles(owner_id=owner.id) == ["Later", "Undated"]
    assert titles(status=ActionStatus.DONE) == ["Done"]
    assert late.is_overdue(TODAY) and not later.is_overdue(TODAY) and not done.is_overdue(TODAY)
    assert not undated.is_overdue(TODAY)


def test_counts_of_open_and_overdue_items_and_the_viewers_own(session, crew, as_member, retro):
    member, owner = as_member(crew.member), as_member(crew.owner)
    _item(session, member, retro, due_date=TODAY - timedelta(days=2))
    _item(session, member, retro)
    _item(session, owner, retro, due_date=TODAY - timedelta(days=1))
    closed = _item(session, owner, retro, due_date=TODAY - timedelta(days=1))
    actions.update_action_item(session, owner, closed, {"status": "wont_do", "closing_note": "No"})
    assert actions.count_action_items(session, member, today=TODAY) == actions.ActionCounts(
        open=3, overdue=2, mine_open=2, mine_overdue=1
    )
    assert actions.count_action_items(session, as_member(crew.facilitator), today=TODAY) == (
        actions.ActionCounts(open=3, overdue=2, mine_open=0, mine_overdue=0)
    )


def test_a_new_retro_lists_the_open_items_of_earlier_ones(session, crew, as_member, retro):
    member = as_member(crew.member)
    still_open = _item(session, member, retro, title="Still open")
    finished = _item(session, member, retro, title="Finished")
    actions.update_action_item(session, member, finished, {"status": "done", "closing_note": "Y"})
    later = services.create_retro(session, member, title="Second incident")
    _item(session, member, later, title="Of the new retro")
    assert actions.open_items_from_earlier_retros(session, later) == [still_open]
    assert actions.open_items_from_earlier_retros(session, retro) == []


def test_open_items_group_by_owner_with_overdue_first(session, crew, as_member, retro):
    member, owner = as_member(crew.member), as_member(crew.owner)
    _item(session, member, retro, title="Ada later", due_date=TODAY + timedelta(days=3))
    _item(session, owner, retro, title="Grace soon", due_date=TODAY + timedelta(days=1))
    _item(session, member, retro, title="Ada late", due_date=TODAY - timedelta(days=3))
    groups = actions.open_items_by_owner(session, crew.team, today=TODAY)
    assert [(g.owner.person.name, g.overdue, [i.title for i in g.items]) for g in groups] == [
        ("Ada Lovelace", 1, ["Ada late", "Ada later"]),
        ("Grace Hopper", 0, ["Grace soon"]),
    ]
