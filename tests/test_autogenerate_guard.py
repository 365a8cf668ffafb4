"""``alembic revision --autogenerate`` never writes an operation against a protected table."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.operations import ops

from migrate import REPO_ROOT, alembic_config
from training_db.autogenerate_guard import refusal_of
from training_db.errors import TrainingDbError
from training_db.policy import load_policy
from training_db.statement_rules import Classifier

CLASSIFIER = Classifier(load_policy(REPO_ROOT / "schema" / "policy.toml"))
JOBS = "local_training_jobs"

PROPOSALS = [
    ("add a column", ops.AddColumnOp(JOBS, sa.Column("provider", sa.Text())), "TDB003"),
    ("drop a column", ops.DropColumnOp("local_training_metrics", "train_loss"), "TDB003"),
    ("change a type", ops.AlterColumnOp(JOBS, "status", modify_type=sa.String(20)), "TDB003"),
    ("rename a column", ops.AlterColumnOp(JOBS, "status", modify_name="state"), "TDB001"),
    ("drop the table", ops.DropTableOp("local_inference_servers"), "TDB002"),
    ("add an index", ops.CreateIndexOp("ix_model", JOBS, ["model_name"]), "TDB006"),
    ("drop an index", ops.DropIndexOp("idx_local_training_jobs_status", table_name=JOBS), "TDB006"),
    (
        "a foreign key into jobs",
        ops.CreateForeignKeyOp("fk_notes_job", "job_notes", JOBS, ["job_id"], ["id"]),
        "TDB003",
    ),
    (
        "a new table referencing jobs",
        ops.CreateTableOp(
            "job_notes", [sa.Column("job_id", sa.Text(), sa.ForeignKey("local_training_jobs.id"))]
        ),
        "TDB003",
    ),
    ("raw SQL", ops.ExecuteSQLOp("TRUNCATE public.local_training_metrics"), "TDB004"),
    ("a column comment", ops.AlterColumnOp(JOBS, "status", modify_comment="Job status"), None),
    ("a table comment", ops.CreateTableCommentOp(JOBS, "Cloud training jobs"), None),
    ("an unprotected table", ops.CreateTableOp("cloud_gpu_offers", [sa.Column("gpu", sa.Text())]), None),
    ("an index elsewhere", ops.CreateIndexOp("ix_gpu", "cloud_gpu_offers", ["gpu"]), None),
]


@pytest.mark.parametrize(("operation", "rule"), [p[1:] for p in PROPOSALS], ids=[p[0] for p in PROPOSALS])
def test_each_proposed_operation_gets_its_rule(operation: Any, rule: str | None) -> None:
    refusal = refusal_of(operation, None, CLASSIFIER)

    assert (refusal.split(" ", 1)[0] if refusal else None) == rule


def autogenerate(tmp_path: Path, url: str, metadata: sa.MetaData) -> tuple[Path, Any]:
    """Run autogenerate against ``url`` into a copy of migrations/; returns its versions/ folder."""
    migrations = tmp_path / "migrations"
    shutil.copytree(REPO_ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__"))
    config = alembic_config(url)
    config.set_main_option("script_location", str(migrations))
    config.attributes["target_metadata"] = metadata
    return migrations / "versions", lambda: command.revision(config, message="proposed", autogenerate=True)


def test_a_model_that_lags_behind_the_database_is_refused_and_nothing_is_written(
    tmp_path: Path, at_head_url: str
) -> None:
    """A model that does not declare the protected tables proposes dropping them."""
    metadata = sa.MetaData()
    sa.Table("cloud_gpu_offers", metadata, sa.Column("gpu", sa.Text(), primary_key=True))
    versions, run = autogenerate(tmp_path, at_head_url, metadata)
    files_before = sorted(versions.glob("*.py"))

    with pytest.raises(TrainingDbError) as refused:
        run()

    # Alembic proposes the indexes' drops first, then the tables': every one is counted.
    counted = re.match(
        r"^autogenerate refused (\d+) proposed operation\(s\), the first: TDB006 index-protected: .*"
        r"operation: DropIndexOp; no revision file was written",
        str(refused.value),
    )
    assert counted is not None, refused.value
    assert int(counted.group(1)) >= 3  # at the least, the three protected tables' drops
    assert sorted(versions.glob("*.py")) == files_before


def test_a_model_that_only_adds_an_unprotected_table_is_written(tmp_path: Path, at_head_url: str) -> None:
    metadata = sa.MetaData()
    engine = sa.create_engine(at_head_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        metadata.reflect(connection, views=False)
    engine.dispose()
    sa.Table("cloud_gpu_offers", metadata, sa.Column("gpu", sa.Text(), primary_key=True))
    _, run = autogenerate(tmp_path, at_head_url, metadata)

    script = run()

    written = Path(script.path).read_text()
    assert "op.create_table('cloud_gpu_offers'" in written or 'op.create_table("cloud_gpu_offers"' in written
    assert "local_training" not in written.split("def upgrade", 1)[1]


def test_a_target_metadata_option_that_cannot_load_is_one_line(tmp_path: Path, at_head_url: str) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(REPO_ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__"))
    config = alembic_config(at_head_url)
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("target_metadata", "no_such_package.models:metadata")

    with pytest.raises(TrainingDbError) as failed:
        command.revision(config, message="proposed", autogenerate=True)

    assert str(failed.value) == (
        "target_metadata = no_such_package.models:metadata in alembic.ini cannot be loaded "
        "(No module named 'no_such_package'): fix the module:name"
    )
    assert sorted(p.name for p in (migrations / "versions").glob("*.py")) == [
        "0001_table_comments.py",
        "0002_training_provider_view.py",
    ]
