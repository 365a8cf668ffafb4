"""The lock model the lint and the review pack print, checked against pg_locks on the real server.

Each statement runs in a transaction that is rolled back; the strongest lock the server shows on
each relation the model names must be exactly the mode the model gives it.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from migrate import REPO_ROOT
from training_db.locks import LOCK_MODES, locks_taken
from training_db.policy import load_policy
from training_db.sql_tree import split_statements
from training_db.statement_rules import Classifier

STATEMENTS = [
    "COMMENT ON TABLE public.local_training_jobs IS 'Cloud training jobs'",
    "COMMENT ON COLUMN local_training_metrics.step IS 'Global step'",
    "COMMENT ON VIEW public.training_provider IS 'Display labels'",
    "CREATE VIEW public.job_progress WITH (security_invoker = true) AS SELECT jobs.id, count(metrics.id) "
    "FROM local_training_jobs AS jobs LEFT JOIN local_training_metrics AS metrics "
    "ON metrics.job_id = jobs.id GROUP BY jobs.id",
    "DROP VIEW public.training_provider",
    "SELECT count(*) FROM local_training_jobs",
    "UPDATE local_training_metrics SET step = step WHERE false",
    "DELETE FROM local_inference_servers WHERE false",
    "ALTER TABLE local_training_jobs ADD COLUMN provider text",
    "ALTER TABLE local_training_jobs ALTER COLUMN model_name SET STATISTICS 200",
    "ALTER TABLE local_inference_servers ADD CONSTRAINT servers_job_fk_again FOREIGN KEY (training_job_id) "
    "REFERENCES local_training_jobs (id) NOT VALID",
    "ALTER TABLE local_training_jobs ADD CONSTRAINT status_not_empty CHECK (status <> '') NOT VALID",
    "ALTER TABLE local_inference_servers DISABLE TRIGGER touch_local_inference_servers_updated_at",
    "ALTER TABLE local_training_jobs RENAME COLUMN status TO state",
    "CREATE INDEX ix_jobs_model ON local_training_jobs (model_name)",
    "CREATE TRIGGER noop BEFORE UPDATE ON local_training_metrics FOR EACH ROW "
    "EXECUTE FUNCTION public.touch_updated_at()",
    "CREATE POLICY open_metrics ON local_training_metrics FOR SELECT USING (true)",
    'DROP POLICY "Users can view their own jobs" ON local_training_jobs',
    "ALTER PUBLICATION supabase_realtime DROP TABLE local_training_metrics",
    "TRUNCATE local_training_metrics",
    "DROP TABLE local_training_metrics",
    "LOCK TABLE local_training_jobs IN SHARE MODE",
]
_RELATION_NAMES = (
    "SELECT c.oid, n.nspname || '.' || c.relname FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'pg_toast')"
)
MODE_BY_PG_NAME = {mode.pg_name: mode for mode in LOCK_MODES.values()}
ORDER = list(LOCK_MODES)


@pytest.mark.parametrize("statement", STATEMENTS, ids=[s[:60] for s in STATEMENTS])
def test_the_lock_model_matches_what_the_server_takes(statement: str, at_head_url: str) -> None:
    (parsed,) = split_statements(statement)
    modelled = {lock.relation: lock.mode.name for lock in locks_taken(parsed.node, _classifier().qualified)}

    observed = _strongest_locks_while_running(at_head_url, statement)

    assert {relation: observed.get(relation) for relation in modelled} == modelled


@pytest.mark.parametrize(
    "statement",
    ["GRANT SELECT ON public.training_provider TO anon", "REVOKE ALL ON public.training_provider FROM anon"],
)
def test_grants_take_access_share_from_postgres_18_and_nothing_before(
    statement: str, at_head_url: str
) -> None:
    """The model gives GRANT and REVOKE the stronger of the two behaviours, and says so."""
    (parsed,) = split_statements(statement)
    (lock,) = locks_taken(parsed.node, _classifier().qualified)
    with psycopg.connect(at_head_url) as connection:
        row = connection.execute("SHOW server_version_num").fetchone()
    assert row is not None

    observed = _strongest_locks_while_running(at_head_url, statement)

    assert (lock.relation, lock.mode.name) == ("public.training_provider", "ACCESS SHARE")
    assert "PostgreSQL 18 takes it" in lock.note
    assert observed == ({lock.relation: "ACCESS SHARE"} if int(row[0]) >= 180000 else {})


def _classifier() -> Classifier:
    return Classifier(load_policy(REPO_ROOT / "schema" / "policy.toml"))


def _strongest_locks_while_running(url: str, statement: str) -> dict[str, str]:
    """The strongest relation lock this backend holds on each relation after ``statement``, rolled back.

    Names are read before the statement runs too: a dropped relation has no pg_class row afterwards.
    """
    with psycopg.connect(url, autocommit=True) as connection:
        names_before = dict(connection.execute(_RELATION_NAMES).fetchall())
        with connection.transaction(force_rollback=True):
            connection.execute(statement)
            rows: list[Any] = connection.execute(
                "SELECT relation, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'"
            ).fetchall()
            names = {**dict(connection.execute(_RELATION_NAMES).fetchall()), **names_before}
    strongest: dict[str, str] = {}
    for oid, pg_mode in rows:
        relation = names.get(oid)
        if relation is None:
            continue  # a catalog table
        mode = MODE_BY_PG_NAME[pg_mode].name
        if relation not in strongest or ORDER.index(mode) > ORDER.index(strongest[relation]):
            strongest[relation] = mode
    return strongest
