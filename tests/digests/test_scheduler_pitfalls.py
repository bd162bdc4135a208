"""The ways other apps get scheduled sends wrong, each shown not to happen here.

(The third, replaying every missed period after downtime, is
test_delivery.py::test_a_scheduler_down_for_weeks_sends_one_digest_for_the_latest_period.)
"""

from __future__ import annotations

import threading
from datetime import timedelta

import time_machine
from apscheduler.jobstores.memory import MemoryJobStore

from digests.support import MONDAY, configure_digest, deliveries
from teamkit import create_app
from teamkit.db import get_engine, job_session
from teamkit.digests.claims import claim_deliveries
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import DeliveryStatus
from teamkit.digests.plan import plan_due_periods
from teamkit.scheduler import build_scheduler


def worker_app(app_config, template):
    """Another web worker: its own app, engine and embedded scheduler, on the same database."""
    app = create_app(app_config)
    app.config["TEAMKIT"].update(
        {k: template.config["TEAMKIT"][k] for k in ("SMTP_URL", "WEBHOOK_ALLOW", "MAIL_FROM")}
    )
    return app


def test_one_scheduler_in_every_web_worker_still_sends_each_digest_once(
    digest_app, app_config, crew, smtp, slack
):
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(
            digest_app, crew.team, crew.owner, enabled=True, slack_webhook_url=slack.url()
        )
    workers = [digest_app, worker_app(app_config, digest_app), worker_app(app_config, digest_app)]
    ticks = [build_scheduler(app).get_job("digests-deliver-due").func for app in workers]
    start = threading.Barrier(len(ticks))

    def run(tick):
        start.wait()
        tick()

    with time_machine.travel(MONDAY, tick=False):
        threads = [threading.Thread(target=run, args=(tick,)) for tick in ticks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    for app in workers[1:]:
        get_engine(app).dispose()
    assert {d.status for d in deliveries(digest_app)} == {DeliveryStatus.SENT}
    assert len(deliveries(digest_app)) == 2
    assert all(len(smtp.box.to(person.email)) == 1 for person in crew.everyone)
    assert len(slack.received) == 1


def test_the_scheduler_shares_no_job_store_the_truth_is_in_tables(
    digest_app, app_config, crew, smtp
):
    scheduler = build_scheduler(digest_app)
    assert all(isinstance(store, MemoryJobStore) for store in scheduler._jobstores.values())
    assert scheduler.get_job("digests-deliver-due") is not None

    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True)
    # A scheduler plans the period and claims its delivery, then dies before sending.
    with time_machine.travel(MONDAY, tick=False):
        with digest_app.app_context(), job_session(digest_app) as session:
            plan_due_periods(session, digest_app, MONDAY)
        with digest_app.app_context(), job_session(digest_app) as session:
            assert claim_deliveries(session, MONDAY, "dead-worker", lease_seconds=300)
        # A new process knows nothing of it in memory; while the lease holds it keeps off.
        restarted = worker_app(app_config, digest_app)
        assert deliver_due(restarted).sent == 0
    with time_machine.travel(MONDAY + timedelta(seconds=301), tick=False):
        assert deliver_due(restarted).sent == 1
        assert deliver_due(restarted).sent == 0
    get_engine(restarted).dispose()
    assert len(smtp.box.messages) == 4
    assert all(len(smtp.box.to(person.email)) == 1 for person in crew.everyone)


def test_a_claim_taken_over_after_its_lease_is_never_sent_by_its_old_holder(
    digest_app, crew, slack
):
    from teamkit.digests.deliver import TickReport, send_delivery

    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(
            digest_app,
            crew.team,
            crew.owner,
            enabled=True,
            email_enabled=False,
            slack_webhook_url=slack.url(),
        )
    with time_machine.travel(MONDAY, tick=False):
        with digest_app.app_context(), job_session(digest_app) as session:
            plan_due_periods(session, digest_app, MONDAY)
        with digest_app.app_context(), job_session(digest_app) as session:
            (delivery_id,) = claim_deliveries(session, MONDAY, "slow", lease_seconds=300)
    later = MONDAY + timedelta(seconds=301)
    with time_machine.travel(later, tick=False):
        with digest_app.app_context(), job_session(digest_app) as session:
            assert claim_deliveries(session, later, "fresh", lease_seconds=300) == [delivery_id]
        report = TickReport()
        send_delivery(digest_app, delivery_id, "slow", report)
        assert report.sent == 0 and slack.received == []
        send_delivery(digest_app, delivery_id, "fresh", report)
    assert report.sent == 1 and len(slack.received) == 1
