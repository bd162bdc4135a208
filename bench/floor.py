"""The floor: a bare Flask app with one route, one SQL query and a small template.

It is what any page costs under the same server before teamkit does anything, so the load
benchmark reports each teamkit page as a share of this app's requests per second.

    .venv/bin/python bench/floor.py --database-url sqlite:///… --port 5101 --threads 8
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from collections.abc import Sequence

from flask import Flask, render_template
from jinja2 import DictLoader
from sqlalchemy import create_engine, text

#: About what a teamkit page asks first: the team's goals, in the team's order.
QUERY = text(
    "SELECT goal.id, goal.title, goal.slogan FROM goal JOIN team ON team.id = goal.team_id "
    "WHERE team.slug = :slug ORDER BY goal.position, goal.id LIMIT 10"
)
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title></head>
<body><h1>Goals of {{ slug }}</h1><ul>
{% for row in rows %}
<li><a href="/goals/{{ row.id }}">{{ row.title }}</a> {{ row.slogan or "" }}</li>
{% endfor %}</ul></body></html>"""


def floor_app(database_url: str, pool_size: int = 8) -> Flask:
    """Return the bare Flask app reading `database_url` (a migrated teamkit database)."""
    app = Flask("floor")
    # A template file compiled once, as Flask does for any app's templates.
    app.jinja_loader = DictLoader({"floor.html": TEMPLATE})  # type: ignore[assignment]
    engine = create_engine(database_url, pool_size=pool_size, max_overflow=0)

    @app.get("/t/<slug>/")
    def index(slug: str) -> str:
        with engine.connect() as connection:
            rows = connection.execute(QUERY, {"slug": slug}).all()
        return render_template("floor.html", slug=slug, rows=rows)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    from waitress import serve

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5101)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="processes, as teamkit's")
    args = parser.parse_args(argv)
    print(f"floor is serving at http://{args.host}:{args.port}/", flush=True)
    if args.workers == 1:
        app = floor_app(args.database_url, args.threads)
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="floor")
        return 0
    # As `teamkit serve --workers`: one listening socket, shared by forked processes.
    listener = socket.create_server((args.host, args.port), backlog=1024)
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            app = floor_app(args.database_url, args.threads)
            serve(app, sockets=[listener], threads=args.threads, ident="floor", _quiet=True)
            os._exit(0)
        children.append(pid)

    def stop(_signum: int, _frame: object) -> None:
        for child in children:
            os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    for _ in children:
        os.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
