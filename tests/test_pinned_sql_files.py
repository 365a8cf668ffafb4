"""Every revision applies a pinned version of its reviewed SQL file: the pins match the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from migrate import REPO_ROOT, alembic_config
from training_db.errors import TrainingDbError
from training_db.pinned_sql import PinnedSqlFile, sha256_of

SCHEMA_DIR = REPO_ROOT / "schema"


def pinned_files() -> list[tuple[str, PinnedSqlFile]]:
    script = ScriptDirectory.from_config(alembic_config(None))
    pins = []
    for revision in script.walk_revisions():
        for value in vars(revision.module).values():
            if isinstance(value, PinnedSqlFile):
                pins.append((revision.revision, value))
    return pins


def test_every_revision_pins_at_least_one_file() -> None:
    revisions_with_pins = {revision for revision, _ in pinned_files()}
    assert revisions_with_pins == {"0001_table_comments", "0002_training_provider_view"}


@pytest.mark.parametrize(
    ("revision", "pinned"), pinned_files(), ids=lambda value: str(getattr(value, "relative_path", value))
)
def test_pinned_hash_matches_the_file(revision: str, pinned: PinnedSqlFile) -> None:
    content = (SCHEMA_DIR / pinned.relative_path).read_bytes()
    assert sha256_of(content) == pinned.sha256, (
        f"{pinned.relative_path} changed after {revision} was written: restore it and add a new version"
    )
    assert pinned.read(SCHEMA_DIR) == content.decode()


def test_a_changed_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "comments").mkdir()
    (tmp_path / "comments" / "x.sql").write_text("COMMENT ON TABLE public.t IS 'x';\n")
    pinned = PinnedSqlFile("comments/x.sql", sha256_of(b"COMMENT ON TABLE public.t IS 'y';\n"))
    with pytest.raises(TrainingDbError, match="was edited after its revision was written"):
        pinned.read(tmp_path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TrainingDbError, match="is missing: restore it from git"):
        PinnedSqlFile("views/gone.sql", "0" * 64).read(tmp_path)
