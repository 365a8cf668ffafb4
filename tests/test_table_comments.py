"""Revision 0001: the comments read back exactly, hand edits stop it, downgrade restores the old text."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from database_state import capture_state
from migrate import REPO_ROOT, downgrade, run_alembic, upgrade
from training_db.errors import TrainingDbError
from training_db.table_comments import parse_table_comments

COMMENTS_DIR = REPO_ROOT / "schema" / "comments"


def comments_in(file_name: str) -> dict[str, str | None]:
    text = Path(COMMENTS_DIR / file_name).read_text()
    return {comment.table: comment.comment for comment in parse_table_comments(text)}


def test_upgrade_writes_the_reviewed_text_and_downgrade_restores_the_legacy_text(seeded_url: str) -> None:
    legacy = comments_in("table_comments.v0.sql")
    assert capture_state(seeded_url).table_comments == legacy

    upgrade(seeded_url, "0001_table_comments")
    assert capture_state(seeded_url).table_comments == comments_in("table_comments.v1.sql")

    downgrade(seeded_url, "base")
    restored = capture_state(seeded_url).table_comments
    assert restored == legacy
    assert restored["local_training_jobs"] is None
    assert restored["local_training_metrics"] is None
    assert restored["local_inference_servers"] == (
        "App-managed local inference server process records for vLLM, Ollama, and simple local servers."
    )


def test_new_wording_says_cloud_training_keeps_the_name_and_points_to_the_view() -> None:
    for table, comment in comments_in("table_comments.v1.sql").items():
        assert comment is not None
        assert "training_provider" in comment, table
        assert "local_ prefix is historical" in comment, table
        assert "must not change" in comment, table
    new = comments_in("table_comments.v1.sql")
    assert new["local_training_jobs"].startswith("Cloud training jobs")  # type: ignore[union-attr]
    assert new["local_training_metrics"].startswith("Metrics of cloud training jobs")  # type: ignore[union-attr]
    assert "deployment option" in new["local_inference_servers"]  # type: ignore[operator]


def test_column_comments_are_untouched(seeded_url: str) -> None:
    query = (
        "SELECT c.relname, a.attname, col_description(c.oid, a.attnum) FROM pg_class c "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
        "WHERE c.relname LIKE 'local_%%' AND c.relkind = 'r' ORDER BY 1, 2"
    )
    with psycopg.connect(seeded_url) as connection:
        before = connection.execute(query).fetchall()
    upgrade(seeded_url)
    with psycopg.connect(seeded_url) as connection:
        after = connection.execute(query).fetchall()
    assert after == before
    assert sum(1 for *_, comment in before if comment) == 15


def test_a_comment_edited_by_hand_stops_the_upgrade_and_nothing_changes(text_seeded_url: str) -> None:
    with psycopg.connect(text_seeded_url) as connection:
        connection.execute("COMMENT ON TABLE local_training_metrics IS 'edited by the on-call DBA'")
    before = capture_state(text_seeded_url)

    result = run_alembic("-x", f"url={text_seeded_url}", "upgrade", "head")

    assert result.returncode != 0
    assert result.stdout.strip().splitlines() == [
        "FAILED: the comment on public.local_training_metrics was changed by hand (it reads "
        "'edited by the on-call DBA', expected no comment): put the intended text in a new reviewed "
        "comment file and revision, or restore the expected text, then rerun"
    ]
    assert capture_state(text_seeded_url) == before


def test_a_comment_edited_by_hand_after_upgrade_stops_the_downgrade(text_seeded_url: str) -> None:
    upgrade(text_seeded_url)
    with psycopg.connect(text_seeded_url) as connection:
        connection.execute("COMMENT ON TABLE local_training_jobs IS 'Jobs (hand-written)'")
    before = capture_state(text_seeded_url)
    with pytest.raises(TrainingDbError, match="local_training_jobs was changed by hand"):
        downgrade(text_seeded_url, "base")
    assert capture_state(text_seeded_url) == before


def test_over_its_own_text_the_comment_revision_writes_nothing(text_seeded_url: str) -> None:
    """A table already carrying the new text is left alone: no COMMENT, no lock on it."""
    new = comments_in("table_comments.v1.sql")
    with psycopg.connect(text_seeded_url, autocommit=True) as connection:
        connection.execute(f"COMMENT ON TABLE local_training_jobs IS {_literal(new['local_training_jobs'])}")
    # Hold a lock that conflicts with COMMENT ON, on this table only: had the revision tried to
    # comment on it, it would have failed on lock_timeout.
    with psycopg.connect(text_seeded_url) as blocker:
        blocker.execute("LOCK TABLE local_training_jobs IN SHARE UPDATE EXCLUSIVE MODE")
        upgrade(text_seeded_url, "0001_table_comments", lock_timeout="200ms")
        blocker.rollback()
    assert capture_state(text_seeded_url).table_comments == new


def _literal(text: str | None) -> str:
    assert text is not None
    return "'" + text.replace("'", "''") + "'"
