"""The retros section of a team's digest: open action items by owner, overdue first.

An item's wording goes out only when the coach flags nothing in it, or the team kept it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from teamkit.retros import actions, review
from teamkit.sections import DigestItem, DigestSection, Link, SectionContext
from teamkit.teams.models import Team

if TYPE_CHECKING:
    from teamkit.retros.models import ActionItem

#: Where the section goes among the others (goals first, then pulses, then retros).
ORDER = 30
#: Most items the section lists; the link leads to the rest.
ITEMS_MAX = 10


def _line(item: ActionItem, context: SectionContext) -> str:
    today = context.now.date()
    parts = []
    if item.is_overdue(today):
        days = (today - item.due_date).days if item.due_date else 0
        parts.append(f"overdue by {days} day{'' if days == 1 else 's'}")
    elif item.due_date:
        parts.append(f"due {item.due_date.isoformat()}")
    parts.append(item.status.label.lower())
    parts.append(f"from “{item.retro.title}”")
    return " · ".join(parts)


def digest_section(session: Session, team: Team, context: SectionContext) -> DigestSection | None:
    """Return the team's open action items, grouped by owner, overdue first (None if none)."""
    groups = actions.open_items_by_owner(session, team, today=context.now.date())
    if not groups:
        return None
    items: list[DigestItem] = []
    overdue = 0
    names = review.member_names(session, team)
    for group in groups:
        overdue += group.overdue
        owner = group.owner.person.name if group.owner else "No owner"
        for item in group.items:
            if len(items) == ITEMS_MAX:
                break
            items.append(
                DigestItem(
                    title=f"{owner}: {review.shareable_title(item, names)}",
                    lines=(_line(item, context),),
                    link=Link(
                        "Open the retro",
                        context.url(f"/t/{team.slug}/retros/{item.retro_id}#item-{item.id}"),
                    ),
                )
            )
    total = sum(len(group.items) for group in groups)
    highlight = f"{total} open action item{'' if total == 1 else 's'}"
    if overdue:
        highlight += f", {overdue} overdue"
    return DigestSection(
        key="retros",
        title="Action items from retros",
        order=ORDER,
        summary=highlight,
        items=tuple(items),
        link=Link("All action items", context.url(f"/t/{team.slug}/action-items")),
    )
