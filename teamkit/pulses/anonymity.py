"""Keep PostgreSQL from telling which answer came with which participation.

Every PostgreSQL row carries `xmin`, the id of the transaction that wrote it, and sits at
a physical place (`ctid`) that follows the order rows were written. A participation row
and the answer written with it would share an `xmin`, and answers would sit in the order
people answered. So each submission, in its own transaction, also rewrites every answer,
value and comment row of its pulse in a random order: afterwards they all carry that
transaction's `xmin` (shared by the whole pulse) and their physical order is a fresh
shuffle, while their random keys stay put. A pulse has at most a team's size of answers,
so this costs a few hundred row writes at most; submissions to one pulse take turns on
the pulse's row lock, so two never rewrite the same rows in opposite orders (no deadlock).

SQLite has no `xmin`, and its answer tables are WITHOUT ROWID with random keys, so rows
already sit in key order; nothing to do there.

What this can't hide is named in the README: someone who watches writes as they happen
(or reads the write-ahead log, or dead row versions before VACUUM) sees which rows changed.
"""

from __future__ import annotations

import random
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from teamkit.pulses.models import PulseAnswer, PulseAnswerValue, PulseComment

_shuffler = random.SystemRandom()

_answers = cast(Table, PulseAnswer.__table__)
_values = cast(Table, PulseAnswerValue.__table__)
_comments = cast(Table, PulseComment.__table__)

#: Rewrite one row (or one answer's values) without changing it: a new row version.
_REWRITE_ANSWER = (
    update(_answers).where(_answers.c.id == bindparam("key")).values(total=_answers.c.total)
)
_REWRITE_VALUES = (
    update(_values).where(_values.c.answer_id == bindparam("key")).values(value=_values.c.value)
)
_REWRITE_COMMENT = (
    update(_comments).where(_comments.c.id == bindparam("key")).values(text=_comments.c.text)
)


def needs_scatter(session: Session) -> bool:
    """Tell whether this database shows row versions and physical order (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def scatter_pulse_rows(session: Session, pulse_id: int) -> None:
    """Rewrite every answer, value and comment row of a pulse, each table in a random order.

    Call it in the transaction that stored a new answer, after the answer is flushed.
    """
    if not needs_scatter(session):
        return
    answer_keys = list(
        session.scalars(select(PulseAnswer.id).where(PulseAnswer.pulse_id == pulse_id))
    )
    comment_keys = list(
        session.scalars(select(PulseComment.id).where(PulseComment.pulse_id == pulse_id))
    )
    for statement, keys in (
        (_REWRITE_ANSWER, answer_keys),
        (_REWRITE_VALUES, list(answer_keys)),
        (_REWRITE_COMMENT, comment_keys),
    ):
        if not keys:
            continue
        _shuffler.shuffle(keys)
        session.execute(statement, [{"key": key} for key in keys])
