"""The scheduler's digest tick: find what is due, claim it, send it."""

from __future__ import annotations

import logging

from flask import Flask

from teamkit.digests.deliver import deliver_due as deliver

log = logging.getLogger("teamkit.digests")


def deliver_due(app: Flask) -> None:
    """Plan the periods that came due, then send every delivery no other scheduler holds.

    Any number of schedulers run it at once: the claims in the database keep each digest
    to one of them (see teamkit.digests.claims).
    """
    report = deliver(app)
    if report.planned or report.sent or report.failed or report.retrying or report.skipped:
        log.info(
            "digests: %d due, %d sent, %d retrying, %d failed, %d skipped",
            report.planned,
            report.sent,
            report.retrying,
            report.failed,
            report.skipped,
        )
