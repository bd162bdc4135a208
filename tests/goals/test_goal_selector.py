"""The resurfacing selector: which goals a digest features."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teamkit.goals import services
from teamkit.goals.checkins import record_check_in
from teamkit.goals.models import GoalSettings
from teamkit.goals.reinforcements import mark_reviewed, record_reinforcement
from teamkit.goals.selector import select_goals_to_resurface
from teamkit.teams.models import Membership, Role, Team

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def _goal(session, actor, title, **fields):
    goal = services.create_goal(session, actor, title=title, why="Because it matters.", **fields)
    goal.created_at = NOW - timedelta(days=3)
    return goal


def _titles(goals):
    return [goal.title for goal in goals]


def _select(session, team, now=NOW, **options):
    options.setdefault("stale_days", 14)
    options.setdefault("near_days", 14)
    return select_goals_to_resurface(session, team, now, **options)


def test_pinned_goals_are_featured_first_and_the_rest_rotate(session, crew, as_member):
    owner = as_member(crew.owner)
    _goal(session, owner, "North star", is_pinned=True)
    for title in "abcd":
        _goal(session, owner, title)
    crew.team = session.merge(crew.team)
    session.merge(GoalSettings(team_id=crew.team.id, goals_per_digest=3))
    first = _select(session, crew.team)
    assert _titles(first) == ["North star", "a", "b"]
    for goal in first:
        record_reinforcement(session, goal, "email", at=NOW)
    assert _titles(_select(session, crew.team, NOW + WEEK)) == ["North star", "c", "d"]


def test_pinned_goals_never_take_every_slot(session, crew, as_member):
    owner = as_member(crew.owner)
    for title in ("star 1", "star 2", "star 3"):
        _goal(session, owner, title, is_pinned=True)
    _goal(session, owner, "rotating")
    featured = _select(session, session.merge(crew.team), limit=3)
    assert len(featured) == 3
    assert "rotating" in _titles(featured)


def test_pinned_goals_take_turns_when_there_are_as_many_as_slots(session, crew, as_member):
    owner = as_member(crew.owner)
    for title in ("star 1", "star 2"):
        _goal(session, owner, title, is_pinned=True)
    _goal(session, owner, "rotating")
    team = session.merge(crew.team)
    first = _select(session, team, limit=2)
    assert _titles(first) == ["star 1", "rotating"]
    for goal in first:
        record_reinforcement(session, goal, "email", at=NOW)
    assert _titles(_select(session, team, NOW + WEEK, limit=2)) == ["star 2", "rotating"]


def test_with_one_slot_no_pinned_goal_is_featured_while_others_are_active(session, crew, as_member):
    owner = as_member(crew.owner)
    _goal(session, owner, "star", is_pinned=True)
    _goal(session, owner, "rotating")
    assert _titles(_select(session, session.merge(crew.team), limit=1)) == ["rotating"]


def test_pinned_goals_fill_every_slot_when_no_other_goal_is_active(session, crew, as_member):
    owner = as_member(crew.owner)
    for title in ("star 1", "star 2"):
        _goal(session, owner, title, is_pinned=True)
    assert _titles(_select(session, session.merge(crew.team), limit=3)) == ["star 1", "star 2"]


def test_least_recently_reinforced_goal_comes_first(session, crew, as_member):
    owner = as_member(crew.owner)
    recent, old, _never = (_goal(session, owner, t) for t in ("recent", "old", "never"))
    record_reinforcement(session, recent, "email", at=NOW - timedelta(days=1))
    record_reinforcement(session, old, "slack", at=NOW - timedelta(days=20))
    team = session.merge(crew.team)
    assert _titles(_select(session, team, limit=3)) == ["never", "old", "recent"]
    assert _titles(_select(session, team, limit=1)) == ["never"]


def test_goals_last_shown_at_the_same_instant_come_in_the_order_they_were_shown(
    session, crew, as_member
):
    owner = as_member(crew.owner)
    reviewed = _goal(session, owner, "reviewed just now")
    urgent = _goal(session, owner, "urgent", target_date=NOW.date())
    record_reinforcement(session, reviewed, "review", at=NOW)
    team = session.merge(crew.team)
    assert _titles(_select(session, team, limit=1)) == ["urgent"]
    record_reinforcement(session, urgent, "email", at=NOW)
    assert _titles(_select(session, team, NOW + WEEK, limit=1)) == ["reviewed just now"]


def test_stale_check_in_or_near_target_date_raises_a_goal_never_shown_yet(session, crew, as_member):
    owner = as_member(crew.owner)
    calm = _goal(session, owner, "calm")
    record_check_in(session, owner, calm, confidence=4, at=NOW - timedelta(days=1))
    stale = _goal(session, owner, "stale")
    stale.created_at = NOW - timedelta(days=40)
    near = _goal(session, owner, "near", target_date=date(2026, 6, 5))
    record_check_in(session, owner, near, confidence=4, at=NOW - timedelta(days=1))
    assert _titles(_select(session, session.merge(crew.team), limit=2)) == ["stale", "near"]


def test_a_review_counts_as_a_reminder(session, crew, as_member):
    owner = as_member(crew.owner)
    reviewed = _goal(session, owner, "reviewed")
    _goal(session, owner, "other")
    mark_reviewed(session, as_member(crew.facilitator), reviewed, at=NOW)
    assert _titles(_select(session, session.merge(crew.team), limit=1)) == ["other"]


def test_achieved_dropped_and_archived_goals_are_never_featured(session, crew, as_member):
    owner = as_member(crew.owner)
    active = _goal(session, owner, "active")
    for status in ("achieved", "dropped"):
        services.update_goal(session, owner, _goal(session, owner, status), {"status": status})
    services.archive_goal(session, owner, _goal(session, owner, "archived", is_pinned=True))
    assert _select(session, session.merge(crew.team), limit=5) == [active]


# ---------------------------------------------------------------- the property

_teams = itertools.count(1)


def _new_team(session, owner_membership: Membership) -> tuple[Team, Membership]:
    """Make a fresh team in `session` (one per example: examples share a transaction)."""
    team = Team(name="Property", slug=f"property-{next(_teams)}")
    actor = Membership(team=team, person_id=owner_membership.person_id, role=Role.OWNER)
    session.add_all([team, actor])
    session.flush()
    return team, actor


#: Goals as (title, position, pinned, days to target, reminders and check-ins as days ago).
SAME_GOALS = [
    ("star A", 1, True, None, [9], []),
    ("star B", 2, True, None, [2], [3]),
    ("fresh", 3, False, None, [], [1]),
    ("stale", 4, False, None, [], [40, 20]),
    ("near", 5, False, 5, [], []),
    ("also fresh", 6, False, None, [], [2]),
    ("shown long ago", 7, False, None, [30, 12], [4, 1]),
    ("shown longer ago", 8, False, None, [15], []),
]


def _team_with_same_goals(session, owner_membership, *, reverse):
    """Make a team with SAME_GOALS, inserting goals, reminders and check-ins in either order."""
    team, actor = _new_team(session, owner_membership)
    step = -1 if reverse else 1
    goals = {}
    for title, position, is_pinned, target_in_days, _, _ in SAME_GOALS[::step]:
        target = (NOW + timedelta(days=target_in_days)).date() if target_in_days else None
        goals[title] = _goal(session, actor, title, is_pinned=is_pinned, target_date=target)
        goals[title].position = position  # the team's order, whatever the order of creation
    events = [
        (goals[title], kind, days)
        for title, _, _, _, reminders, check_ins in SAME_GOALS
        for kind, days_ago in (("reminder", reminders), ("check-in", check_ins))
        for days in days_ago
    ]
    for goal, kind, days in events[::step]:
        if kind == "reminder":
            record_reinforcement(session, goal, "email", at=NOW - timedelta(days=days))
        else:
            record_check_in(session, actor, goal, confidence=3, at=NOW - timedelta(days=days))
    return team


def test_the_same_goals_reminders_and_check_ins_give_the_same_selection(session, crew, as_member):
    """Ids and insertion order differ between the teams; positions and times don't."""
    owner = as_member(crew.owner)
    forward = _team_with_same_goals(session, owner, reverse=False)
    backward = _team_with_same_goals(session, owner, reverse=True)
    for slots in range(1, len(SAME_GOALS) + 1):
        selected = _titles(_select(session, forward, limit=slots))
        assert _titles(_select(session, backward, limit=slots)) == selected, f"{slots} slots"


