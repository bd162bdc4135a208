"""Full-text search over a team's retros: title, text, tags, factors and timeline.

PostgreSQL searches a weighted tsvector (GIN index); SQLite an FTS5 table. Both rank the
results and mark the matching words. Every edit of a retro refreshes its entry in the
same transaction, so a search never sees a retro as it was before a saved change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import delete, func, literal_column, select, text
from sqlalchemy.orm import Session

from teamkit.errors import InvalidInput
from teamkit.retros.models import (
    ContributingFactor,
    Retro,
    RetroSearch,
    RetroTag,
    TimelineEntry,
)
from teamkit.teams.models import Team

QUERY_MAX = 200
#: Words a query is searched for, at most.
WORDS_MAX = 12
RESULTS_MAX = 50
QUERY_MISSING = "Search for at least one word or number."
#: Marks around matching words, in the Unicode private use area: no text holds them, and
#: they survive HTML escaping, so the words are marked only after the text is escaped.
START, STOP = "\ue000", "\ue001"
#: Stand-ins for < and > in the indexed text: PostgreSQL's parser would take `<x>` for a
#: tag and drop it from excerpts. Put back (escaped) when an excerpt is shown.
LT, GT = "\ue002", "\ue003"
_INDEXED = str.maketrans({START: "", STOP: "", LT: "", GT: "", "<": LT, ">": GT})
_WORD = re.compile(r"\w+")
_TEXT_FIELDS = (
    "summary",
    "customer_impact",
    "detection",
    "went_well",
    "went_wrong",
    "got_lucky",
    "lessons",
)


def _document(session: Session, retro: Retro) -> str:
    tags = session.scalars(select(RetroTag.name).where(RetroTag.retro_id == retro.id))
    factors = session.scalars(
        select(ContributingFactor.description).where(ContributingFactor.retro_id == retro.id)
    )
    notes = session.scalars(
        select(TimelineEntry.note)
        .where(TimelineEntry.retro_id == retro.id)
        .order_by(TimelineEntry.occurred_at)
    )
    parts = [" ".join(tags)]
    parts += [getattr(retro, name) or "" for name in _TEXT_FIELDS]
    parts += list(factors) + list(notes)
    return _indexed("\n".join(part for part in parts if part))


def _indexed(value: str) -> str:
    # Private-use marks never come from a member: strip any, so the marks stay ours.
    return value.translate(_INDEXED)


def reindex_retro(session: Session, retro: Retro) -> None:
    """Write the retro's searchable text, within the caller's transaction."""
    body = _document(session, retro)
    title = _indexed(retro.title)
    dialect = session.get_bind().dialect.name
    entry = session.get(RetroSearch, retro.id)
    if entry is None:
        entry = RetroSearch(retro_id=retro.id, team_id=retro.team_id)
        session.add(entry)
    entry.title, entry.body = title, body
    if dialect == "postgresql":
        entry.vector = func.setweight(func.to_tsvector("english", title), literal_column("'A'")).op(
            "||"
        )(func.setweight(func.to_tsvector("english", body), literal_column("'B'")))
    session.flush()
    if dialect == "sqlite":
        session.execute(text("DELETE FROM retro_search_fts WHERE rowid = :id"), {"id": retro.id})
        session.execute(
            text("INSERT INTO retro_search_fts (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": retro.id, "title": title, "body": body},
        )


def forget_retro(session: Session, retro_id: int) -> None:
    """Remove a retro from the index (its row goes with the retro on its own)."""
    session.execute(delete(RetroSearch).where(RetroSearch.retro_id == retro_id))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM retro_search_fts WHERE rowid = :id"), {"id": retro_id})


def query_words(query: str | None, *, required: bool = True) -> list[str]:
    """Return the words of a search query, or raise InvalidInput (too long, or none).

    With `required=False`, a query without a word or number has no words (it finds nothing).
    """
    raw = query or ""
    if len(raw) > QUERY_MAX:
        raise InvalidInput({"q": f"Use at most {QUERY_MAX} characters (this has {len(raw)})."})
    words = [word.lower() for word in _WORD.findall(raw.replace("_", " "))]
    if not words and required:
        raise InvalidInput({"q": QUERY_MISSING})
    return list(dict.fromkeys(words))[:WORDS_MAX]


@dataclass(frozen=True)
class SearchHit:
    """A retro that matches, with its title and an excerpt, matching words marked."""

    retro_id: int
    title: Markup
    excerpt: Markup
    status: str
    format: str


def marked(fragment: str | None) -> Markup:
    """Return `fragment` escaped, its matching words wrapped in <mark>."""
    safe = str(escape(fragment or ""))
    for mark, tag in ((START, "<mark>"), (STOP, "</mark>"), (LT, "&lt;"), (GT, "&gt;")):
        safe = safe.replace(mark, tag)
    return Markup(safe)


def search_retros(
    session: Session,
    team: Team,
    query: str | None,
    *,
    limit: int = RESULTS_MAX,
    required: bool = True,
) -> list[SearchHit]:
    """Return the team's retros matching every word of `query`, best first.

    A query without a word or number raises InvalidInput, or with `required=False` finds
    nothing.
    """
    words = query_words(query, required=required)
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = _search_postgresql(session, team, words, limit)
    else:
        rows = _search_sqlite(session, team, words, limit)
    return [
        SearchHit(
            retro_id=row[0],
            title=marked(row[1]),
            excerpt=marked(row[2]),
            status=row[3],
            format=row[4],
        )
        for row in rows
    ]


def _search_sqlite(session: Session, team: Team, words: list[str], limit: int) -> list[Any]:
    # Each word quoted: FTS5's query syntax (AND, NEAR, column filters) stays out of reach.
    match = " ".join(f'"{word}"' for word in words)
    statement = text(
        "SELECT retro.id, highlight(retro_search_fts, 0, :start, :stop),"
        " snippet(retro_search_fts, 1, :start, :stop, '…', 24), retro.status, retro.format"
        " FROM retro_search_fts"
        " JOIN retro_search ON retro_search.retro_id = retro_search_fts.rowid"
        " JOIN retro ON retro.id = retro_search.retro_id"
        " WHERE retro_search_fts MATCH :match AND retro_search.team_id = :team"
        " ORDER BY bm25(retro_search_fts, 10.0, 1.0), retro.id DESC"
        " LIMIT :limit"
    )
    return list(
        session.execute(
            statement,
            {"start": START, "stop": STOP, "match": match, "team": team.id, "limit": limit},
        )
    )


def _search_postgresql(session: Session, team: Team, words: list[str], limit: int) -> list[Any]:
    query = func.plainto_tsquery("english", " ".join(words))
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
    title_options = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
    statement = (
        select(
            Retro.id,
            func.ts_headline("english", RetroSearch.title, query, title_options),
            func.ts_headline("english", RetroSearch.body, query, options),
            Retro.status,
            Retro.format,
        )
        .join(Retro, Retro.id == RetroSearch.retro_id)
        .where(RetroSearch.team_id == team.id, RetroSearch.vector.op("@@")(query))
        .order_by(func.ts_rank(RetroSearch.vector, query).desc(), Retro.id.desc())
        .limit(limit)
    )
    return list(session.execute(statement))
