"""Properties that hold for any text: the coach's offsets, safe Markdown, search queries."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from teamkit.errors import InvalidInput
from teamkit.retros.coach import check_text
from teamkit.retros.exports import FORMULA_STARTS, safe_cell
from teamkit.retros.richtext import ALLOWED_TAGS, inert_markdown, render_markdown
from teamkit.retros.search import query_words

PHRASES = st.sampled_from(
    ["should have", "human error", "Grace forgot", "failed to", "`", '"', "```\n", "\n", "é", "☕"]
)
TEXT = st.lists(st.one_of(PHRASES, st.text(max_size=12)), max_size=12).map("".join)


@given(TEXT)
def test_every_flag_points_at_the_words_it_names(text: str) -> None:
    for flag in check_text(text, ["Grace Hopper"]):
        assert 0 <= flag.start < flag.end <= len(text)
        assert text[flag.start : flag.end] == flag.text


@given(st.text(max_size=300))
def test_rendered_markdown_holds_only_allowed_tags(text: str) -> None:
    tags = {
        match.lower()
        for match in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", str(render_markdown(text)))
    }
    assert tags <= ALLOWED_TAGS


@given(st.text(max_size=300))
def test_exported_markdown_opens_no_tag(text: str) -> None:
    assert "<" not in inert_markdown(text)


@given(st.text(max_size=50))
def test_no_csv_cell_starts_a_formula(value: str) -> None:
    assert not safe_cell(value).startswith(FORMULA_STARTS)


@given(st.text(max_size=250))
def test_a_query_gives_words_or_a_clear_error(query: str) -> None:
    try:
        words = query_words(query)
    except InvalidInput as error:
        assert set(error.errors) == {"q"}
    else:
        assert words and all(word.isalnum() for word in words)
