"""Side by side under the same load: the naive rebrand (RENAME plus a compatibility view) and ours.

While the app's traffic runs, a 5-second report query reads local_training_jobs (it holds ACCESS
SHARE on it). Then each approach runs: the naive one renames the table to cloud_training_jobs and
creates a view with the old name, as a team might write it, with no lock_timeout; ours is
`alembic upgrade head`. Reported for each: how long app queries were blocked behind the migration
(the union of their lock waits, sampled from pg_stat_activity), the longest single wait, and the
app's errors. Expected: the naive one blocks the app for about the report's remaining duration;
ours for 0.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg

from common import arguments, downgrade, machine, plot, print_table, server, upgrade, write_results
from traffic import LockWaits, Traffic, app_workers, pick_facts

NAIVE = (
    "ALTER TABLE public.local_training_jobs RENAME TO cloud_training_jobs",
    "CREATE VIEW public.local_training_jobs AS SELECT * FROM public.cloud_training_jobs",
)
UNDO_NAIVE = (
    "DROP VIEW public.local_training_jobs",
    "ALTER TABLE public.cloud_training_jobs RENAME TO local_training_jobs",
)


def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    report_seconds = 1.0 if options.quick else 5.0
    with server(options.url) as pg:
        url = pg.seeded("side_by_side", 10**3 if options.quick else 10**5)
        upgrade(url), downgrade(url)  # warm the caches
        traffic, waits = Traffic(url, app_workers(pick_facts(url))), LockWaits(url)
        traffic.start(), waits.start()
        time.sleep(1.0)
        results = {}
        for approach, migrate, undo in (
            ("naive rename + view", lambda: _naive(url, NAIVE), lambda: _naive(url, UNDO_NAIVE)),
            ("training-db", lambda: upgrade(url), lambda: downgrade(url)),
        ):
            results[approach] = _run_beside_a_report(url, report_seconds, migrate, traffic, waits)
            undo()
            time.sleep(1.0)
        traffic.stop(), waits.stop()
    report(options.out, report_seconds, results)


def _run_beside_a_report(
    url: str, report_seconds: float, migrate: Any, traffic: Traffic, waits: LockWaits
) -> dict[str, float]:
    report = threading.Thread(target=_report_query, args=(url, report_seconds))
    started = time.perf_counter()
    report.start()
    time.sleep(0.3)  # the report holds its ACCESS SHARE lock
    migration_started = time.perf_counter()
    migrate()
    migration_seconds = time.perf_counter() - migration_started
    report.join()
    time.sleep(0.3)
    ended = time.perf_counter()
    during = [s for s in traffic.samples if started <= s.started < ended]
    return {
        "app_blocked_s": waits.blocked_seconds(started, ended),
        "longest_app_wait_s": waits.longest_wait_on_a_migration(started, ended),
        "migration_s": migration_seconds,
        "app_queries": len(during),
        "app_errors": sum(1 for s in during if s.error),
        "slowest_app_query_s": max((s.seconds for s in during), default=0.0),
        "app_error_kinds": sorted({s.error for s in during if s.error}),  # type: ignore[dict-item]
    }


def _report_query(url: str, seconds: float) -> None:
    with psycopg.connect(url, application_name="bench-report") as connection:
        connection.execute("SELECT pg_sleep(%s), count(*) FROM public.local_training_jobs", [seconds])


def _naive(url: str, statements: tuple[str, ...]) -> None:
    """What a team would otherwise write: one transaction, no lock_timeout."""
    with psycopg.connect(url, application_name="naive rebrand") as connection:
        for statement in statements:
            connection.execute(statement)


def report(out: Any, report_seconds: float, results: dict[str, dict[str, Any]]) -> None:
    columns = [key for key in results[next(iter(results))] if key != "app_error_kinds"]
    print_table(
        f"beside a {report_seconds:.0f} s report query, under the app's traffic ({machine()})",
        ["approach", *columns],
        [[approach, *(values[key] for key in columns)] for approach, values in results.items()],
    )
    for approach, values in results.items():
        for kind in values["app_error_kinds"]:
            print(f"{approach}: app error: {kind}")
    naive, ours = results["naive rename + view"], results["training-db"]
    print(
        f"\napp blocked: naive {naive['app_blocked_s']:.2f} s (the report ran {report_seconds:.0f} s), "
        f"training-db {ours['app_blocked_s']:.2f} s (expected 0)"
    )
    write_results(
        out, "naive_vs_ours", {"machine": machine(), "report_s": report_seconds, "results": results}
    )

    def draw(axes: Any) -> None:
        names = list(results)
        axes.bar(names, [results[n]["app_blocked_s"] for n in names], color=["tab:red", "tab:green"])
        axes.set_ylabel("seconds the app's queries were blocked")
        axes.set_title(f"renaming vs labelling, beside a {report_seconds:.0f} s report query")

    print(f"plot: {plot(out, 'naive_vs_ours', draw)}")


if __name__ == "__main__":
    main()
