"""The APScheduler wiring: every periodic job, listed in one place.

APScheduler 3 can't share a job store between processes, so its jobs are only ticks
("find what is due and claim it"); what is due, and who has claimed it, lives in tables.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from teamkit.capabilities import jobs
from teamkit.capability import Job, resolve
from teamkit.db import is_unavailable, job_session

log = logging.getLogger("teamkit.scheduler")


def heartbeat(app: Flask) -> None:
    """Log that the scheduler is alive and can reach the database."""
    with job_session(app) as session:
        session.connection()
    log.info("scheduler tick")


#: The scheduler's own job; every capability adds its own (`Capability.jobs`).
HEARTBEAT = Job("heartbeat", "teamkit.scheduler:heartbeat")


def all_jobs() -> tuple[Job, ...]:
    """Return every periodic job of teamkit: the heartbeat, then each capability's."""
    return (HEARTBEAT, *jobs())


def build_scheduler(app: Flask, *, blocking: bool = False) -> BaseScheduler:
    """Return a scheduler with every job of `all_jobs()` added (not started)."""
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone="UTC") if blocking else BackgroundScheduler(timezone="UTC")
    )
    for job in all_jobs():
        scheduler.add_job(
            _in_app_context(app, resolve(job.run)),
            "interval",
            seconds=int(app.config["TEAMKIT"][job.every_setting]),
            id=job.id,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    return scheduler


def _in_app_context(app: Flask, run: Callable[[Flask], None]) -> Callable[[], None]:
    def tick() -> None:
        with app.app_context():
            try:
                run(app)
            except Exception as error:
                name = getattr(run, "__name__", run)
                if is_unavailable(error):
                    # Nothing is lost: what is due stays due in the tables, for the next tick.
                    first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
                    log.warning("job %s: the database is not answering (%s)", name, first_line)
                else:
                    log.exception("job %s failed", name)

    tick.__name__ = tick.__qualname__ = getattr(run, "__name__", "tick")
    return tick
