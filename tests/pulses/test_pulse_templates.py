"""Pulse templates: the built-in scales, a team's own, and why a used one can't change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from teamkit.errors import Conflict, Forbidden, InvalidInput
from teamkit.pulses import surveys
from teamkit.pulses.catalog import BUILTIN_TEMPLATES
from teamkit.pulses.models import ItemKind, PulseTemplate
from teamkit.pulses.surveys import ItemInput


def test_edmondsons_scale_has_seven_items_and_reverse_scores_the_three_negative_ones():
    scale = BUILTIN_TEMPLATES["psychological-safety-7"]
    assert len(scale.items) == 7
    reversed_items = [item.text for item in scale.items if item.is_reverse_scored]
    assert reversed_items == [
        "If you make a mistake on this team, it is often held against you.",
        "People on this team sometimes reject others for being different.",
        "It is difficult to ask other members of this team for help.",
    ]
    assert "Edmondson" in scale.source and "1999" in scale.source


def test_team_effectiveness_has_one_item_per_dynamic_and_cites_rework():
    scale = BUILTIN_TEMPLATES["team-effectiveness-5"]
    assert len(scale.items) == 5 and not any(item.is_reverse_scored for item in scale.items)
    assert "re:Work" in scale.source


def _make(acting, person, title="How we work", **fields):
    fields.setdefault(
        "items",
        [
            ItemInput("We finish what we start."),
            ItemInput("Meetings here waste my time.", is_reverse_scored=True),
            ItemInput("What should we stop doing?", kind=ItemKind.TEXT),
        ],
    )
    return acting(person, surveys.create_template, title=title, **fields)


def test_a_facilitator_makes_a_template_listed_after_the_built_in_ones(acting, squad, committed):
    made = _make(acting, squad.facilitator)
    assert made.key == "how-we-work"
    assert [i.is_reverse_scored for i in made.agreement_items] == [False, True]
    assert [q.text for q in made.questions] == ["What should we stop doing?"]
    keys = committed(lambda s: [t.key for t in surveys.list_templates(s, squad.team)])
    assert keys == ["psychological-safety-7", "team-effectiveness-5", "how-we-work"]


def test_a_second_template_of_the_same_name_gets_its_own_key(acting, squad):
    assert _make(acting, squad.owner).key == "how-we-work"
    assert _make(acting, squad.owner).key == "how-we-work-2"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"items": []}, "items"),
        ({"items": [ItemInput("Only a question?", kind=ItemKind.TEXT)]}, "items"),
        ({"items": [ItemInput("x" * 301)]}, "items"),
        ({"items": [ItemInput(f"Item {n}") for n in range(21)]}, "items"),
        (
            {
                "items": [ItemInput("Fine")]
                + [ItemInput(f"Q{n}?", kind=ItemKind.TEXT) for n in range(6)]
            },
            "questions",
        ),
    ],
)
def test_a_bad_template_names_the_field_and_makes_nothing(acting, squad, committed, fields, field):
    with pytest.raises(InvalidInput) as raised:
        _make(acting, squad.owner, **fields)
    assert field in raised.value.errors
    assert committed(lambda s: s.scalar(select(func.count()).select_from(PulseTemplate))) == 0


def test_a_member_can_not_make_a_template(acting, squad):
    with pytest.raises(Forbidden, match="Only owners and facilitators can make pulse templates"):
        _make(acting, squad.members[0])


def test_an_unused_template_can_change_but_a_used_one_only_be_copied(acting, squad):
    made = _make(acting, squad.owner)
    changed = acting(
        squad.owner,
        surveys.update_template,
        made.key,
        title="How we work now",
        items=[ItemInput("We finish what we start.")],
    )
    assert (changed.key, changed.title, len(changed.items)) == (made.key, "How we work now", 1)
    acting.open(template=made.key)
    with pytest.raises(Conflict, match="Copy it and change the copy"):
        acting(squad.owner, surveys.update_template, made.key, title="X", items=[ItemInput("Y")])
    copy = acting(squad.owner, surveys.copy_template, made.key)
    assert (copy.key, copy.title, copy.is_used) == (
        "how-we-work-now-copy",
        "How we work now (copy)",
        False,
    )


def test_a_built_in_template_can_not_change_but_can_be_copied(acting, squad):
    with pytest.raises(Conflict, match="built-in"):
        acting(
            squad.owner,
            surveys.update_template,
            "psychological-safety-7",
            title="Mine",
            items=[ItemInput("Y")],
        )
    copy = acting(squad.owner, surveys.copy_template, "psychological-safety-7")
    assert [i.is_reverse_scored for i in copy.items] == [
        True,
        False,
        True,
        False,
        True,
        False,
        False,
    ]


def test_a_pulse_keeps_its_items_whatever_happens_to_the_template_later(acting, squad, committed):
    made = _make(acting, squad.owner)
    pulse_id = acting.open(template=made.key)
    texts = committed(lambda s: [i.text for i in acting.pulse(s, pulse_id).items])
    assert texts == [
        "We finish what we start.",
        "Meetings here waste my time.",
        "What should we stop doing?",
    ]
