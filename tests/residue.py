"""Read what the database keeps on disk: raw PostgreSQL pages and the SQLite file and WAL.

The residue tests of pulses' answers and boards' anonymous cards use these to show that,
after the scheduler's vacuum, nothing in the raw database links a row to its writer.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, text

from teamkit.db import get_engine


def raw_pages(connection: Connection, relation: str) -> list[bytes]:
    """Return every 8 kB page of `relation`, as PostgreSQL stores it."""
    pages = connection.scalar(text(f"SELECT pg_relation_size('{relation}') / 8192"))
    return [
        connection.scalar(text(f"SELECT get_raw_page('{relation}', {n})")) for n in range(pages)
    ]


def tuple_headers(connection: Connection, relation: str) -> list[Any]:
    """Return (line pointer flag, xmin, xmax) of every item of every page of `relation`."""
    pages = connection.scalar(text(f"SELECT pg_relation_size('{relation}') / 8192"))
    found: list[Any] = []
    for n in range(pages):
        found += connection.execute(
            text(
                "SELECT lp_flags, t_xmin::text, t_xmax::text "
                f"FROM heap_page_items(get_raw_page('{relation}', {n}))"
            )
        ).all()
    return found


def stale_copies(connection: Connection, relation: str, keys: Iterable[str]) -> dict[str, int]:
    """Return the keys found other than exactly once in the raw pages, with their count."""
    raw = b"".join(raw_pages(connection, relation))
    return {key: raw.count(key.encode()) for key in keys if raw.count(key.encode()) != 1}


@pytest.fixture
def pageinspect(app: Flask) -> Iterator[Connection]:
    """An autocommit connection with the pageinspect extension (PostgreSQL only)."""
    with app.app_context():
        engine = get_engine(app)
        if engine.dialect.name != "postgresql":
            pytest.skip("pageinspect is PostgreSQL's")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            yield connection


def sqlite_file(app: Flask) -> Path:
    """Return the SQLite database file (skip on another database)."""
    with app.app_context():
        engine = get_engine(app)
        if engine.dialect.name != "sqlite":
            pytest.skip("the WAL and cell layout are SQLite's")
        return Path(engine.url.database or "")


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + "-wal")


def assert_cells_in_key_order(raw: bytes, keys: Iterable[str]) -> None:
    """Check that on each page of a SQLite file the keys' cells sit in key order.

    Cells in the order of their random keys say nothing of when they were written.
    """
    page_size = int.from_bytes(raw[16:18], "big") or 65536
    by_page: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for key in keys:
        start = raw.find(key.encode())
        while start != -1:
            by_page[start // page_size].append((start, key))
            start = raw.find(key.encode(), start + 1)
    assert by_page
    for page, cells in by_page.items():
        firsts: dict[str, int] = {}
        for offset, key in sorted(cells):
            firsts.setdefault(key, offset)
        laid_out = sorted(firsts, key=firsts.__getitem__)
        assert laid_out in (sorted(laid_out), sorted(laid_out, reverse=True)), page


#: How many ticks a test runs before it gives up on a vacuum that is put off.
TICKS = 300


def tick_until_vacuumed(
    job: Callable[[Flask], None], app: Flask, is_due: Callable[[], bool]
) -> None:
    """Run a vacuum job, as the scheduler's ticks would, until it takes the mark.

    On PostgreSQL the job puts its vacuum off while a transaction older than the writes
    runs (on a shared server, another database's too).
    """
    for _ in range(TICKS):
        job(app)
        if not is_due():
            return
        time.sleep(0.2)
    raise AssertionError("the vacuum was put off on every tick")
