"""Scheduler tick: wipe the residue of anonymous cards written since the last tick."""

from __future__ import annotations

import logging

from flask import Flask

from teamkit.boards import anonymity
from teamkit.db import get_engine, job_session

log = logging.getLogger("teamkit.boards")


def vacuum_cards(app: Flask) -> None:
    """Vacuum the card table once anonymous cards were written since the last time."""
    with job_session(app) as session:
        claimed = anonymity.claim_vacuum(session)
    if not claimed:
        return
    try:
        anonymity.vacuum_card_tables(get_engine(app))
    except Exception:
        with job_session(app) as session:
            anonymity.mark_vacuum_due(session, claimed)
        raise
    log.info("vacuumed the card table after anonymous cards on board(s) %s", claimed)
