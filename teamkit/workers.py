"""Serve one address from several processes: `teamkit serve --workers N`.

Python runs one thread at a time per process, so a second process is how a web server uses
a second core. The parent binds the socket, forks N waitress workers that share it (the
kernel hands each new connection to one of them), then only supervises: it restarts a
worker that dies and stops them all on SIGTERM or SIGINT. Work that must happen once per
server (the embedded scheduler) runs in the parent, never in a worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from flask import Flask

from teamkit.db import get_engine

log = logging.getLogger("teamkit.workers")

#: A worker that dies sooner than this after starting is not restarted (it would loop).
MIN_LIFETIME_SECONDS = 2.0
#: How often a worker checks that its parent still runs.
PARENT_CHECK_SECONDS = 1.0


def unshared_limits_warning(storage_url: str, workers: int) -> str | None:
    """Return a warning when `workers` processes would each count rate limits on their own.

    With `memory://`, each process keeps its own count of log-in (and sign-up, reset)
    attempts, so N workers let N times the limit through.
    """
    if workers < 2 or not storage_url.startswith("memory://"):
        return None
    return (
        f"WARNING: {workers} workers with TEAMKIT_RATELIMIT_STORAGE_URL={storage_url}: each "
        "worker counts log-in, sign-up and password-reset attempts on its own, so up to "
        f"{workers} times TEAMKIT_LOGIN_RATE_LIMIT get through. Set "
        "TEAMKIT_RATELIMIT_STORAGE_URL to a store the workers share, e.g. redis://host:6379 "
        "(install teamkit[redis])."
    )


def bind(host: str, port: int) -> socket.socket:
    """Return a listening socket on `host`:`port` for the workers to share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    listener.setblocking(False)
    return listener


def _exit_with_parent(parent: int) -> None:
    """Stop this worker once its parent is gone, even killed without a word (SIGKILL)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _run_worker(app: Flask, listener: socket.socket, threads: int, parent: int) -> None:
    """Serve `app` on the shared socket in this (forked) process until told to stop."""
    from waitress import serve

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    # The parent's pooled connections must not be shared: open this worker's own.
    get_engine(app).dispose(close=False)
    serve(app, sockets=[listener], threads=threads, ident="teamkit", _quiet=True)


def _fork_worker(app: Flask, listener: socket.socket, threads: int) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        code = 0
        try:
            _run_worker(app, listener, threads, parent)
        except BaseException:
            log.exception("worker %s failed", os.getpid())
            code = 1
        finally:
            os._exit(code)
    log.info("worker %s started", pid)
    return pid


def serve_workers(
    app: Flask,
    listener: socket.socket,
    *,
    workers: int,
    threads: int,
    on_started: Callable[[], Any] | None = None,
) -> None:
    """Fork `workers` waitress processes on `listener` and supervise them until stopped.

    `on_started` runs once in this (the parent) process after the workers are forked: the
    place for the scheduler, whose threads a fork would not carry over anyway.
    """
    # No pooled connection may cross the fork.
    get_engine(app).dispose()
    started: dict[int, float] = {}
    for _ in range(workers):
        started[_fork_worker(app, listener, threads)] = time.monotonic()
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(started):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if on_started is not None:
            on_started()
        while started:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries for us
                continue
            if pid not in started:
                continue
            lived = time.monotonic() - started.pop(pid)
            if stopping:
                continue
            log.warning("worker %s stopped (status %s)", pid, status)
            if lived < MIN_LIFETIME_SECONDS:
                log.error("worker %s died at start; stopping the server", pid)
                stop(signal.SIGTERM, None)
                continue
            started[_fork_worker(app, listener, threads)] = time.monotonic()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        listener.close()
