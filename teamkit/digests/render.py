"""Render a digest as plain text, as HTML email and as a Slack Block Kit message.

Every text from users is escaped for its medium: HTML by Jinja's autoescape, Slack mrkdwn by
`slack_escape` (`&`, `<`, `>`), so a goal titled `<!channel>` pings nobody.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from teamkit.digests.compose import Digest
from teamkit.paths import resource_dir

#: Slack's limits (https://api.slack.com/reference/block-kit/blocks), checked here because
#: the SDK checks only some of them.
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_TEXT_MAX = 3000
SLACK_HEADER_MAX = 150
SLACK_CONTEXT_TEXT_MAX = 2000
#: Slack truncates a message past about 12,000 characters of text in all.
SLACK_TOTAL_TEXT_MAX = 12000
SLACK_FALLBACK_TEXT_MAX = 3000


@dataclass(frozen=True)
class EmailParts:
    """What one person's digest email says."""

    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(resource_dir("templates"))),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def email_template(name: str) -> Any:
    """Return one of the email templates (HTML, autoescaped)."""
    return _environment().get_template(name)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- email


def render_text(digest: Digest, unsubscribe_url: str | None = None) -> str:
    """Return the digest as plain text (what a client that shows only text shows)."""
    lines = [digest.subject, "=" * min(len(digest.subject), 72), ""]
    for section in digest.sections:
        lines += [section.title.upper(), ""]
        lines += [f'  "{highlight}"' for highlight in section.highlights]
        if section.highlights:
            lines.append("")
        if section.summary:
            lines += [section.summary, ""]
        for item in section.items:
            lines.append(f"* {item.title}")
            lines += [f"  {line}" for line in item.lines]
            if item.link is not None:
                lines.append(f"  {item.link.label}: {item.link.url}")
            lines.append("")
        if section.link is not None:
            lines += [f"{section.link.label}: {section.link.url}", ""]
    lines += ["-- ", f"Digest settings: {digest.settings_url}"]
    if unsubscribe_url:
        lines.append(f"Stop these emails: {unsubscribe_url}")
    return "\n".join(lines) + "\n"


def render_html(digest: Digest, unsubscribe_url: str | None = None) -> str:
    """Return the digest as an HTML email: inline styles, no remote images."""
    template = _environment().get_template("digests/email.html")
    return template.render(digest=digest, unsubscribe_url=unsubscribe_url)


def render_email(digest: Digest, unsubscribe_url: str | None = None) -> EmailParts:
    """Return the subject, text and HTML of one person's digest email."""
    return EmailParts(
        digest.subject, render_text(digest, unsubscribe_url), render_html(digest, unsubscribe_url)
    )


# ---------------------------------------------------------------- Slack


def slack_escape(text: str) -> str:
    """Return `text` safe in Slack mrkdwn: no mention, link or channel can come from it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str, label: str) -> str:
    """Return a Slack mrkdwn link to teamkit's own `url`, its label escaped."""
    # `|` and `>` would end Slack's link syntax early.
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe_url}|{slack_escape(label)}>"


def _text_length(block: dict[str, Any]) -> int:
    total = 0
    for key in ("text",):
        value = block.get(key)
        if isinstance(value, dict):
            total += len(value.get("text", ""))
    for element in block.get("elements", ()):
        if isinstance(element, dict):
            total += len(element.get("text", ""))
    return total


