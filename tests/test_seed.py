"""``training-db seed`` builds the production-like database of legacy-schema.md, for both id types."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest

from migrate import REPO_ROOT
from training_db.errors import TrainingDbError
from training_db.seed import seed_database


def scalar(url: str, query: str) -> object:
    with psycopg.connect(url) as connection:
        row = connection.execute(query).fetchone()
        assert row is not None
        return row[0]


def test_seed_command_loads_stubs_tables_and_rows(empty_url: str, id_type: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "training_db.cli", "seed", empty_url, "--id-type", id_type, "--jobs", "14"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("seeded 14 jobs, ")
    assert scalar(empty_url, "SELECT count(*) FROM local_training_jobs") == 14
    assert (
        scalar(
            empty_url,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'local_training_jobs'::regclass AND attname = 'id'",
        )
        == id_type
    )
    for table, column in (
        ("local_training_metrics", "job_id"),
        ("local_inference_servers", "training_job_id"),
        ("training_predictions", "job_id"),
    ):
        assert (
            scalar(
                empty_url,
                f"SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                f"WHERE attrelid = '{table}'::regclass AND attname = '{column}'",
            )
            == id_type
        )


def test_the_schema_carries_what_production_has(seeded_url: str) -> None:
    with psycopg.connect(seeded_url) as connection:

        def rows(query: str) -> list[tuple[object, ...]]:
            return connection.execute(query).fetchall()

        indexes = {
            name for (name,) in rows("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'local_%'")
        }
        assert {
            "idx_local_training_jobs_job_token",
            "idx_local_training_jobs_metadata",
            "idx_local_training_jobs_pending_unclaimed",
            "idx_local_training_jobs_agent_status",
            "idx_local_training_metrics_job_id_step_desc",
            "idx_local_inference_servers_training_job",
        } <= indexes
        assert len(indexes) == 18  # 8 + 3 + 4 named indexes, plus 3 primary keys
        assert rows(
            "SELECT relname, relreplident, relrowsecurity FROM pg_class "
            "WHERE relname LIKE 'local_%' AND relkind = 'r' ORDER BY 1"
        ) == [
            ("local_inference_servers", "d", True),
            ("local_training_jobs", "f", True),
            ("local_training_metrics", "f", True),
        ]
        assert rows(
            "SELECT tablename FROM pg_publication_tables WHERE pubname = 'supabase_realtime' ORDER BY 1"
        ) == [
            ("local_training_jobs",),
            ("local_training_metrics",),
        ]
        assert rows("SELECT tablename, count(*) FROM pg_policies GROUP BY 1 ORDER BY 1") == [
            ("local_inference_servers", 4),
            ("local_training_jobs", 3),
            ("local_training_metrics", 7),
        ]
        assert rows("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal") == [
            ("touch_local_inference_servers_updated_at",)
        ]
        assert rows(
            "SELECT conname, confdeltype FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid = 'local_training_jobs'::regclass ORDER BY 1"
        ) == [
            ("fk_training_predictions_job", "c"),
            ("local_inference_servers_training_job_id_fkey", "n"),
            ("local_training_metrics_job_id_fkey", "a"),
        ]
        column_grants = rows(
            "SELECT count(*) FROM information_schema.column_privileges "
            "WHERE table_name = 'local_training_jobs' AND grantee = 'anon' "
            "AND privilege_type = 'UPDATE'"
        )
        assert column_grants == [(19,)]
        assert rows("SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'") == [(True,)]


def test_the_messy_rows_of_production_are_there(seeded_url: str) -> None:
    with psycopg.connect(seeded_url) as connection:

        def count(where: str, table: str = "local_training_jobs") -> int:
            row = connection.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()
            assert row is not None
            return int(row[0])

        assert count("job_token IS NULL") > 0
        assert count("config = jsonb_build_object('error', error_message)") > 0
        assert count("agent_id IS NOT NULL") > 0
        assert connection.execute("SELECT count(DISTINCT status) FROM local_training_jobs").fetchone() == (7,)
        assert count("train_loss IS NULL AND eval_loss IS NOT NULL", "local_training_metrics") > 0
        duplicates = connection.execute(
            "SELECT count(*) FROM (SELECT job_id, step FROM local_training_metrics "
            "GROUP BY 1, 2 HAVING count(*) > 1) AS duplicated"
        ).fetchone()
        assert duplicates is not None and duplicates[0] > 0
        assert count("user_id IS NULL", "local_inference_servers") > 0
        assert count("training_job_id IS NULL", "local_inference_servers") > 0


def test_seeding_twice_is_refused(text_seeded_url: str) -> None:
    with pytest.raises(TrainingDbError, match=r"already has public\.local_training_jobs"):
        seed_database(text_seeded_url, jobs=1)


def test_seed_command_errors_are_one_line(empty_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "training_db.cli", "seed", "mysql://x@localhost/db"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "training-db: error: mysql:// is not a PostgreSQL URL: training-db only migrates PostgreSQL; "
        "use a postgresql:// URL"
    ]
