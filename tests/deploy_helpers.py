"""Helpers for deploy-time tests: a blocking session, a migration run in the background, waiting on it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import psycopg

from migrate import REPO_ROOT

MIGRATION_APPLICATION = "training-db migrate"


def start_upgrade(url: str, *x_arguments: str, target: str = "head") -> subprocess.Popen[str]:
    """``alembic upgrade`` in the background, as a deploy runs it."""
    arguments = [
        argument for pair in (("-x", value) for value in (f"url={url}", *x_arguments)) for argument in pair
    ]
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "alembic", *arguments, "upgrade", target],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr


def failure_lines(stdout: str, stderr: str) -> list[str]:
    """What a failed run printed besides its progress log (Alembic's and training-db's INFO/WARNING)."""
    return [line for line in (stdout + stderr).splitlines() if not line.startswith(("INFO ", "WARNI"))]


def wait_for_migration_lock_wait(connection: psycopg.Connection[Any], timeout: float = 30) -> int:
    """The pid of the migration's backend once it waits on a heavyweight lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'",
            [MIGRATION_APPLICATION],
        ).fetchone()
        if row:
            return int(row[0])
        time.sleep(0.05)
    raise AssertionError("the migration never waited on a lock")
