"""A PostgreSQL cluster of the test's own, in a temporary folder: to stop, restart, dump and
restore without touching the shared server.

Made with Debian's `initdb`/`pg_ctl` (under /usr/lib/postgresql/*/bin), run as the `postgres`
user when the tests run as root (PostgreSQL refuses to run as root). Without those tools the
test is skipped, and fails under CI.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from teamkit.config import is_truthy


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_tool(reason: str) -> None:
    """Skip the test for want of a tool, or fail it under CI, where every tool must be there."""
    if is_truthy(os.environ.get("CI")):
        pytest.fail(f"{reason} (CI must have it)", pytrace=False)
    pytest.skip(reason)


def tool(name: str) -> str:
    """Return the path of PostgreSQL's `name` (pg_dump, pg_restore, …), of the cluster's version."""
    bin_dir = _bin_dir()
    path = bin_dir / name if bin_dir else None
    if path is None or not path.exists():
        missing_tool(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    assert path is not None
    return str(path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A PostgreSQL server on 127.0.0.1 and a free port, its data in a temporary folder."""

    def __init__(self) -> None:
        self.bin = Path(tool("initdb")).parent
        self.root = Path(tempfile.mkdtemp(prefix="teamkit-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            try:
                account = pwd.getpwnam(self.user)
            except KeyError:
                missing_tool("no `postgres` user to run PostgreSQL as (we run as root)")
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL program as the cluster's user."""
        command = [*(["runuser", "-u", self.user, "--"] if self.user else []), *args]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> Cluster:
        self.run(
            str(self.bin / "initdb"),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--no-sync",
            "-D",
            str(self.data),
        )
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        status = self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return status.returncode == 0

    def start_if_stopped(self) -> None:
        """Start the cluster if a test left it stopped (or it never came back)."""
        if not self.is_running():
            self.start()

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def libpq_url(self, database: str) -> str:
        """The address `pg_dump` and `psql` take (no driver in the scheme)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), name)
        return self.url(name)

    def destroy(self) -> None:
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
        )
        shutil.rmtree(self.root, ignore_errors=True)
