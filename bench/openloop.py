"""An open-loop load driver: requests leave at fixed times, whether or not answers came back.

A closed loop (wrk, ab) waits for an answer before it asks again, so a slow server is asked
less and its queueing never shows ("coordinated omission"). Here request i is due at
start + i / rate; it goes out at that time on an idle keep-alive connection (a new one when
none is idle, up to `connections`; past that it waits for one, as in a browser's or a proxy's
pool), and its latency counts from the time it was due, not from when it was sent.
A server that falls behind therefore shows its queue in the percentiles, as wrk2 would show
it (wrk2 is not packaged by Debian).

    .venv/bin/python bench/openloop.py http://127.0.0.1:5101/healthz --rate 50 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

#: Connections the driver opens at most (the server has far fewer threads).
MAX_CONNECTIONS = 32


@dataclass(frozen=True)
class OpenLoopResult:
    """What an open-loop run measured; latencies in milliseconds from the scheduled time."""

    rate: float
    seconds: float
    sent: int
    #: Answers by HTTP status ("error" for a broken connection).
    statuses: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    #: How late, at worst, the driver itself sent a request (its own lag, for honesty).
    worst_send_lag_ms: float


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of sorted `samples` (0 for none)."""
    if not samples:
        return 0.0
    rank = max(1, min(len(samples), round(fraction * len(samples) + 0.5)))
    return samples[rank - 1]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; return its status and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection", "").lower() != "close"


async def drive(
    url: str,
    headers: Mapping[str, str],
    *,
    rate: float,
    seconds: float,
    connections: int = MAX_CONNECTIONS,
) -> OpenLoopResult:
    """Send GET `url` at `rate` a second for `seconds`; measure from each scheduled time."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        + "\r\n"
    ).encode("latin-1")
    loop = asyncio.get_running_loop()
    count = max(1, int(rate * seconds))
    start = loop.time() + 0.05
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lag = 0.0
    # Without a cap, a server that falls behind gets ever more connections, past its listen
    # backlog; the kernel then drops SYNs and retries them for minutes: that measures TCP.
    slots = asyncio.Semaphore(connections)

    async def one(i: int) -> None:
        nonlocal lag
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        lag = max(lag, loop.time() - due)
        async with slots:
            await send(due)

    async def send(due: float) -> None:
        connection = None
        try:
            connection = idle.pop() if idle else await asyncio.open_connection(host, port)
            connection[1].write(request)
            status, keep = await _read_response(connection[0])
        except (OSError, asyncio.IncompleteReadError, ValueError):
            statuses["error"] += 1
            if connection is not None:
                connection[1].close()
            return
        latencies.append((loop.time() - due) * 1000)
        statuses[str(status)] += 1
        if keep:
            idle.append(connection)
        else:
            connection[1].close()

    await asyncio.gather(*(one(i) for i in range(count)))
    for _reader, writer in idle:
        writer.close()
    latencies.sort()
    return OpenLoopResult(
        rate=rate,
        seconds=seconds,
        sent=count,
        statuses=dict(statuses),
        p50_ms=round(percentile(latencies, 0.50), 2),
        p95_ms=round(percentile(latencies, 0.95), 2),
        p99_ms=round(percentile(latencies, 0.99), 2),
        max_ms=round(latencies[-1] if latencies else 0.0, 2),
        worst_send_lag_ms=round(lag * 1000, 2),
    )


def run(
    url: str,
    headers: Mapping[str, str],
    *,
    rate: float,
    seconds: float,
    connections: int = MAX_CONNECTIONS,
) -> OpenLoopResult:
    """Run `drive` in a fresh event loop."""
    return asyncio.run(drive(url, headers, rate=rate, seconds=seconds, connections=connections))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=50.0, help="requests a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--connections", type=int, default=MAX_CONNECTIONS)
    args = parser.parse_args(argv)
    headers = dict(h.split(":", 1) for h in args.header)
    result = run(
        args.url,
        {k.strip(): v.strip() for k, v in headers.items()},
        rate=args.rate,
        seconds=args.seconds,
        connections=args.connections,
    )
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
