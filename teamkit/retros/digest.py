"""The retros section of a team's digest: retros published since the last digest, then
open action items by owner, overdue first; and each reader's own open action items.

Wording goes out only when the coach flags nothing in it, or the team kept it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.capability import FollowUp, registry
from teamkit.retros import actions, follow_ups, review
from teamkit.retros.models import Retro, RetroStatus
from teamkit.sections import DigestItem, DigestSection, Link, SectionContext
from teamkit.teams.models import Membership, Team

if TYPE_CHECKING:
    from teamkit.retros.models import ActionItem

#: Where the section goes among the others (goals first, then pulses, then retros).
ORDER = 30
#: Most items the section lists; the link leads to the rest.
ITEMS_MAX = 10
#: Most retros "published since the last digest" it lists.
PUBLISHED_MAX = 3
#: How far back "published since the last digest" looks before the first digest.
FIRST_DIGEST_LOOKS_BACK = timedelta(days=7)
#: Longest lesson quoted, in characters.
LESSON_MAX = 160


def _sources(
    session: Session, team: Team, context: SectionContext, items: list[ActionItem]
) -> dict[int, FollowUp]:
    """Return where the items not from a retro came from (a pulse's reply), by item id."""
    if context.app is None:
        return {}
    return follow_ups.sources_of(session, registry(context.app), team.id, items)


def _line(item: ActionItem, context: SectionContext, source: FollowUp | None = None) -> str:
    today = context.now.date()
    parts = []
    if item.is_overdue(today):
        days = (today - item.due_date).days if item.due_date else 0
        parts.append(f"overdue by {days} day{'' if days == 1 else 's'}")
    elif item.due_date:
        parts.append(f"due {item.due_date.isoformat()}")
    parts.append(item.status.label.lower())
    if item.retro is not None:
        parts.append(f"from “{item.retro.title}”")
    elif source is not None:
        parts.append(f"from {source.origin}")
    return " · ".join(parts)


def _one_lesson(lessons: str) -> str:
    """Return the first lesson: its first line with text, without Markdown's list marks."""
    for line in lessons.splitlines():
        text = " ".join(line.strip().lstrip("-*+#>0123456789.) ").split())
        if text:
            return text if len(text) <= LESSON_MAX else text[: LESSON_MAX - 1].rstrip() + "…"
    return ""


def published_items(
    session: Session, team: Team, context: SectionContext, names: list[str]
) -> list[DigestItem]:
    """Return the retros published since the team's last digest: title, one lesson, link."""
    since = context.since or context.now - FIRST_DIGEST_LOOKS_BACK
    retros = session.scalars(
        select(Retro)
        .where(
            Retro.team_id == team.id,
            Retro.status == RetroStatus.PUBLISHED,
            Retro.published_at > since,
            Retro.published_at <= context.now,
        )
        .order_by(Retro.published_at.desc(), Retro.id.desc())
        .limit(PUBLISHED_MAX)
    )
    items = []
    for retro in retros:
        lesson = review.shareable_text(_one_lesson(retro.lessons), names)
        items.append(
            DigestItem(
                title="Published: "
                + (review.shareable_text(retro.title, names) or review.RETRO_TITLE_HELD),
                lines=(f"Lesson: {lesson}",) if lesson else (),
                link=Link("Read the retro", context.url(f"/t/{team.slug}/retros/{retro.id}")),
            )
        )
    return items


def digest_section(session: Session, team: Team, context: SectionContext) -> DigestSection | None:
    """Return the retros published since the last digest and the team's open action items,
    grouped by owner, overdue first (None if there is neither)."""
    names = review.member_names(session, team)
    published = published_items(session, team, context, names)
    groups = actions.open_items_by_owner(session, team, today=context.now.date())
    if not groups and not published:
        return None
    items: list[DigestItem] = list(published)
    sources = _sources(session, team, context, [i for group in groups for i in group.items])
    overdue = 0
    for group in groups:
        overdue += group.overdue
        owner = group.owner.person.name if group.owner else "No owner"
        for item in group.items:
            if len(items) == ITEMS_MAX + len(published):
                break
            items.append(
                DigestItem(
                    title=f"{owner}: {review.shareable_title(item, names)}",
                    lines=(_line(item, context, sources.get(item.id)),),
                    link=_item_link(team, item, context, sources.get(item.id)),
                )
            )
    total = sum(len(group.items) for group in groups)
    summary = count_words(total, overdue)
    return DigestSection(
        key="retros",
        title="Retros and action items" if published else "Action items from retros",
        order=ORDER,
        summary=summary,
        items=tuple(items),
        link=Link("All action items", context.url(f"/t/{team.slug}/action-items")),
    )


def count_words(total: int, overdue: int) -> str:
    """Return "4 open action items, 1 overdue" (or "" for none), as every rendering says it."""
    if not total:
        return ""
    words = f"{total} open action item{'' if total == 1 else 's'}"
    return words + (f", {overdue} overdue" if overdue else "")


def _item_link(
    team: Team, item: ActionItem, context: SectionContext, source: FollowUp | None = None
) -> Link:
    if item.retro_id is None:
        if source is not None:
            return Link("Where it came from", context.url(source.path))
        return Link("Open it", context.url(f"/t/{team.slug}/action-items#item-{item.id}"))
    return Link(
        "Open the retro", context.url(f"/t/{team.slug}/retros/{item.retro_id}#item-{item.id}")
    )


def personal_section(
    session: Session, membership: Membership, context: SectionContext
) -> DigestSection | None:
    """Return the reader's own open action items, overdue first (None if they have none)."""
    team = membership.team
    today = context.now.date()
    mine = actions.list_action_items(
        session, team, today=today, owner_id=membership.id, open_only=True, limit=ITEMS_MAX
    )
    if not mine:
        return None
    names = review.member_names(session, team)
    sources = _sources(session, team, context, mine)
    overdue = sum(1 for item in mine if item.is_overdue(today))
    return DigestSection(
        key="retros-yours",
        title="Your action items",
        order=ORDER,
        summary=count_words(len(mine), overdue),
        items=tuple(
            DigestItem(
                title=review.shareable_title(item, names),
                lines=(_line(item, context, sources.get(item.id)),),
                link=_item_link(team, item, context, sources.get(item.id)),
            )
            for item in mine
        ),
        link=Link(
            "Your action items",
            context.url(f"/t/{team.slug}/action-items?owner={membership.id}"),
        ),
    )
