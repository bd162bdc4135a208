"""What the Slack app says: the channel digest's "waiting on" block with its mentions, each
member's own part as a direct message with a *Check in* button on their stale goals, and
the modals that open from a button or a command. Every text from teamkit's data is escaped
for Slack's mrkdwn, so no title can ping anyone; only the app's own mentions (`<@U…>`, of
ids Slack gave) do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import Option
from slack_sdk.models.views import View

from teamkit.digests.compose import Digest
from teamkit.digests.render import (
    SLACK_FALLBACK_TEXT_MAX,
    SLACK_HEADER_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_SECTION_TEXT_MAX,
    check_slack_limits,
    slack_escape,
)
from teamkit.sections import DigestSection

#: A Slack user id as Slack gives it: only these are ever written as a mention.
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
#: The action of a goal's *Check in* button, and the modal it opens.
CHECK_IN_ACTION = "check_in"
CHECK_IN_VIEW = "check_in"
#: Where a goal's id sits in the link of a digest item ("…/goals/12#check-in-title").
_GOAL_LINK = re.compile(r"/goals/(\d+)(?:[#?]|$)")
#: Longest text of a modal's title (Slack: 24 characters) and a button (75).
MODAL_TITLE_MAX = 24
BUTTON_TEXT_MAX = 75
#: *Check in* buttons under the channel digest's "waiting on" block, at most.
CHANNEL_BUTTONS_MAX = 5
#: The items a direct message lists at most, so it keeps within Slack's 50 blocks.
DM_ITEMS_MAX = 30


def shorten(text: str, limit: int) -> str:
    """Return `text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link(url: str, label: str) -> str:
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe_url}|{slack_escape(label)}>"


def mention(slack_user_id: str | None, name: str) -> str:
    """Return a person as Slack shows them: a mention when matched, else their plain name."""
    if slack_user_id and USER_ID.match(slack_user_id):
        return f"<@{slack_user_id}>"
    return slack_escape(name)


@dataclass
class Waiting:
    """A member something waits on: their overdue action items, their stale goals."""

    person_id: int
    name: str
    overdue_items: int = 0
    stale_goals: list[str] = field(default_factory=list)
    #: (goal id, title) of each stale goal, for its *Check in* button.
    stale_goal_ids: list[tuple[int, str]] = field(default_factory=list)

    def words(self) -> str:
        parts = []
        if self.overdue_items:
            plural = "" if self.overdue_items == 1 else "s"
            parts.append(f"{self.overdue_items} overdue action item{plural}")
        if self.stale_goals:
            quoted = ", ".join(f"“{slack_escape(title)}”" for title in self.stale_goals)
            waits = "waits" if len(self.stale_goals) == 1 else "wait"
            parts.append(f"{quoted} {waits} for a check-in")
        return "; ".join(parts)


def waiting_block(waiting: Sequence[Waiting], ids: dict[int, str | None]) -> list[Block]:
    """Return the channel digest's "waiting on" block: each person mentioned (plain name
    when unmatched), within one section's limit."""
    if not waiting:
        return []
    head = "*Waiting on*"
    lines: list[str] = []
    for index, entry in enumerate(waiting):
        line = f"• {mention(ids.get(entry.person_id), entry.name)}: {entry.words()}"
        rest = len(waiting) - index
        more = f"\n…and {rest} more" if rest > 1 else ""
        if len(head) + sum(len(x) + 1 for x in lines) + len(line) + len(more) + 1 > (
            SLACK_SECTION_TEXT_MAX
        ):
            lines.append(f"…and {rest} more")
            break
        lines.append(shorten(line, SLACK_SECTION_TEXT_MAX - len(head) - 20))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join([head, *lines])))]
    stale = [goal for entry in waiting for goal in entry.stale_goal_ids][:CHANNEL_BUTTONS_MAX]
    if stale:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=PlainTextObject(text=shorten(f"Check in: {title}", BUTTON_TEXT_MAX)),
                        action_id=f"{CHECK_IN_ACTION}-{goal_id}",
                        value=str(goal_id),
                    )
                    for goal_id, title in stale
                ]
            )
        )
    return blocks


def goal_id_of(url: str | None) -> int | None:
    """Return the id of the goal a digest item's link leads to, if it does."""
    found = _GOAL_LINK.search(url or "")
    return int(found.group(1)) if found else None


def check_in_button(goal_id: int, title: str) -> ButtonElement:
    """Return a goal's *Check in* button (it opens the check-in modal)."""
    return ButtonElement(
        text=PlainTextObject(text="Check in"),
        action_id=CHECK_IN_ACTION,
        value=str(goal_id),
        accessibility_label=shorten(f"Check in on {title}", BUTTON_TEXT_MAX),
    )


def personal_message(
    digest: Digest, personal: Sequence[DigestSection], settings_url: str
) -> dict[str, Any]:
    """Return one member's own part of the digest as a direct message (`text`, `blocks`):
    their stale goals (each with a *Check in* button), their items, their open pulse."""
    title = shorten(f"Your part of the {digest.team_name} digest", SLACK_HEADER_MAX)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title))]
    shown = 0
    for section in personal:
        text = f"*{slack_escape(section.title)}*"
        if section.summary:
            text += f"\n{slack_escape(section.summary)}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shorten(text, 3000))))
        for item in section.items:
            if shown == DM_ITEMS_MAX:
                break
            shown += 1
            heading = (
                f"*{_link(item.link.url, item.title)}*"
                if item.link
                else f"*{slack_escape(item.title)}*"
            )
            body = "\n".join([heading, *(slack_escape(line) for line in item.lines)])
            goal_id = goal_id_of(item.link.url if item.link else None)
            accessory = (
                check_in_button(goal_id, item.title)
                if goal_id is not None and section.key.startswith("goals")
                else None
            )
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(text=shorten(body, SLACK_SECTION_TEXT_MAX)),
                    accessory=accessory,
                )
            )
    blocks.append(DividerBlock())
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"From teamkit · {_link(digest.team_url, digest.team_name)} · "
                    + _link(settings_url, "Turn these messages off")
                )
            ]
        )
    )
    rendered = [block.to_dict() for block in blocks[:SLACK_MAX_BLOCKS]]
    check_slack_limits(rendered)
    return {"text": shorten(slack_escape(title), SLACK_FALLBACK_TEXT_MAX), "blocks": rendered}


def notice_view(title: str, text: str) -> dict[str, Any]:
    """Return a modal that only tells something (why nothing was done, what was)."""
    return View(
        type="modal",
        title=PlainTextObject(text=shorten(title, MODAL_TITLE_MAX)),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=shorten(slack_escape(text), 3000)))],
    ).to_dict()


def check_in_view(
    goal_id: int,
    team_id: int,
    title: str,
    *,
    is_measured: bool,
    confidence_levels: Sequence[int],
) -> dict[str, Any]:
    """Return the check-in modal of a goal: confidence, the new value when measured, a note
    (the portal's fields; its errors come back beside them)."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{slack_escape(shorten(title, 2900))}*")),
        InputBlock(
            block_id="confidence",
            label=PlainTextObject(text="How confident are you?"),
            element=StaticSelectElement(
                action_id="confidence",
                placeholder=PlainTextObject(text="Choose"),
                options=[
                    Option(value=str(level), text=PlainTextObject(text=str(level)))
                    for level in confidence_levels
                ],
            ),
            optional=True,
        ),
    ]
    if is_measured:
        blocks.append(
            InputBlock(
                block_id="value",
                label=PlainTextObject(text="Where the measure stands now"),
                element=PlainTextInputElement(action_id="value"),
                optional=True,
            )
        )
    blocks.append(
        InputBlock(
            block_id="note",
            label=PlainTextObject(text="Note"),
            element=PlainTextInputElement(action_id="note", multiline=True),
            optional=True,
        )
    )
    return View(
        type="modal",
        callback_id=CHECK_IN_VIEW,
        private_metadata=f"{team_id}:{goal_id}",
        title=PlainTextObject(text="Check in"),
        submit=PlainTextObject(text="Check in"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    ).to_dict()


def goals_answer(team_name: str, goals: Sequence[tuple[str, str | None]], url: str) -> str:
    """Return `/teamkit goals`' answer: each active goal with its slogan."""
    if not goals:
        return f"{slack_escape(team_name)} has no active goal yet: {_link(url, 'write one')}."
    lines = [f"*Goals of {slack_escape(team_name)}*"]
    for title, slogan in goals:
        line = f"• *{slack_escape(title)}*"
        if slogan:
            line += f" — _{slack_escape(slogan)}_"
        lines.append(line)
    lines.append(_link(url, "See them in teamkit"))
    return shorten("\n".join(lines), 3000)
