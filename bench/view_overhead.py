"""View overhead: the same three reads through training_provider and on local_training_jobs directly.

One job by id, a user's 50 newest jobs, and a count per status, each as an authenticated user
(RLS applies to both: the view is security_invoker). Each pair returns the same rows (checked
first): the direct form writes the label as a literal, as the app would without the view. The two
forms run interleaved, alternating which goes first, on one connection; reported: the median of
each and their ratio, and whether the plans use the same indexes. Target: ratio <= 1.05 for the
two lookups.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from common import arguments, machine, median, plot, print_table, server, upgrade, write_results
from traffic import pick_facts

# Each pair returns the same rows: the direct form writes the label as the app otherwise would.
SHAPES = {
    "job by id": (
        "SELECT id AS job_id, user_id, status, created_at, 'Cloud training'::text AS provider_label "
        "FROM local_training_jobs WHERE id = %(job)s",
        "SELECT job_id, user_id, status, created_at, provider_label FROM training_provider "
        "WHERE job_id = %(job)s",
    ),
    "a user's 50 newest": (
        "SELECT id AS job_id, status, created_at, 'Cloud training'::text AS provider_label "
        "FROM local_training_jobs WHERE user_id = %(user)s ORDER BY created_at DESC, id LIMIT 50",
        "SELECT job_id, status, created_at, provider_label FROM training_provider WHERE user_id = %(user)s "
        "ORDER BY created_at DESC, job_id LIMIT 50",
    ),
    "count per status": (
        "SELECT status, count(*) FROM local_training_jobs GROUP BY status ORDER BY status",
        "SELECT status, count(*) FROM training_provider GROUP BY status ORDER BY status",
    ),
}
LOOKUPS = ("job by id", "a user's 50 newest")
TARGET = 1.05


def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    rounds = 50 if options.quick else 2000
    with server(options.url) as pg:
        url = pg.seeded("view_overhead", 10**3 if options.quick else 10**5)
        upgrade(url)
        facts = pick_facts(url)
        parameters = {"job": facts["running_job"], "user": facts["user"]}
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("SET ROLE authenticated")
            connection.execute("SELECT set_config('request.jwt.claim.sub', %s, false)", [facts["user"]])
            plans = {
                shape: [_indexes(connection, sql, parameters) for sql in pair]
                for shape, pair in SHAPES.items()
            }
            timings = _interleaved(connection, parameters, rounds)
    report(options.out, rounds, timings, plans)


def _interleaved(
    connection: psycopg.Connection[Any], parameters: dict[str, str], rounds: int
) -> dict[str, Any]:
    timings: dict[str, dict[str, list[float]]] = {shape: {"table": [], "view": []} for shape in SHAPES}
    for number in range(rounds):
        for shape, (table_sql, view_sql) in SHAPES.items():
            order = (("table", table_sql), ("view", view_sql))
            for form, sql in order if number % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                connection.execute(sql, parameters).fetchall()
                timings[shape][form].append(time.perf_counter() - started)
    return timings


def _indexes(connection: psycopg.Connection[Any], sql: str, parameters: dict[str, str]) -> list[str]:
    """The indexes the plan reads, in plan order."""
    row = connection.execute("EXPLAIN (FORMAT JSON) " + sql, parameters).fetchone()
    assert row is not None
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Index Name" in node:
            found.append(node["Index Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(row[0][0]["Plan"])
    return found


def report(out: Any, rounds: int, timings: dict[str, Any], plans: dict[str, list[list[str]]]) -> None:
    rows, ratios = [], {}
    for shape, forms in timings.items():
        table, view = median(forms["table"]) * 1e6, median(forms["view"]) * 1e6
        ratios[shape] = view / table
        same = "yes" if plans[shape][0] == plans[shape][1] else f"no: {plans[shape][0]} vs {plans[shape][1]}"
        rows.append([shape, table, view, ratios[shape], ", ".join(plans[shape][1]) or "(none)", same])
    print_table(
        f"median of {rounds} interleaved runs each, as an authenticated user ({machine()})",
        ["read", "table µs", "view µs", "ratio", "view's indexes", "same plan indexes"],
        rows,
    )
    worst = max(ratios[shape] for shape in LOOKUPS)
    print(f"\nworst lookup ratio: {worst:.3f} (target <= {TARGET}: {'met' if worst <= TARGET else 'MISSED'})")
    medians_us = {
        shape: {form: median(values) * 1e6 for form, values in forms.items()}
        for shape, forms in timings.items()
    }
    results = {
        "machine": machine(),
        "rounds": rounds,
        "medians_us": medians_us,
        "ratios": ratios,
        "plans": plans,
    }
    write_results(out, "view_overhead", results)

    def draw(axes: Any) -> None:
        shapes = list(timings)
        positions = range(len(shapes))
        for offset, form in ((-0.2, "table"), (0.2, "view")):
            values = [median(timings[shape][form]) * 1e6 for shape in shapes]
            axes.bar([p + offset for p in positions], values, width=0.4, label=form)
        axes.set_xticks(list(positions), shapes)
        axes.set_ylabel("median µs")
        axes.set_title("training_provider view vs local_training_jobs, as an authenticated user")
        axes.legend()

    print(f"plot: {plot(out, 'view_overhead', draw)}")


if __name__ == "__main__":
    main()
