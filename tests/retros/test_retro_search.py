"""Search across a team's retros: full-text, ranked, marked, and in step with every edit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from teamkit.errors import InvalidInput
from teamkit.retros import search, services, timeline

START = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def _ids(hits):
    return [hit.retro_id for hit in hits]


def test_search_finds_title_text_tags_factors_and_timeline(session, crew, as_member):
    member = as_member(crew.member)
    by_title = services.create_retro(session, member, title="Replica lag storm")
    by_text = services.create_retro(session, member, title="A", lessons="Watch the replica.")
    by_tag = services.create_retro(session, member, title="B", tags=["replica"])
    by_factor = services.create_retro(session, member, title="C")
    timeline.add_factor(session, member, by_factor, category="technical", description="replica")
    by_entry = services.create_retro(session, member, title="D")
    timeline.add_entry(session, member, by_entry, occurred_at=START, note="Replica fell behind")
    services.create_retro(session, member, title="Unrelated", summary="Nothing here.")
    hits = search.search_retros(session, crew.team, "replica")
    assert set(_ids(hits)) == {by_title.id, by_text.id, by_tag.id, by_factor.id, by_entry.id}
    assert hits[0].retro_id == by_title.id  # a title match ranks first


def test_every_word_must_match_and_words_are_stemmed(session, crew, as_member):
    member = as_member(crew.member)
    both = services.create_retro(session, member, title="Payments", summary="Timeouts everywhere")
    services.create_retro(session, member, title="Payments", summary="Slow pages")
    assert _ids(search.search_retros(session, crew.team, "payment timeout")) == [both.id]


def test_matching_words_are_marked_and_the_rest_escaped(session, crew, as_member):
    member = as_member(crew.member)
    services.create_retro(
        session,
        member,
        title="<b>Cache</b> stampede",
        summary="The <script>cache</script> emptied.",
    )
    (hit,) = search.search_retros(session, crew.team, "cache")
    assert "<mark>Cache</mark>" in hit.title
    assert "&lt;b&gt;" in hit.title and "<b>" not in hit.title
    assert "<mark>cache</mark>" in hit.excerpt and "<script>" not in hit.excerpt


def test_search_stays_in_step_with_edits(session, crew, as_member):
    member = as_member(crew.member)
    retro = services.create_retro(session, member, title="Certificate expired")
    services.update_retro(session, member, retro, {"title": "TLS renewal missed"})
    assert search.search_retros(session, crew.team, "certificate") == []
    assert _ids(search.search_retros(session, crew.team, "renewal")) == [retro.id]
    entry = timeline.add_entry(session, member, retro, occurred_at=START, note="Pager woke Ada")
    assert _ids(search.search_retros(session, crew.team, "pager")) == [retro.id]
    timeline.delete_entry(session, member, retro, entry)
    assert search.search_retros(session, crew.team, "pager") == []


def test_search_sees_only_the_teams_own_retros(session, crew, as_member, make):
    other_owner = make.person()
    other = make.team(other_owner, slug="other-team")
    services.create_retro(session, as_member(other_owner, other), title="Secret outage")
    assert search.search_retros(session, crew.team, "secret") == []


@pytest.mark.parametrize("query", ["", "   ", "?!*()\"'", "x" * 201])
def test_a_query_without_words_is_refused(session, crew, query):
    with pytest.raises(InvalidInput) as error:
        search.search_retros(session, crew.team, query)
    assert "q" in error.value.errors


def test_search_syntax_in_a_query_is_only_words(session, crew, as_member):
    member = as_member(crew.member)
    retro = services.create_retro(session, member, title="NEAR the OR gate AND title")
    assert _ids(search.search_retros(session, crew.team, 'title:near OR "and" -gate*')) == [
        retro.id
    ]
