"""A team's pulse templates: list the built-in and own ones, make, change and copy them.

A template a pulse was opened from can't change any more (copy it instead), so old
results keep their meaning. Every function takes a session and plain values, may
flush, and never commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.pulses.catalog import (
    BUILTIN_TEMPLATES,
    TemplateItem,
    TemplateView,
    builtin_view,
    team_view,
)
from teamkit.pulses.models import (
    ITEM_TEXT_MAX,
    TEMPLATE_DESCRIPTION_MAX,
    TEMPLATE_KEY_MAX,
    TEMPLATE_TITLE_MAX,
    ItemKind,
    PulseTemplate,
    PulseTemplateItem,
)
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import Text, clean_text

#: Most agreement items, and most open questions, a team's template may have.
AGREEMENT_ITEMS_MAX = 20
QUESTIONS_MAX = 5
TITLE_MISSING = "Name the template, e.g. “Monthly check on how we work”."
TITLE = Text(TEMPLATE_TITLE_MAX, TITLE_MISSING, is_one_line=True)
DESCRIPTION = Text(TEMPLATE_DESCRIPTION_MAX)
#: One statement or question (a blank line in the portal's box is skipped, not an error).
ITEM = Text(ITEM_TEXT_MAX, "Write the statement or question.")
ITEMS_MISSING = "Add at least one statement to rate from 1 to 7."
NOT_FOUND = "No such pulse template in this team."
#: Every key, built in or made by `_free_key`: lowercase words and digits joined by hyphens.
KEY_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"


@dataclass(frozen=True)
class ItemInput:
    """An item as someone typed it: a statement to rate (maybe reverse-scored) or a question."""

    text: str
    is_reverse_scored: bool = False
    kind: ItemKind = ItemKind.AGREEMENT


def list_templates(session: Session, team: Team) -> list[TemplateView]:
    """Return the built-in templates, then the team's own by title."""
    own = session.scalars(
        select(PulseTemplate)
        .where(PulseTemplate.team_id == team.id)
        .options(selectinload(PulseTemplate.items))
        .order_by(PulseTemplate.title, PulseTemplate.id)
    )
    return [builtin_view(t) for t in BUILTIN_TEMPLATES.values()] + [team_view(t) for t in own]


def _own_template(session: Session, team: Team, key: str) -> PulseTemplate | None:
    return session.scalar(
        select(PulseTemplate)
        .where(PulseTemplate.team_id == team.id, PulseTemplate.key == key)
        .options(selectinload(PulseTemplate.items))
    )


def find_template(session: Session, team: Team, key: str) -> TemplateView:
    """Return the built-in or team template `key`, or raise NotFound."""
    if key in BUILTIN_TEMPLATES:
        return builtin_view(BUILTIN_TEMPLATES[key])
    own = _own_template(session, team, key)
    if own is None:
        raise NotFound(NOT_FOUND)
    return team_view(own)


def check_items(items: Sequence[ItemInput]) -> list[ItemInput]:
    """Return the statements (first) and questions, trimmed; raise every error at once."""
    errors: dict[str, str] = {}
    checked: list[ItemInput] = []
    for index, item in enumerate(items):
        field = "items" if item.kind is ItemKind.AGREEMENT else "questions"
        try:
            text = clean_text(item.text, f"{field}.{index}", ITEM.maximum)
        except InvalidInput as error:
            errors[field] = f"Item {index + 1}: {next(iter(error.errors.values()))}"
            continue
        if text:
            reverse = item.is_reverse_scored and item.kind is ItemKind.AGREEMENT
            checked.append(ItemInput(text, reverse, item.kind))
    agreement = [item for item in checked if item.kind is ItemKind.AGREEMENT]
    questions = [item for item in checked if item.kind is ItemKind.TEXT]
    if "items" not in errors:
        if not agreement:
            errors["items"] = ITEMS_MISSING
        elif len(agreement) > AGREEMENT_ITEMS_MAX:
            errors["items"] = f"Use at most {AGREEMENT_ITEMS_MAX} statements."
    if "questions" not in errors and len(questions) > QUESTIONS_MAX:
        errors["questions"] = f"Use at most {QUESTIONS_MAX} open questions."
    if errors:
        raise InvalidInput(errors)
    return agreement + questions


