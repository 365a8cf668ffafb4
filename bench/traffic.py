"""The app's traffic at fixed rates, and a sampler of the lock waits it suffers.

Workers replay the query mix of legacy-schema.md §4 on their own connections, each at a fixed
rate, under the role the app uses: trainers insert a metrics row and update their job's summary
(#6), the monitor page lists a user's jobs (#13), the training agent polls for work (#16), and
the servers page reads a user's inference servers (#33). Every query is timed. The sampler reads
``pg_stat_activity`` every few milliseconds and records, for each app query waiting on a lock,
whether the session in its way (``pg_blocking_pids``) is a migration.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

APP = "bench-app"
MIGRATIONS = ("training-db migrate", "naive rebrand")


@dataclass
class Sample:
    started: float  # perf_counter
    seconds: float
    query: str
    error: str | None = None


@dataclass
class Worker:
    name: str
    role: str
    per_second: float
    run: Callable[[psycopg.Connection[Any], int], None]


@dataclass
class Traffic:
    """Runs the workers until stopped; ``samples`` holds every query's timing."""

    url: str
    workers: Sequence[Worker]
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for worker in self.workers:
            thread = threading.Thread(target=self._loop, args=(worker,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _loop(self, worker: Worker) -> None:
        with psycopg.connect(self.url, autocommit=True, application_name=APP) as connection:
            connection.execute(f"SET ROLE {worker.role}")
            interval = 1 / worker.per_second
            due = time.perf_counter()
            number = 0
            while not self._stop.is_set():
                due += interval
                started = time.perf_counter()
                error = None
                try:
                    worker.run(connection, number)
                except psycopg.Error as failure:
                    error = f"{type(failure).__name__}: {str(failure).splitlines()[0][:120]}"
                self.samples.append(Sample(started, time.perf_counter() - started, worker.name, error))
                number += 1
                time.sleep(max(0.0, due - time.perf_counter()))


@dataclass
class LockWaits:
    """Polls pg_stat_activity for app sessions waiting on a lock; records waits caused by a migration."""

    url: str
    every_seconds: float = 0.005
    # (perf_counter, app pid, seconds the query has waited, blocked by a migration?)
    observations: list[tuple[float, int, float, bool]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        query = (
            "SELECT a.pid, extract(epoch FROM clock_timestamp() - a.state_change), "
            "EXISTS (SELECT 1 FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid)) "
            "AND b.application_name = ANY (%s)) "
            "FROM pg_stat_activity a WHERE a.application_name = %s AND a.wait_event_type = 'Lock'"
        )
        with psycopg.connect(self.url, autocommit=True, application_name="bench-sampler") as connection:
            while not self._stop.is_set():
                now = time.perf_counter()
                for pid, waited, by_migration in connection.execute(query, [list(MIGRATIONS), APP]):
                    self.observations.append((now, int(pid), float(waited), bool(by_migration)))
                time.sleep(self.every_seconds)

    def longest_wait_on_a_migration(self, start: float, end: float) -> float:
        waits = [w for t, _, w, by in self.observations if start <= t <= end and by]
        return max(waits, default=0.0)

    def blocked_seconds(self, start: float, end: float) -> float:
        """How long at least one app query waited on a lock held or queued by a migration.

        Each observation says that a query had been waiting for ``waited`` seconds at ``t``: the
        union of those intervals is the time the app was blocked.
        """
        intervals = sorted((t - w, t) for t, _, w, by in self.observations if start <= t <= end and by)
        total, covered_to = 0.0, float("-inf")
        for begin, finish in intervals:
            if finish > covered_to:
                total += finish - max(begin, covered_to)
                covered_to = finish
        return total


def app_workers(facts: dict[str, Any], scale: float = 1.0) -> list[Worker]:
    """The mix, with ``facts`` (a running job, a user, ...) from :func:`pick_facts`."""
    running_job, user, pending_user = facts["running_job"], facts["user"], facts["pending_user"]

    def trainer(connection: psycopg.Connection[Any], number: int) -> None:
        with connection.transaction():
            connection.execute(
                "INSERT INTO local_training_metrics (job_id, step, epoch, train_loss, learning_rate, "
                '"timestamp") VALUES (%s, %s, 1, 0.42, 0.0002, now())',
                [running_job, 10 * number],
            )
            connection.execute(
                "UPDATE local_training_jobs SET current_step = %s, loss = 0.42, updated_at = now() "
                "WHERE id = %s",
                [10 * number, running_job],
            )

    def as_user(sql: str) -> Callable[[psycopg.Connection[Any], int], None]:
        def run(connection: psycopg.Connection[Any], number: int) -> None:
            with connection.transaction():
                connection.execute("SELECT set_config('request.jwt.claim.sub', %s, true)", [user])
                connection.execute(sql, [user]).fetchall()

        return run

    def agent_poll(connection: psycopg.Connection[Any], number: int) -> None:
        connection.execute(
            "SELECT id, model_name, config, job_token FROM local_training_jobs WHERE user_id = %s "
            "AND status = 'pending' AND agent_id IS NULL ORDER BY created_at ASC LIMIT 1",
            [pending_user],
        ).fetchall()

    return [
        Worker("#6 metrics insert + job summary", "service_role", 10 * scale, trainer),
        Worker("#6 metrics insert + job summary", "service_role", 10 * scale, trainer),
        Worker(
            "#13 monitor job list",
            "authenticated",
            5 * scale,
            as_user("SELECT * FROM local_training_jobs WHERE user_id = %s ORDER BY created_at DESC LIMIT 50"),
        ),
        Worker("#16 agent poll", "service_role", 5 * scale, agent_poll),
        Worker(
            "#33 servers status",
            "authenticated",
            5 * scale,
            as_user(
                "SELECT id, server_type, name, base_url, port, status, started_at "
                "FROM local_inference_servers WHERE user_id = %s ORDER BY started_at DESC"
            ),
        ),
    ]


def pick_facts(url: str) -> dict[str, Any]:
    """A running job, its user, and a user with a pending job, from the seeded rows."""
    with psycopg.connect(url) as connection:
        running = connection.execute(
            "SELECT id, user_id FROM local_training_jobs ORDER BY (status = 'running') DESC, id LIMIT 1"
        ).fetchone()
        pending = connection.execute(
            "SELECT user_id FROM local_training_jobs ORDER BY (status = 'pending') DESC, id LIMIT 1"
        ).fetchone()
    assert running is not None and pending is not None
    return {"running_job": running[0], "user": str(running[1]), "pending_user": str(pending[0])}
