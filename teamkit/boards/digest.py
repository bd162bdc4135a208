"""The boards section of a team's digest: what the latest closed board decided.

Its top-voted groups (and cards outside any group) and the action items made from them.
Card and group texts are the team's own words; anonymous cards name no one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from teamkit.boards import summary
from teamkit.sections import DigestItem, DigestSection, Link, SectionContext
from teamkit.teams.models import Team

#: After the retros' action items.
ORDER = 35
#: Most decisions the section lists.
TOP = 3


def digest_section(session: Session, team: Team, context: SectionContext) -> DigestSection | None:
    """Return the decisions of the team's latest board closed in the last week (None if none)."""
    found = summary.latest_closed(session, team.id, since=context.now - summary.RECENT)
    if found is None:
        return None
    board, retro = found
    decided = summary.decisions(session, board)
    items = tuple(
        DigestItem(
            title=topic.title,
            lines=(
                f"{topic.votes} vote{'' if topic.votes == 1 else 's'}",
                *(f"Action item: {item}" for item in topic.items),
            ),
        )
        for topic in decided[:TOP]
    )
    made = sum(len(topic.items) for topic in decided)
    return DigestSection(
        key="boards",
        title=f"Decided at “{retro.title}”",
        order=ORDER,
        summary=f"{made} action item{'' if made == 1 else 's'} from the team retro",
        items=items,
        link=Link("The board", context.url(f"/t/{team.slug}/retros/{retro.id}/board")),
    )