def _check_template(
    title: str | None, description: str | None, items: Sequence[ItemInput]
) -> tuple[str, str, list[ItemInput]]:
    errors: dict[str, str] = {}
    checked: list[object] = []
    for check in (
        lambda: TITLE.clean(title, "title"),
        lambda: DESCRIPTION.clean(description, "description"),
        lambda: check_items(items),
    ):
        try:
            checked.append(check())
        except InvalidInput as error:
            errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    return checked[0], checked[1], checked[2]  # type: ignore[return-value]


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[: TEMPLATE_KEY_MAX - 4].strip("-") or "template"


def _free_key(session: Session, team: Team, title: str) -> str:
    base = _slug(title)
    taken = set(
        session.scalars(
            select(PulseTemplate.key).where(
                PulseTemplate.team_id == team.id, PulseTemplate.key.like(f"{base}%")
            )
        )
    ) | set(BUILTIN_TEMPLATES)
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _items_of(items: Sequence[ItemInput]) -> list[PulseTemplateItem]:
    return [
        PulseTemplateItem(
            position=position,
            kind=item.kind,
            text=item.text,
            is_reverse_scored=item.is_reverse_scored,
        )
        for position, item in enumerate(items, start=1)
    ]


def create_template(
    session: Session,
    actor: Membership,
    *,
    title: str | None,
    description: str | None = "",
    items: Sequence[ItemInput],
) -> TemplateView:
    """Make a team template from statements and open questions (owners and facilitators)."""
    require_role(actor, Role.FACILITATOR, "make pulse templates")
    title, description, checked = _check_template(title, description, items)
    template = PulseTemplate(
        team_id=actor.team_id,
        key=_free_key(session, actor.team, title),
        title=title,
        description=description,
        created_by_id=actor.person_id,
        items=_items_of(checked),
    )
    session.add(template)
    session.flush()
    return team_view(template)


def update_template(
    session: Session,
    actor: Membership,
    key: str,
    *,
    title: str | None,
    description: str | None = "",
    items: Sequence[ItemInput],
) -> TemplateView:
    """Change a team template no pulse used yet (owners and facilitators); its key stays."""
    require_role(actor, Role.FACILITATOR, "change pulse templates")
    if key in BUILTIN_TEMPLATES:
        raise Conflict("A built-in template can't be changed; copy it and change the copy.")
    template = _own_template(session, actor.team, key)
    if template is None:
        raise NotFound(NOT_FOUND)
    if template.is_used:
        raise Conflict(
            "A pulse was opened from this template, so it can't change: its results keep "
            "their meaning. Copy it and change the copy."
        )
    title, description, checked = _check_template(title, description, items)
    template.title, template.description = title, description
    template.items = _items_of(checked)
    session.flush()
    return team_view(template)


def copy_template(session: Session, actor: Membership, key: str) -> TemplateView:
    """Make a new team template with the items of `key` (built-in or the team's own)."""
    require_role(actor, Role.FACILITATOR, "make pulse templates")
    original = find_template(session, actor.team, key)
    title = f"{original.title} (copy)"[:TEMPLATE_TITLE_MAX]
    return create_template(
        session,
        actor,
        title=title,
        description=original.description,
        items=[ItemInput(i.text, i.is_reverse_scored, i.kind) for i in original.items],
    )


def mark_used(session: Session, team: Team, key: str) -> None:
    """Record that a pulse was opened from the team template `key`: it can't change now."""
    template = _own_template(session, team, key)
    if template is not None and not template.is_used:
        template.is_used = True
        session.flush()


def items_of(view: TemplateView) -> tuple[TemplateItem, ...]:
    """Return the items a pulse copies from a template, agreement items first."""
    return view.agreement_items + view.questions
