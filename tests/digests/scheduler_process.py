"""A scheduler process for the digests' tests: runs the digest job until nothing is due.

Usage: python scheduler_process.py '<json>' with "database_url", "settings" (TEAMKIT_*
values by name), "shift_seconds" (start that far in the future, to outlive a dead
process's leases) and "idle_rounds". Prints what it did as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from teamkit import create_app


def main() -> None:
    options = json.loads(sys.argv[1])
    app = create_app(
        {
            "DATABASE_URL": options["database_url"],
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(Path(options["instance_path"])),
            "BASE_URL": "http://teamkit.test",
        }
    )
    settings = dict(options["settings"])
    if "WEBHOOK_ALLOW" in settings:
        settings["WEBHOOK_ALLOW"] = tuple(settings["WEBHOOK_ALLOW"])
    app.config["TEAMKIT"].update(settings)
    from teamkit.digests.deliver import TickReport, deliver_due

    shift = float(options.get("shift_seconds", 0))
    if shift:
        time_machine.travel(datetime.now(UTC) + timedelta(seconds=shift), tick=True).start()
    total = TickReport()
    idle = 0
    while idle < int(options.get("idle_rounds", 3)):
        report = deliver_due(app)
        for name in ("planned", "sent", "failed", "retrying", "skipped"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        idle = idle + 1 if report.planned == report.sent == report.retrying == 0 else 0
        time.sleep(0.1)
    print(json.dumps(total.__dict__), flush=True)


if __name__ == "__main__":
    main()
