"""Long text fields are Markdown: rendered by markdown-it-py, then sanitised by nh3."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

#: What rendered Markdown may keep: text formatting, lists, code, quotes, links, tables.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: A link whose target runs script or carries a document, in any renderer of an export.
_UNSAFE_LINK = re.compile(r"(\]\(\s*<?\s*)(?:javascript|vbscript|data|file)\s*:", re.I)
_HEADING = re.compile(r"^(#{1,2})(?=\s)", re.M)


@cache
def _parser() -> MarkdownIt:
    # Raw HTML in the text stays text: nothing a member types becomes a tag of its own.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


#: Texts whose rendering is kept (the same text always renders the same): a retro page
#: shows the same summary and entries on every request.
RENDERED_KEPT = 512


@lru_cache(maxsize=RENDERED_KEPT)
def render_markdown(text: str | None) -> Markup:
    """Return `text` (Markdown) as safe HTML: rendered, then cleaned to an allow-list.

    Depends on the text alone, so a rendering is kept for the next page that shows it."""
    if not text:
        return Markup("")
    # A member's headings sit below the page's own (h1 title, h2 sections).
    html = _parser().render(_HEADING.sub("###", text))
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)


def inert_markdown(text: str | None) -> str:
    """Return `text` as Markdown that no renderer turns into a tag or a script link.

    A `<` becomes `&lt;`, which CommonMark shows as the same character; a link to
    `javascript:` (and the like) loses its scheme.
    """
    if not text:
        return ""
    return _UNSAFE_LINK.sub(r"\1#blocked-", text.replace("<", "&lt;"))
