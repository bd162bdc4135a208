"""Retro services, without HTTP: writing, the workflow, the history, timeline and factors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from teamkit import validation
from teamkit.errors import Conflict, Forbidden, InvalidInput
from teamkit.retros import actions, review, services, timeline
from teamkit.retros import settings as retro_settings
from teamkit.retros.edits import history
from teamkit.retros.models import (
    ContributingFactor,
    FactorCategory,
    Retro,
    RetroEdit,
    RetroStatus,
    TimelineKind,
)

START = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def _retro(session, actor, **fields):
    fields.setdefault("title", "Checkout down for 40 minutes")
    return services.create_retro(session, actor, **fields)


def test_any_member_writes_a_draft_with_incident_fields(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(
        session,
        member,
        summary="Payments timed out.",
        started_at="2026-11-30T14:00",
        ended_at=START + timedelta(minutes=40),
        severity="2",
        tags="Payments, database ,payments",
        participant_ids=[as_member(crew.owner).id, member.id],
    )
    assert retro.status is RetroStatus.DRAFT
    assert retro.format == "incident"
    assert retro.started_at == START
    assert retro.duration == timedelta(minutes=40)
    assert retro.severity == 2
    assert services.tags_of(session, retro) == ["database", "payments"]
    assert [m.person.name for m in services.participants_of(session, retro)] == [
        "Ada Lovelace",
        "Grace Hopper",
    ]


def test_an_unknown_format_is_refused(session, crew, as_member):
    with pytest.raises(InvalidInput) as error:
        _retro(session, as_member(crew.member), format="haiku")
    assert error.value.errors == {
        "format": "Choose one of: 4ls, incident, mad-sad-glad, start-stop-continue, team-format."
    }
    assert _count(session, Retro) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": START, "ended_at": START - timedelta(minutes=1)}, "ended_at"),
        ({"started_at": START, "ended_at": START}, "ended_at"),
        ({"severity": 5}, "severity"),
        ({"severity": "SEV1"}, "severity"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"participant_ids": [999_999]}, "participant_ids"),
        ({"summary": "x" * 20_001}, "summary"),
        ({"owner_id": 1}, "owner_id"),
    ],
)
def test_bad_retro_fields_are_named_and_nothing_is_written(session, crew, as_member, fields, field):
    with pytest.raises(InvalidInput) as error:
        _retro(session, as_member(crew.member), **fields)
    assert field in error.value.errors
    assert _count(session, Retro) == 0


def test_a_member_of_another_team_is_no_participant(session, crew, as_member, make):
    other = make.team(slug="other")
    stranger = make.member(other)
    with pytest.raises(InvalidInput):
        _retro(session, as_member(crew.member), participant_ids=[as_member(stranger, other).id])


def test_every_edit_keeps_who_which_field_when_old_and_new(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member, summary="First words.")
    changed = services.update_retro(
        session,
        as_member(crew.facilitator),
        retro,
        {"summary": "Better words.", "severity": 1, "title": retro.title, "tags": ["db"]},
    )
    assert changed == ["summary", "severity", "tags"]
    edits = {e.field: e for e in history(session, retro)}
    assert (edits["summary"].old_value, edits["summary"].new_value) == (
        "First words.",
        "Better words.",
    )
    assert (edits["severity"].old_value, edits["severity"].new_value) == (None, "SEV1")
    assert edits["tags"].new_value == "db"
    assert edits["summary"].person_id == crew.facilitator.id
    assert edits["created"].person_id == crew.member.id


def test_an_edit_that_changes_nothing_records_nothing(session, crew, as_member):
    retro = _retro(session, as_member(crew.member), summary="Same.")
    before = _count(session, RetroEdit)
    assert (
        services.update_retro(session, as_member(crew.owner), retro, {"summary": " Same. "}) == []
    )
    assert _count(session, RetroEdit) == before


def test_an_edit_ending_before_the_start_is_refused(session, crew, as_member):
    retro = _retro(session, as_member(crew.member), started_at=START)
    with pytest.raises(InvalidInput) as error:
        services.update_retro(
            session, as_member(crew.member), retro, {"ended_at": START - timedelta(hours=1)}
        )
    assert error.value.errors == {"ended_at": services.END_BEFORE_START}


def test_draft_goes_to_review_and_a_facilitator_publishes_it(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member, summary="What happened.")
    services.submit_for_review(session, member, retro)
    assert retro.status is RetroStatus.IN_REVIEW
    with pytest.raises(Forbidden) as error:
        services.publish_retro(session, member, retro)
    assert str(error.value) == "Only owners and facilitators can publish a retro."
    services.publish_retro(session, as_member(crew.facilitator), retro)
    assert retro.status is RetroStatus.PUBLISHED and retro.published_at is not None
    statuses = [(e.old_value, e.new_value) for e in history(session, retro) if e.field == "status"]
    assert statuses == [("In review", "Published"), ("Draft", "In review")]
    with pytest.raises(Conflict):
        services.publish_retro(session, as_member(crew.owner), retro)


def test_a_retro_without_a_summary_is_not_published(session, crew, as_member):
    retro = _retro(session, as_member(crew.member))
    with pytest.raises(InvalidInput) as error:
        services.publish_retro(session, as_member(crew.owner), retro)
    assert error.value.errors == {"summary": services.SUMMARY_MISSING}
    assert retro.status is RetroStatus.DRAFT


def test_only_facilitators_edit_a_published_retro(session, crew, as_member):
    retro = _retro(session, as_member(crew.member), summary="Done.")
    services.publish_retro(session, as_member(crew.owner), retro)
    with pytest.raises(Forbidden):
        services.update_retro(session, as_member(crew.member), retro, {"lessons": "More."})
    with pytest.raises(Forbidden):
        timeline.add_entry(
            session, as_member(crew.member), retro, occurred_at=START, note="Late note"
        )
    services.update_retro(session, as_member(crew.facilitator), retro, {"lessons": "More."})
    assert retro.lessons == "More."


def test_a_review_goes_back_to_draft(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member)
    with pytest.raises(Conflict):
        services.return_to_draft(session, member, retro)
    services.submit_for_review(session, member, retro)
    services.return_to_draft(session, member, retro)
    assert retro.status is RetroStatus.DRAFT


def test_teams_rename_their_severity_levels(session, crew, as_member):
    with pytest.raises(Forbidden):
        retro_settings.update_settings(session, as_member(crew.member), {"sev1_name": "Critical"})
    settings = retro_settings.update_settings(
        session, as_member(crew.facilitator), {"sev1_name": " Critical ", "sev2_name": "Major"}
    )
    assert settings.severity_names == {1: "Critical", 2: "Major", 3: "SEV3", 4: "SEV4"}
    retro = _retro(session, as_member(crew.member))
    services.update_retro(session, as_member(crew.member), retro, {"severity": 1})
    assert history(session, retro)[0].new_value == "Critical"


@pytest.mark.parametrize(
    "names",
    [{"sev1_name": ""}, {"sev1_name": "x" * 21}, {"sev1_name": "SEV2"}, {"sev5_name": "Tiny"}],
)
def test_bad_severity_names_are_refused(session, crew, as_member, names):
    with pytest.raises(InvalidInput):
        retro_settings.update_settings(session, as_member(crew.owner), names)
    assert retro_settings.get_settings(session, crew.team).severity_names[1] == "SEV1"


# ---------------------------------------------------------------- timeline and factors


def test_the_timeline_is_in_order_with_gaps_and_turning_points(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member, started_at=START)
    add = timeline.add_entry
    add(
        session,
        member,
        retro,
        occurred_at=START + timedelta(minutes=50),
        note="Rolled back",
        kind="mitigated",
    )
    add(
        session,
        member,
        retro,
        occurred_at=START + timedelta(minutes=5),
        note="Alert fired",
        kind="detected",
        author_id=member.id,
    )
    add(session, member, retro, occurred_at=START, note="Deploy started")
    rows = timeline.timeline_rows(
        timeline.list_entries(session, retro), gap=timedelta(minutes=30), started_at=START
    )
    assert [row.entry.note for row in rows] == ["Deploy started", "Alert fired", "Rolled back"]
    assert [row.gap_before for row in rows] == [None, None, timedelta(minutes=45)]
    assert [row.entry.kind for row in rows][1:] == [TimelineKind.DETECTED, TimelineKind.MITIGATED]
    assert rows[1].entry.author is not None and rows[1].entry.author.person.name == "Ada Lovelace"
    assert rows[2].since_start == timedelta(minutes=50)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_at": None}, "occurred_at"),
        ({"occurred_at": "noon"}, "occurred_at"),
        ({"note": " "}, "note"),
        ({"kind": "blamed"}, "kind"),
        ({"author_id": 999_999}, "author_id"),
    ],
)
def test_bad_timeline_entries_are_refused(session, crew, as_member, fields, field):
    values = {"occurred_at": START, "note": "Something", **fields}
    retro = _retro(session, as_member(crew.member))
    with pytest.raises(InvalidInput) as error:
        timeline.add_entry(session, as_member(crew.member), retro, **values)
    assert field in error.value.errors


def test_timeline_changes_are_in_the_history(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member)
    entry = timeline.add_entry(session, member, retro, occurred_at=START, note="Alert")
    timeline.update_entry(
        session, member, retro, entry, {"note": "Alert fired", "kind": "detected"}
    )
    timeline.delete_entry(session, member, retro, entry)
    changes = [
        (e.old_value, e.new_value)
        for e in reversed(history(session, retro))
        if e.field == "timeline entry"
    ]
    assert changes == [
        (None, "2026-11-30 14:00 UTC: Alert"),
        ("2026-11-30 14:00 UTC: Alert", "2026-11-30 14:00 UTC [Detected]: Alert fired"),
        ("2026-11-30 14:00 UTC [Detected]: Alert fired", None),
    ]


def test_contributing_factors_have_categories_and_keep_their_order(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member)
    first = timeline.add_factor(
        session, member, retro, category="tooling", description="No lag alert"
    )
    timeline.add_factor(session, member, retro, category="process", description="Friday deploys")
    assert [f.category for f in timeline.list_factors(session, retro)] == [
        FactorCategory.TOOLING,
        FactorCategory.PROCESS,
    ]
    timeline.update_factor(session, member, retro, first, {"category": "technical"})
    assert first.category is FactorCategory.TECHNICAL
    with pytest.raises(InvalidInput) as error:
        timeline.add_factor(session, member, retro, category="blame", description="x")
    assert "category" in error.value.errors
    with pytest.raises(InvalidInput):
        timeline.add_factor(session, member, retro, category="other", description="")
    timeline.delete_factor(session, member, retro, first)
    assert _count(session, ContributingFactor) == 1


def test_durations_read_as_people_say_them():
    assert timeline.format_duration(timedelta(minutes=40)) == "40 min"
    assert timeline.format_duration(timedelta(hours=2, minutes=15)) == "2 h 15 min"
    assert timeline.format_duration(timedelta(days=3, hours=2)) == "3 d 2 h"
    assert timeline.format_duration(timedelta(0)) == "0 min"
    assert timeline.format_duration(None) == ""


# ---------------------------------------------------------------- the coach on a retro


def test_the_coach_reads_the_whole_retro(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member, summary="Root cause: human error.", lessons="Fine.")
    timeline.add_entry(session, member, retro, occurred_at=START, note="Alan forgot the flag")
    flagged = review.coach_whole_retro(session, retro)
    assert [(part.label, [f.rule for f in part.flags]) for part in flagged] == [
        ("Summary", ["root-cause", "human-error"]),
        ("Timeline entry", ["person-blame"]),
    ]


def test_a_refused_edit_changes_nothing_not_even_the_tags_or_history(session, crew, as_member):
    member = as_member(crew.member)
    retro = _retro(session, member, started_at=START, tags=["db"])
    before = _count(session, RetroEdit)
    with pytest.raises(InvalidInput):
        services.update_retro(
            session,
            member,
            retro,
            {"tags": ["network"], "title": "New", "ended_at": START - timedelta(hours=1)},
        )
    assert services.tags_of(session, retro) == ["db"]
    assert retro.title == "Checkout down for 40 minutes"
    assert _count(session, RetroEdit) == before


@pytest.mark.parametrize(
    "value", [datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00", "1899-12-31T23:59", "10000-01-01"]
)
def test_times_outside_1900_to_9999_are_refused(value):
    with pytest.raises(InvalidInput) as refused:
        validation.to_datetime(value, "started_at")
    assert "from 1900 to 9999" in refused.value.errors["started_at"]


def test_a_due_date_in_year_one_is_refused():
    with pytest.raises(InvalidInput) as refused:
        actions.to_date("0001-01-01")
    assert "1900-01-01 to 9999-12-31" in refused.value.errors["due_date"]


def test_an_entry_before_the_start_is_placed_before_it():
    assert timeline.format_since_start(timedelta(minutes=-7)) == "7 min before the start"
    assert timeline.format_since_start(timedelta(minutes=65)) == "+1 h 5 min"
