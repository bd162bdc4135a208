"""Scheduler tick: wipe the residue of anonymous cards written since the last tick."""

from __future__ import annotations

import logging

from flask import Flask

from teamkit import residue
from teamkit.boards import anonymity

log = logging.getLogger("teamkit.boards")


def vacuum_cards(app: Flask) -> None:
    """Vacuum the card table once anonymous cards were written since the last time."""
    claimed = residue.vacuum_when_due(app, anonymity.VACUUM)
    if claimed:
        log.info("vacuumed the card table after anonymous cards on board(s) %s", claimed)
