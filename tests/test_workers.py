"""`teamkit serve --workers N`: N processes serve one address; the scheduler runs once."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from teamkit.workers import unshared_limits_warning

TEAMKIT = str(Path(sys.executable).with_name("teamkit"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(n) for n in path.read_text().split()] if path.exists() else []


def wait_until(check: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def two_workers(database_url: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """Start `teamkit serve --workers 2` with the scheduler ticking every second."""
    if not Path("/proc/self/task").exists():
        pytest.skip("reads the process tree from /proc")
    port = free_port()
    env = {
        **os.environ,
        "TEAMKIT_DATABASE_URL": database_url,
        "TEAMKIT_INSTANCE_PATH": str(tmp_path),
        "TEAMKIT_SECRET_KEY": "test-secret-key",
        "TEAMKIT_SCHEDULER_TICK_SECONDS": "1",
        "TEAMKIT_DATABASE_POOL_SIZE": "2",
    }
    process = subprocess.Popen(
        [TEAMKIT, "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until(lambda: answers(port) or process.poll() is not None)
        yield process, port
    finally:
        workers = children_of(process.pid)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait()
        for pid in workers:  # never leave a worker behind, whatever the test did
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert process.stdout is not None
        process.stdout.close()


def test_serve_with_two_workers_runs_two_processes_and_one_scheduler(
    two_workers: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = two_workers
    assert process.poll() is None, "the server stopped"
    workers = children_of(process.pid)
    assert len(workers) == 2
    assert all(answers(port) for _ in range(10))
    time.sleep(2.5)  # a few scheduler ticks
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "2 workers of 2 threads" in output
    assert output.count("scheduler started") == 1
    assert output.count("Scheduler started") == 1  # APScheduler's own word: one scheduler
    assert output.count("scheduler tick") >= 2
    # Every worker stopped with the server: none left behind serving the port.
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not answers(port)


def test_workers_stop_when_their_parent_is_killed(
    two_workers: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = two_workers
    workers = children_of(process.pid)
    process.kill()
    process.wait()

    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A stopped worker waits as a zombie for init to reap it.
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
        except FileNotFoundError:
            return True

    wait_until(lambda: all(gone(pid) for pid in workers), seconds=10)
    assert not answers(port)


def test_a_worker_that_dies_is_replaced(two_workers: tuple[subprocess.Popen[str], int]) -> None:
    process, port = two_workers
    first = children_of(process.pid)
    time.sleep(2.5)  # past the start-up window in which a dying worker stops the server
    os.kill(first[0], signal.SIGKILL)
    wait_until(lambda: len(set(children_of(process.pid)) - {first[0]}) == 2)
    assert answers(port)
    assert process.poll() is None


def test_serving_with_workers_and_per_process_rate_limits_warns_on_stderr(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "TEAMKIT_DATABASE_URL": database_url,
        "TEAMKIT_INSTANCE_PATH": str(tmp_path),
        "TEAMKIT_SECRET_KEY": "test-secret-key",
        "TEAMKIT_DATABASE_POOL_SIZE": "1",
        "TEAMKIT_RATELIMIT_STORAGE_URL": "memory://",
    }
    process = subprocess.Popen(
        [TEAMKIT, "serve", "--workers", "2", "--no-scheduler", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: answers(port) or process.poll() is not None)
    finally:
        process.send_signal(signal.SIGTERM)
        _output, errors = process.communicate(timeout=20)
    assert "WARNING: 2 workers with TEAMKIT_RATELIMIT_STORAGE_URL=memory://" in errors
    assert "up to 2 times TEAMKIT_LOGIN_RATE_LIMIT get through" in errors
    # Once on stderr itself and once in the log.
    assert errors.count("each worker counts log-in") == 2


@pytest.mark.parametrize(("storage", "workers"), [("memory://", 1), ("redis://cache:6379", 4)])
def test_one_worker_or_a_shared_store_needs_no_warning(storage: str, workers: int) -> None:
    assert unshared_limits_warning(storage, workers) is None
