"""Where the reviewed SQL lives: the repository's schema/ in a checkout, or the copy in the wheel."""

from __future__ import annotations

from pathlib import Path

from training_db.errors import TrainingDbError

_PACKAGE_DIR = Path(__file__).resolve().parent


def schema_dir() -> Path:
    """``schema/`` beside ``src/`` in a checkout (editable install) or inside the installed wheel."""
    for candidate in (_PACKAGE_DIR.parents[1] / "schema", _PACKAGE_DIR / "schema"):
        if (candidate / "legacy_tables.sql").is_file():
            return candidate
    raise TrainingDbError("training-db's schema/ folder is missing from this install: reinstall training-db")
