"""What the benchmarks share: a server, seeded databases at a given size, Alembic runs, statistics, output.

Every script runs on the embedded PostgreSQL 18 unless ``--url`` names a server (a role that may
create databases and roles). Absolute times on a shared 2-core machine are noisy, so each script
measures the things it compares side by side in one run and reports ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy.engine import make_url

from training_db.embedded import server_url, start_embedded_server
from training_db.seed import seed_database

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "bench" / "results"
BASE_JOBS = 200  # seeded by training-db seed; larger sizes are grown from these rows
METRICS_PER_JOB = 25  # the seed's own ratio (legacy-schema.md §5: one row per 10 steps, short jobs)
JOBS_PER_SERVER = 7


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds (what CI runs)")
    parser.add_argument("--url", help="a PostgreSQL server to use instead of the embedded one")
    parser.add_argument("--out", type=Path, help="where to write the table (JSON) and plot (PNG)")
    parsed = parser.parse_args()
    if parsed.out is None:
        # A quick run must not overwrite the committed figures.
        parsed.out = Path(tempfile.mkdtemp(prefix="training-db-bench-")) if parsed.quick else RESULTS
    parsed.out.mkdir(parents=True, exist_ok=True)
    return parsed


class Server:
    """A running server: create, seed and drop databases on it."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def url(self, database: str) -> str:
        """A postgresql:// URL of ``database``, what ``-x url=`` takes."""
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def recreate(self, database: str) -> str:
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            name = sql.Identifier(database)
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        return self.url(database)

    def seeded(self, database: str, metric_rows: int) -> str:
        """A production-like database at base revision with ``metric_rows`` metric rows."""
        url = self.recreate(database)
        seed_database(url, id_type="text", jobs=BASE_JOBS if metric_rows else 0)
        if metric_rows:
            grow(url, metric_rows)
        return url


@contextmanager
def server(url: str | None) -> Iterator[Server]:
    if url:
        yield Server(url)
        return
    with tempfile.TemporaryDirectory(prefix="training-db-bench-") as scratch:
        embedded = start_embedded_server(Path(scratch) / "pgdata", cleanup_mode="delete")
        try:
            yield Server(server_url(embedded))
        finally:
            embedded.cleanup()


def grow(url: str, metric_rows: int) -> None:
    """Grow a seeded database to ``metric_rows`` metric rows by cloning its rows in SQL.

    Jobs grow to ``metric_rows / METRICS_PER_JOB`` and servers to jobs / JOBS_PER_SERVER, the
    proportions the seed itself produces; every clone keeps its template's shape (NULLs, JSONB).
    """
    jobs = max(BASE_JOBS, metric_rows // METRICS_PER_JOB)
    with psycopg.connect(url) as connection:
        existing = _count(connection, "local_training_metrics")
        _clone(
            connection,
            "local_training_jobs",
            jobs - BASE_JOBS,
            {
                "id": "'grown-' || g",
                "job_token": "md5(g::text)",
                "created_at": "created_at + g * interval '1 s'",
            },
            "id",
        )
        _clone(
            connection,
            "local_training_metrics",
            metric_rows - existing,
            {"job_id": f"'grown-' || (1 + g % {max(1, jobs - BASE_JOBS)})"},
            "id",
            skip=("id",),
        )
        _clone(
            connection,
            "local_inference_servers",
            jobs // JOBS_PER_SERVER - _count(connection, "local_inference_servers"),
            {"id": "gen_random_uuid()", "training_job_id": "NULL", "port": "8000 + g % 1000"},
            "id",
        )
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")


def _clone(
    connection: psycopg.Connection[Any],
    table: str,
    count: int,
    overrides: dict[str, str],
    order_by: str,
    skip: Sequence[str] = (),
) -> None:
    """Insert ``count`` copies of the table's rows, cycling through them, with some columns computed."""
    if count <= 0:
        return
    columns = [
        row[0]
        for row in connection.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            [f"public.{table}"],
        )
        if row[0] not in skip
    ]
    values = ", ".join(overrides.get(column, f'template."{column}"') for column in columns)
    listed = ", ".join(f'"{column}"' for column in columns)
    connection.execute(
        f"INSERT INTO public.{table} ({listed}) "
        f"SELECT {values} FROM generate_series(1, {count}) AS g "
        f"JOIN (SELECT *, row_number() OVER (ORDER BY {order_by}) - 1 AS n FROM public.{table}) AS template "
        f"ON template.n = g % (SELECT count(*) FROM public.{table})"
    )


def _count(connection: psycopg.Connection[Any], table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM public.{table}").fetchone()
    assert row is not None
    return int(row[0])


def alembic_config(url: str, **x_arguments: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.cmd_opts = argparse.Namespace(x=[f"url={url}", *(f"{k}={v}" for k, v in x_arguments.items())])
    config.attributes["configure_logger"] = False
    return config


def timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def upgrade(url: str) -> float:
    return timed(lambda: command.upgrade(alembic_config(url), "head"))


def downgrade(url: str) -> float:
    return timed(lambda: command.downgrade(alembic_config(url), "base"))


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    """The processor, cores, memory and Python the figures were measured with."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model or platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def server_version(url: str) -> str:
    with psycopg.connect(url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    assert row is not None
    return str(row[0])


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(h) for h in header], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for number, row in enumerate(cells):
        print(
            "  "
            + "  ".join(
                value.rjust(widths[i]) if i else value.ljust(widths[i]) for i, value in enumerate(row)
            )
        )
        if number == 0:
            print("  " + "  ".join("-" * width for width in widths))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def write_results(out: Path, name: str, results: dict[str, Any]) -> Path:
    path = out / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return path


def plot(out: Path, name: str, draw: Any) -> Path:
    """Draw with matplotlib (no display) into ``out/name.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    draw(axes)
    figure.tight_layout()
    path = out / f"{name}.png"
    figure.savefig(path)
    plt.close(figure)
    return path


def run(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
