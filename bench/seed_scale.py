"""Fill a PostgreSQL database with a company's worth of teams, fast (COPY, not the ORM).

    .venv/bin/python bench/seed_scale.py --database-url postgresql+psycopg://…/scale

By default: 10,000 teams, 100,000 people (each in one to three teams), 50,000 goals with
1,000,000 check-ins, 20,000 closed pulses with 200,000 answers (and their values and
participations), 50,000 incident reviews (indexed for search) with 100,000 action items,
and every team's digest settings, `--due` of them due now. `--scale 0.1` makes a tenth.

It adds to what the database holds (the demo team, say): ids start past the highest ones
there, slugs and e-mail addresses carry a `--batch` name, so it can run twice. Rows go in
with PostgreSQL's COPY, in one transaction a table; the search index is built by one
`INSERT … SELECT` the way `teamkit.retros.search` builds it; `VACUUM ANALYZE` at the end
gives the planner its statistics, as autovacuum would soon after.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from teamkit import migrate

GOALS_A_TEAM = 5
PULSES_A_TEAM = 2
ITEMS_A_PULSE = 3
RETROS_A_TEAM = 5
ACTIONS_A_RETRO = 2
WORDS = (
    "replica",
    "lag",
    "failover",
    "deploy",
    "cache",
    "queue",
    "timeout",
    "rollback",
    "pager",
    "alert",
    "database",
    "index",
    "certificate",
    "expiry",
    "network",
    "partition",
    "release",
    "checklist",
    "runbook",
    "dashboard",
    "latency",
    "customer",
    "billing",
    "search",
    "export",
    "import",
    "login",
    "token",
    "webhook",
    "scheduler",
    "digest",
)


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def next_id(connection: psycopg.Connection[Any], table: str) -> int:
    row = connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
    return int(row[0]) if row else 1


def copy(
    connection: psycopg.Connection[Any], table: str, columns: Sequence[str], rows: Iterable[Any]
) -> int:
    """COPY `rows` into `table`; return how many."""
    count = 0
    with connection.cursor() as cursor:
        names = ", ".join(columns)
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as pipe:
            for row in rows:
                pipe.write_row(row)
                count += 1
    return count


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class Seeder:
    """Generates the rows, keeping the few ids later tables point at."""

    def __init__(self, connection: psycopg.Connection[Any], args: argparse.Namespace) -> None:
        self.db = connection
        self.rng = random.Random(args.seed)
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        self.teams = max(1, round(10_000 * args.scale))
        self.people = max(self.teams, round(100_000 * args.scale))
        self.checkins = round(1_000_000 * args.scale)
        self.answers = round(200_000 * args.scale)
        self.retros = round(50_000 * args.scale)
        self.due = min(self.teams, self.teams // 10 if args.due is None else args.due)
        self.batch = args.batch
        self.team0 = next_id(connection, "team")
        self.person0 = next_id(connection, "person")
        self.membership0 = next_id(connection, "membership")
        #: Each team's members: (membership id, person id), the owner first.
        self.members: list[list[tuple[int, int]]] = [[] for _ in range(self.teams)]

    def step(self, name: str, count: int, started: float) -> None:
        print(f"  {name:<28} {count:>9,}  {time.perf_counter() - started:6.1f} s", flush=True)

    def run(self) -> None:
        for name, fill in (
            ("teams", self.fill_teams),
            ("people", self.fill_people),
            ("memberships", self.fill_memberships),
            ("goals and check-ins", self.fill_goals),
            ("pulses and answers", self.fill_pulses),
            ("retros and action items", self.fill_retros),
            ("retro search index", self.fill_search),
            ("digest settings", self.fill_digests),
        ):
            started = time.perf_counter()
            count = fill()
            self.db.commit()
            self.step(name, count, started)
        for table in ("team", "person", "membership", "goal", "check_in", "pulse"):
            self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        for table in ("pulse_item", "retro", "action_item"):
            self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        self.db.commit()

    def fill_teams(self) -> int:
        rows = (
            (self.team0 + n, f"Scale team {self.batch}{n}", f"{self.batch}{n}", self.now)
            for n in range(self.teams)
        )
        return copy(self.db, "team", ("id", "name", "slug", "created_at"), rows)

    def fill_people(self) -> int:
        def rows() -> Iterator[tuple[Any, ...]]:
            for n in range(self.people):
                yield (
                    self.person0 + n,
                    f"p{n}@{self.batch}.example.com",
                    f"Person {self.batch}{n}",
                    "-",  # no password: nobody logs in as them
                    f"{self.batch}{n:x}"[-64:],
                    self.now,
                    f"{self.rng.getrandbits(128):032x}",
                )

        columns = ("id", "email", "name", "password_hash", "session_token", "created_at")
        return copy(self.db, "person", (*columns, "link_key"), rows())

    def fill_memberships(self) -> int:
        def rows() -> Iterator[tuple[Any, ...]]:
            membership_id = self.membership0
            for n in range(self.people):
                person = self.person0 + n
                # Person n is in team n mod teams (the first of each team owns it), and one
                # person in two is in one or two other teams too.
                teams = {n % self.teams}
                for extra in range(n % 3):
                    teams.add((n * 7 + 13 * extra + 1) % self.teams)
                for team in sorted(teams):
                    role = "owner" if n < self.teams and team == n else "member"
                    self.members[team].append((membership_id, person))
                    yield (membership_id, self.team0 + team, person, role, self.now)
                    membership_id += 1

        return copy(
            self.db, "membership", ("id", "team_id", "person_id", "role", "joined_at"), rows()
        )

    def fill_goals(self) -> int:
        goal0 = next_id(self.db, "goal")
        goals = self.teams * GOALS_A_TEAM

        def goal_rows() -> Iterator[tuple[Any, ...]]:
            for n in range(goals):
                team = n // GOALS_A_TEAM
                owner = self.members[team][n % len(self.members[team])][0]
                yield (
                    goal0 + n,
                    self.team0 + team,
                    f"Goal {n % GOALS_A_TEAM + 1}: {sentence(self.rng, 4)}",
                    sentence(self.rng, 12),
                    f"Slogan {n}",
                    "%",
                    0.0,
                    100.0,
                    owner,
                    "active",
                    n % GOALS_A_TEAM == 0,
                    n % GOALS_A_TEAM,
                    self.now,
                    self.now,
                )

        columns = (
            "id", "team_id", "title", "why", "slogan", "measure_unit", "measure_start",
            "measure_target", "owner_id", "status", "is_pinned", "position", "created_at",
            "updated_at",
        )  # fmt: skip
        count = copy(self.db, "goal", columns, goal_rows())
        per_goal = max(1, self.checkins // goals)

        def checkin_rows() -> Iterator[tuple[Any, ...]]:
            for n in range(goals):
                team = n // GOALS_A_TEAM
                members = self.members[team]
                for k in range(per_goal):
                    yield (
                        goal0 + n,
                        members[k % len(members)][1],
                        float(k * 90 // per_goal),
                        "On track, a few things to watch.",
                        1 + k % 5,
                        self.now - timedelta(days=7 * (per_goal - k)),
                    )

        columns = ("goal_id", "person_id", "value", "note", "confidence", "created_at")
        return count + copy(self.db, "check_in", columns, checkin_rows())

    def fill_pulses(self) -> int:
        pulse0, item0 = next_id(self.db, "pulse"), next_id(self.db, "pulse_item")
        pulses = self.teams * PULSES_A_TEAM
        per_pulse = max(1, self.answers // pulses)
        pulse_rows, item_rows, answers, values, participations = [], [], [], [], []
        for n in range(pulses):
            team = n // PULSES_A_TEAM
            members = self.members[team]
            opens = self.now - timedelta(days=14 * (PULSES_A_TEAM - n % PULSES_A_TEAM) + 7)
            pulse_rows.append(
                (
                    pulse0 + n, self.team0 + team, "psychological-safety-7",
                    "How safe does it feel?", opens, opens + timedelta(days=7),
                    opens + timedelta(days=7), False, len(members), 5, False, opens,
                )
            )  # fmt: skip
            items = [item0 + n * ITEMS_A_PULSE + i for i in range(ITEMS_A_PULSE)]
            for i, item in enumerate(items):
                item_rows.append((item, pulse0 + n, i, "agreement", sentence(self.rng, 6), False))
            # Answers beyond the team's size come from people since gone: none participate.
            for a in range(per_pulse):
                key = f"{self.rng.getrandbits(128):032x}"
                scores = [self.rng.randint(1, 7) for _ in items]
                answers.append((key, pulse0 + n, sum(scores), False, False))
                values += [(key, item, score) for item, score in zip(items, scores, strict=True)]
                if a < len(members):
                    participations.append((pulse0 + n, members[a][1]))
        columns = (
            "id", "team_id", "template_key", "title", "opens_at", "closes_at", "closed_at",
            "asks_goal_recall", "member_count", "threshold", "is_vacuum_due", "created_at",
        )  # fmt: skip
        count = copy(self.db, "pulse", columns, pulse_rows)
        columns = ("id", "pulse_id", "position", "kind", "text", "is_reverse_scored")
        count += copy(self.db, "pulse_item", columns, item_rows)
        columns = ("id", "pulse_id", "total", "names_goal", "names_north_star")
        count += copy(self.db, "pulse_answer", columns, answers)
        count += copy(self.db, "pulse_answer_value", ("answer_id", "item_id", "value"), values)
        return count + copy(
            self.db, "pulse_participation", ("pulse_id", "person_id"), participations
        )

    def fill_retros(self) -> int:
        retro0, action0 = next_id(self.db, "retro"), next_id(self.db, "action_item")
        retros = [], []
        for n in range(self.retros):
            team = n % self.teams
            members = self.members[team]
            at = self.now - timedelta(days=3 * (n // self.teams) + 1)
            retros[0].append(
                (
                    retro0 + n, self.team0 + team, "incident", "published",
                    f"Incident {n}: {sentence(self.rng, 5)}", sentence(self.rng, 30),
                    at - timedelta(hours=2), at, 1 + n % 4, sentence(self.rng, 10),
                    sentence(self.rng, 8), sentence(self.rng, 8), sentence(self.rng, 8),
                    sentence(self.rng, 6), sentence(self.rng, 12), members[0][1], at, at, at,
                )
            )  # fmt: skip
            for a in range(ACTIONS_A_RETRO):
                retros[1].append(
                    (
                        action0 + n * ACTIONS_A_RETRO + a, self.team0 + team, retro0 + n,
                        f"Action {a + 1}: {sentence(self.rng, 5)}",
                        members[(n + a) % len(members)][0],
                        (at + timedelta(days=14)).date(), ("open", "done")[(n + a) % 2], "",
                        at, at,
                    )
                )  # fmt: skip
        columns = (
            "id", "team_id", "format", "status", "title", "summary", "started_at", "ended_at",
            "severity", "customer_impact", "detection", "went_well", "went_wrong", "got_lucky",
            "lessons", "created_by_id", "created_at", "updated_at", "published_at",
        )  # fmt: skip
        count = copy(self.db, "retro", columns, retros[0])
        columns = (
            "id", "team_id", "retro_id", "title", "owner_id", "due_date", "status",
            "closing_note", "created_at", "updated_at",
        )  # fmt: skip
        self.retro_range = (retro0, retro0 + self.retros)
        return count + copy(self.db, "action_item", columns, retros[1])

    def fill_search(self) -> int:
        # What teamkit.retros.search.reindex_retro writes (no tags, factors or timeline here).
        body = " || E'\\n' || ".join(
            ("summary", "customer_impact", "detection", "went_well", "went_wrong", "got_lucky",
             "lessons")
        )  # fmt: skip
        cursor = self.db.execute(
            "INSERT INTO retro_search (retro_id, team_id, title, body, vector) "
            f"SELECT id, team_id, title, {body}, "
            "setweight(to_tsvector('english', title), 'A') || "
            f"setweight(to_tsvector('english', {body}), 'B') "
            "FROM retro WHERE id >= %s AND id < %s",
            self.retro_range,
        )
        return cursor.rowcount

    def fill_digests(self) -> int:
        rows = (
            (
                self.team0 + n, True, "0 9 * * 1", 1, "UTC", True, None,
                self.now - timedelta(minutes=5) if n < self.due else self.now + timedelta(days=3),
                self.now,
            )
            for n in range(self.teams)
        )  # fmt: skip
        columns = (
            "team_id", "is_enabled", "cron", "week_interval", "timezone", "is_email_enabled",
            "slack_webhook_url", "next_run_at", "updated_at",
        )  # fmt: skip
        return copy(self.db, "digest_settings", columns, rows)


def seed_scale(database_url: str, argv: Sequence[str] = ()) -> None:
    """Add a company's teams to the (migrated) database at `database_url`."""
    args = parser().parse_args([*argv, "--database-url", database_url])
    main_with(args)


def main_with(args: argparse.Namespace) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(args.database_url)
    migrate.upgrade(engine)
    engine.dispose()
    started = time.perf_counter()
    with psycopg.connect(plain(args.database_url)) as connection:
        seeder = Seeder(connection, args)
        print(
            f"{seeder.teams:,} teams, {seeder.people:,} people, {seeder.checkins:,} check-ins, "
            f"{seeder.answers:,} pulse answers, {seeder.retros:,} retros, "
            f"{seeder.due:,} digests due",
            flush=True,
        )
        seeder.run()
    with psycopg.connect(plain(args.database_url), autocommit=True) as connection:
        vacuumed = time.perf_counter()
        connection.execute("VACUUM ANALYZE")
        print(f"  {'VACUUM ANALYZE':<28} {'':>9}  {time.perf_counter() - vacuumed:6.1f} s")
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 teams")
    parser.add_argument("--due", type=int, default=None, help="digests due now (default 10%%)")
    parser.add_argument("--batch", default="scale-", help="prefix of slugs and addresses")
    parser.add_argument("--seed", type=int, default=18)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("seed_scale fills PostgreSQL (it uses COPY)")
    main_with(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
