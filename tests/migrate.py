"""Run Alembic the two ways users do: in-process (``alembic.command``) and as the ``alembic`` CLI."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config

REPO_ROOT = Path(__file__).resolve().parents[1]
HEAD = "0002_training_provider_view"
T = TypeVar("T")


def alembic_config(url: str | None, **x_arguments: str) -> Config:
    """A Config like ``alembic -x url=URL -x name=value`` builds, without reconfiguring logging."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    x_values = ([f"url={url}"] if url else []) + [f"{name}={value}" for name, value in x_arguments.items()]
    config.cmd_opts = argparse.Namespace(x=x_values)
    config.attributes["configure_logger"] = False
    return config


def upgrade(url: str, revision: str = "head", **x_arguments: str) -> None:
    command.upgrade(alembic_config(url, **x_arguments), revision)


def downgrade(url: str, revision: str = "base", **x_arguments: str) -> None:
    command.downgrade(alembic_config(url, **x_arguments), revision)


def across_upgrade_and_downgrade(url: str, measure: Callable[[str], T]) -> tuple[T, T, T]:
    """``measure`` at base, after ``upgrade head`` and after ``downgrade base``."""
    before = measure(url)
    upgrade(url)
    at_head = measure(url)
    downgrade(url)
    return before, at_head, measure(url)


def run_alembic(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The ``alembic`` command line, from the repository root, with a clean DATABASE_URL."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "alembic", *arguments],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def offline_sql(*arguments: str) -> str:
    """What ``alembic upgrade|downgrade ... --sql`` prints: the SQL a DBA reviews."""
    result = run_alembic(*arguments, "--sql")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def run_training_db(*arguments: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """The ``training-db`` command line, as a deploy or CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "training_db.cli", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