goal_shape = st.fixed_dictionaries(
    {
        # Days since the last reinforcement before the first digest (None: never shown).
        "shown_days_ago": st.none() | st.integers(0, 60),
        "checked_in_days_ago": st.none() | st.integers(0, 60),
        "target_in_days": st.none() | st.integers(-10, 60),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    unpinned=st.lists(goal_shape, min_size=1, max_size=9),
    pinned=st.lists(goal_shape, max_size=3),
    inactive=st.lists(st.sampled_from(["achieved", "dropped", "archived"]), max_size=3),
    slots=st.integers(1, 5),
    gaps=st.lists(st.integers(1, 14 * 24), min_size=12, max_size=12),
)
def test_every_active_goal_is_featured_within_ceil_u_over_s_digests(
    session, crew, as_member, unpinned, pinned, inactive, slots, gaps
):
    """With u active unpinned goals and s rotating slots, any ceil(u/s) digests in a row
    feature every one of them, and never an achieved, dropped or archived goal."""
    team, actor = _new_team(session, as_member(crew.owner))
    session.merge(GoalSettings(team_id=team.id, goals_per_digest=slots))

    def add(index, shape, **fields):
        target = shape["target_in_days"]
        goal = _goal(
            session,
            actor,
            f"goal {index}",
            target_date=(NOW + timedelta(days=target)).date() if target is not None else None,
            **fields,
        )
        goal.created_at = NOW - timedelta(days=90)
        if shape["shown_days_ago"] is not None:
            at = NOW - timedelta(days=shape["shown_days_ago"], minutes=index)
            record_reinforcement(session, goal, "email", at=at)
        if shape["checked_in_days_ago"] is not None:
            at = NOW - timedelta(days=shape["checked_in_days_ago"])
            record_check_in(session, actor, goal, confidence=3, at=at)
        return goal

    rotating = {add(i, shape).id for i, shape in enumerate(unpinned)}
    for i, shape in enumerate(pinned):
        add(100 + i, shape, is_pinned=True)
    hidden = set()
    for i, kind in enumerate(inactive):
        goal = add(
            200 + i, {"shown_days_ago": None, "checked_in_days_ago": None, "target_in_days": 1}
        )
        if kind == "archived":
            services.archive_goal(session, actor, goal)
        else:
            services.update_goal(session, actor, goal, {"status": kind})
        hidden.add(goal.id)

    pinned_slots = min(len(pinned), slots - 1)
    rotating_slots = slots - pinned_slots
    window = math.ceil(len(rotating) / rotating_slots)

    featured_rounds = []
    now = NOW
    for hours in gaps:
        featured = select_goals_to_resurface(session, team, now, stale_days=14, near_days=14)
        ids = [goal.id for goal in featured]
        assert len(ids) == len(set(ids)) == min(slots, len(pinned) + len(rotating))
        assert not hidden & set(ids)
        assert sum(goal.is_pinned for goal in featured) == pinned_slots
        featured_rounds.append(set(ids) & rotating)
        for goal in featured:
            record_reinforcement(session, goal, "email", at=now)
        now += timedelta(hours=hours)

    for start in range(len(featured_rounds) - window + 1):
        seen = set().union(*featured_rounds[start : start + window])
        assert seen == rotating, f"digests {start}..{start + window - 1} missed {rotating - seen}"