def render_slack(digest: Digest, lead: Sequence[Block] = ()) -> dict[str, Any]:
    """Return the Slack message (`text` and `blocks`), kept within Slack's limits; `lead`
    blocks come right under the header and are never dropped to fit."""
    header: list[Block] = [
        HeaderBlock(
            text=PlainTextObject(text=_shorten(f"{digest.team_name} digest", SLACK_HEADER_MAX))
        ),
        *lead,
    ]
    footer: list[Block] = [
        DividerBlock(),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"From teamkit · {slack_link(digest.settings_url, 'Digest settings')}"
                )
            ]
        ),
    ]
    # Each item is a block that may be dropped (from the end) to fit; the rest are kept.
    body: list[tuple[Block, bool]] = []
    for index, section in enumerate(digest.team_sections):
        if index:
            body.append((DividerBlock(), False))
        title = f"*{slack_escape(section.title)}*"
        if section.highlights:
            quotes = "\n".join(f"> _{slack_escape(h)}_" for h in section.highlights)
            title = f"{title}\n{quotes}"
        if section.summary:
            title = f"{title}\n{slack_escape(section.summary)}"
        body.append(
            (
                SectionBlock(text=MarkdownTextObject(text=_shorten(title, SLACK_SECTION_TEXT_MAX))),
                False,
            )
        )
        for item in section.items:
            heading = (
                f"*{slack_link(item.link.url, item.title)}*"
                if item.link is not None
                else f"*{slack_escape(item.title)}*"
            )
            text = "\n".join([heading, *(slack_escape(line) for line in item.lines)])
            body.append(
                (
                    SectionBlock(
                        text=MarkdownTextObject(text=_shorten(text, SLACK_SECTION_TEXT_MAX))
                    ),
                    True,
                )
            )
        if section.link is not None:
            body.append(
                (
                    ContextBlock(
                        elements=[
                            MarkdownTextObject(
                                text=slack_link(section.link.url, section.link.label)
                            )
                        ]
                    ),
                    False,
                )
            )

    def assemble(kept: list[tuple[Block, bool]], dropped: int) -> list[dict[str, Any]]:
        blocks = [*header, *(block for block, _ in kept)]
        if dropped:
            blocks.append(
                ContextBlock(
                    elements=[
                        MarkdownTextObject(
                            text=f"…and {dropped} more: "
                            + slack_link(digest.team_url, "see them in teamkit")
                        )
                    ]
                )
            )
        return [block.to_dict() for block in [*blocks, *footer]]

    kept = list(body)
    dropped = 0
    blocks = assemble(kept, dropped)
    while len(blocks) > SLACK_MAX_BLOCKS or sum(map(_text_length, blocks)) > SLACK_TOTAL_TEXT_MAX:
        droppable = [i for i, (_, can_drop) in enumerate(kept) if can_drop]
        if not droppable:
            break
        del kept[droppable[-1]]
        dropped += 1
        blocks = assemble(kept, dropped)
    check_slack_limits(blocks)
    return {
        "text": _shorten(slack_escape(digest.subject), SLACK_FALLBACK_TEXT_MAX),
        "blocks": blocks,
    }


_SLACK_LINK = re.compile(r"<([^|<>]+)\|([^<>]+)>")
_BOLD = re.compile(r"\*([^*\n]+)\*")
_ITALIC = re.compile(r"(?<![\w])_([^_\n]+)_(?![\w])")


def _unescape_slack(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _mrkdwn_inline(text: str) -> str:
    parts, last = [], 0
    for match in _SLACK_LINK.finditer(text):
        parts.append(str(escape(_unescape_slack(text[last : match.start()]))))
        url, label = match.group(1), _unescape_slack(match.group(2))
        parts.append(f'<a href="{escape(url)}">{escape(label)}</a>')
        last = match.end()
    parts.append(str(escape(_unescape_slack(text[last:]))))
    html = "".join(parts)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _ITALIC.sub(r"<em>\1</em>", html)


def mrkdwn_to_html(text: str) -> Markup:
    """Return Slack mrkdwn as HTML, roughly as Slack shows it (for the portal's preview)."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("> "):
            lines.append(f'<span class="slack-quote">{_mrkdwn_inline(line[2:])}</span>')
        else:
            lines.append(_mrkdwn_inline(line))
    return Markup("<br>".join(lines))


class SlackLimitError(ValueError):
    """A Slack message past one of Slack's limits."""


def check_slack_limits(blocks: list[dict[str, Any]]) -> None:
    """Raise SlackLimitError unless `blocks` keep within Slack's limits."""
    if len(blocks) > SLACK_MAX_BLOCKS:
        raise SlackLimitError(f"{len(blocks)} blocks; Slack takes at most {SLACK_MAX_BLOCKS}")
    total = 0
    for block in blocks:
        length = _text_length(block)
        total += length
        if block["type"] == "header" and length > SLACK_HEADER_MAX:
            raise SlackLimitError(f"a header of {length} characters; at most {SLACK_HEADER_MAX}")
        if block["type"] == "section" and length > SLACK_SECTION_TEXT_MAX:
            raise SlackLimitError(
                f"a section of {length} characters; at most {SLACK_SECTION_TEXT_MAX}"
            )
        for element in block.get("elements", ()):
            if len(element.get("text", "")) > SLACK_CONTEXT_TEXT_MAX:
                raise SlackLimitError(f"a context text past {SLACK_CONTEXT_TEXT_MAX} characters")
    if total > SLACK_TOTAL_TEXT_MAX:
        raise SlackLimitError(f"{total} characters of text; keep to {SLACK_TOTAL_TEXT_MAX}")
