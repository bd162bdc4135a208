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

The rewrite leaves dead row versions behind, and they carry the writer's `xmin` until
VACUUM; a plain VACUUM frees them but leaves their bytes in the page's free space. So a
submission marks its pulse (`Pulse.is_vacuum_due`) and the scheduler's next tick runs
VACUUM FULL on the answer tables, outside any transaction: they are rewritten with their
live rows only, and their old files are gone.

SQLite keeps no old versions, but it writes each transaction to its WAL file, and a page
keeps its cells where they were inserted: in the order people answered. Its connections
use `secure_delete`; the tick runs VACUUM (the file is rebuilt, each table in key order,
random) and then checkpoints and truncates the WAL (`teamkit.residue`, shared with the
boards' anonymous cards).

What this can't hide is named in the README: WAL archives and replicas, and someone who
watches writes as they happen.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from teamkit import residue
from teamkit.pulses.models import Pulse, PulseAnswer, PulseAnswerValue, PulseComment

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

#: The tables whose rows must not tell who wrote them.
ANSWER_TABLES = ("pulse_answer", "pulse_answer_value", "pulse_comment")
#: Pulses answered since the answer tables were last vacuumed.
VACUUM = residue.VacuumMark(flag=Pulse.is_vacuum_due, key=Pulse.id, tables=ANSWER_TABLES)


def scatter_pulse_rows(session: Session, pulse_id: int) -> None:
    """Rewrite every answer, value and comment row of a pulse, each table in a random order.

    Call it in the transaction that stored a new answer, after the answer is flushed.
    """
    if not residue.needs_scatter(session):
        return
    answer_keys = list(
        session.scalars(select(PulseAnswer.id).where(PulseAnswer.pulse_id == pulse_id))
    )
    comment_keys = list(
        session.scalars(select(PulseComment.id).where(PulseComment.pulse_id == pulse_id))
    )
    residue.rewrite_in_random_order(session, _REWRITE_ANSWER, answer_keys)
    residue.rewrite_in_random_order(session, _REWRITE_VALUES, answer_keys)
    residue.rewrite_in_random_order(session, _REWRITE_COMMENT, comment_keys)
