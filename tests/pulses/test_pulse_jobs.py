"""The scheduler's pulse ticks, and several schedulers racing to open one due pulse."""

from __future__ import annotations

import threading
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from teamkit.db import job_session, utcnow
from teamkit.pulses import jobs, services
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.models import Pulse
from teamkit.scheduler import build_scheduler

from .conftest import Acting


def test_the_scheduler_runs_the_pulse_ticks(app):
    ids = {job.id for job in build_scheduler(app).get_jobs()}
    assert {"pulses-close-due", "pulses-open-due", "pulses-vacuum-answers"} <= ids


def test_the_close_tick_closes_a_pulse_at_the_end_of_its_window(app, squad):
    acting = Acting(app, squad)
    pulse_id = acting(squad.facilitator, services.open_pulse).id
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1), tick=False):
        jobs.close_due(app)
    with app.app_context(), job_session(app) as session:
        pulse = session.get(Pulse, pulse_id)
        assert pulse.closed_at == pulse.closes_at


def test_the_open_tick_opens_the_cadence_pulse(app, squad):
    Acting(app, squad)(squad.owner, pulse_settings.update_settings, {"cadence_weeks": 1})
    jobs.open_due(app)
    jobs.open_due(app)
    with app.app_context(), job_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Pulse)) == 1


def test_schedulers_racing_to_open_a_due_pulse_open_it_once(app, squad):
    Acting(app, squad)(squad.owner, pulse_settings.update_settings, {"cadence_weeks": 2})
    racers = 6
    start = threading.Barrier(racers)
    errors: list[BaseException] = []

    def tick() -> None:
        start.wait()
        try:
            with app.app_context():
                jobs.open_due(app)
        except BaseException as error:  # the test looks for exactly these
            errors.append(error)

    threads = [threading.Thread(target=tick) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context(), job_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Pulse)) == 1
