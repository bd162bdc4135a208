"""Scheduler ticks: close pulses whose window ended, open those a team's cadence makes due,
wipe the residue of answers written since the last tick.

Each is one transaction; any number of scheduler processes may run them at once (closing
twice changes nothing, and a pulse's unique due key lets only one process open it).
"""

from __future__ import annotations

import logging

from flask import Flask

from teamkit import residue
from teamkit.db import job_session
from teamkit.pulses import anonymity, services

log = logging.getLogger("teamkit.pulses")


def close_due(app: Flask) -> None:
    """Close every pulse whose window has ended."""
    with job_session(app) as session:
        closed = services.close_due_pulses(session)
    if closed:
        log.info("closed %d pulse(s) at the end of their window", closed)


def open_due(app: Flask) -> None:
    """Open every team's scheduled pulse that has fallen due."""
    with job_session(app) as session:
        opened = services.open_due_pulses(session)
    if opened:
        log.info("opened scheduled pulse(s) %s", opened)


def vacuum_answers(app: Flask) -> None:
    """Vacuum the answer tables once answers were written since the last time."""
    claimed = residue.vacuum_when_due(app, anonymity.VACUUM)
    if claimed:
        log.info("vacuumed the answer tables after answers to pulse(s) %s", claimed)
