"""Scheduler tick: forget audit events older than TEAMKIT_AUDIT_RETENTION_DAYS."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

from teamkit.db import job_session
from teamkit.teams import audit

log = logging.getLogger("teamkit.teams")


def prune_audit_log(app: Flask) -> None:
    """Delete every audit event older than the retention time, in one transaction."""
    keep = timedelta(days=app.config["TEAMKIT"]["AUDIT_RETENTION_DAYS"])
    with job_session(app) as session:
        pruned = audit.prune(session, keep)
    if pruned:
        log.info("pruned %d audit event(s) older than %d days", pruned, keep.days)
