"""The built-in pulse templates, with their sources, and the agreement scale's labels."""

from __future__ import annotations

from dataclasses import dataclass

from teamkit.pulses.models import SCALE_MAX, SCALE_MIN, ItemKind, PulseTemplate

#: What each point of the agreement scale means, as the answer form labels it.
SCALE_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Somewhat disagree",
    4: "Neither agree nor disagree",
    5: "Somewhat agree",
    6: "Agree",
    7: "Strongly agree",
}
assert tuple(SCALE_LABELS) == tuple(range(SCALE_MIN, SCALE_MAX + 1))

#: The question a pulse may add to see whether the team's goals have stuck.
GOAL_RECALL_QUESTION = "In a few words, what is our team's most important goal right now?"


@dataclass(frozen=True)
class TemplateItem:
    """An item of a template: a rated statement (maybe reverse-scored) or an open question."""

    text: str
    is_reverse_scored: bool = False
    kind: ItemKind = ItemKind.AGREEMENT


@dataclass(frozen=True)
class BuiltinTemplate:
    """A template that comes with teamkit, with where its items come from."""

    key: str
    title: str
    description: str
    source: str
    source_url: str
    items: tuple[TemplateItem, ...]


PSYCHOLOGICAL_SAFETY_7 = BuiltinTemplate(
    key="psychological-safety-7",
    title="Team psychological safety",
    description=(
        "Amy Edmondson's seven-item scale: how safe the team feels for interpersonal risk "
        "taking. Three items are worded negatively and scored the other way round (8 - value)."
    ),
    source=(
        "Edmondson, A. C. (1999). Psychological Safety and Learning Behavior in Work Teams. "
        "Administrative Science Quarterly, 44(2), 350-383."
    ),
    source_url="https://doi.org/10.2307/2666999",
    items=(
        TemplateItem("If you make a mistake on this team, it is often held against you.", True),
        TemplateItem("Members of this team are able to bring up problems and tough issues."),
        TemplateItem("People on this team sometimes reject others for being different.", True),
        TemplateItem("It is safe to take a risk on this team."),
        TemplateItem("It is difficult to ask other members of this team for help.", True),
        TemplateItem(
            "No one on this team would deliberately act in a way that undermines my efforts."
        ),
        TemplateItem(
            "Working with members of this team, my unique skills and talents are valued "
            "and utilized."
        ),
    ),
)

TEAM_EFFECTIVENESS_5 = BuiltinTemplate(
    key="team-effectiveness-5",
    title="Team effectiveness",
    description=(
        "One statement for each of the five dynamics Google's re:Work team-effectiveness "
        "guide found to matter most: psychological safety, dependability, structure and "
        "clarity, meaning, and impact."
    ),
    source=(
        "Google re:Work, “Guide: Understand team effectiveness” (Project Aristotle), "
        "the five dynamics of effective teams."
    ),
    source_url="https://rework.withgoogle.com/guides/understanding-team-effectiveness/",
    items=(
        TemplateItem("We can take risks on this team without feeling insecure or embarrassed."),
        TemplateItem("We can count on each other to do high-quality work on time."),
        TemplateItem("Goals, roles and plans on our team are clear."),
        TemplateItem("We are working on something that is personally important to each of us."),
        TemplateItem("We believe that the work we are doing matters."),
    ),
)

#: Every built-in template by key, in the order the portal offers them.
BUILTIN_TEMPLATES = {
    template.key: template for template in (PSYCHOLOGICAL_SAFETY_7, TEAM_EFFECTIVENESS_5)
}


# ---------------------------------------------------------------- a team's templates


@dataclass(frozen=True)
class TemplateView:
    """A template as a team sees it: built in, or one of its own."""

    key: str
    title: str
    description: str
    items: tuple[TemplateItem, ...]
    is_builtin: bool
    #: A pulse was opened from it, so it can only be copied, not changed.
    is_used: bool
    source: str = ""
    source_url: str = ""
    #: The team template's row id; None for a built-in one.
    id: int | None = None

    @property
    def agreement_items(self) -> tuple[TemplateItem, ...]:
        return tuple(item for item in self.items if item.kind is ItemKind.AGREEMENT)

    @property
    def questions(self) -> tuple[TemplateItem, ...]:
        return tuple(item for item in self.items if item.kind is ItemKind.TEXT)


def builtin_view(template: BuiltinTemplate) -> TemplateView:
    """Return how a team sees a built-in template (always usable, never changed)."""
    return TemplateView(
        key=template.key,
        title=template.title,
        description=template.description,
        items=template.items,
        is_builtin=True,
        is_used=False,
        source=template.source,
        source_url=template.source_url,
    )


def team_view(template: PulseTemplate) -> TemplateView:
    """Return how a team sees one of its own templates."""
    return TemplateView(
        key=template.key,
        title=template.title,
        description=template.description,
        items=tuple(
            TemplateItem(item.text, item.is_reverse_scored, item.kind) for item in template.items
        ),
        is_builtin=False,
        is_used=template.is_used,
        id=template.id,
    )
