"""The policy classifier on single statements: every forbidden form gets its rule id, allowed forms pass.

Whole revisions (the corpus under tests/policy_corpus/) go through the lint and the guard in
tests/test_policy_corpus.py.
"""

from __future__ import annotations

import pytest

from migrate import REPO_ROOT
from training_db.policy import load_policy
from training_db.statement_rules import RULES, Classifier

POLICY = load_policy(REPO_ROOT / "schema" / "policy.toml")

FORBIDDEN = [
    ("ALTER TABLE local_training_jobs RENAME TO training_jobs", "TDB001"),
    ("ALTER TABLE public.local_training_jobs RENAME COLUMN status TO state", "TDB001"),
    ('ALTER TABLE "local_training_metrics" RENAME TO metrics', "TDB001"),
    ("DROP TABLE public.LOCAL_TRAINING_JOBS", "TDB002"),
    ("DROP TABLE some_other_table CASCADE", "TDB002"),
    ("DROP SCHEMA public CASCADE", "TDB002"),
    ("ALTER TABLE local_training_jobs ADD COLUMN provider text", "TDB003"),
    ("ALTER TABLE local_training_jobs ALTER COLUMN id TYPE uuid USING id::uuid", "TDB003"),
    ("ALTER TABLE local_inference_servers ALTER COLUMN status SET DEFAULT 'running'", "TDB003"),
    ("ALTER TABLE local_training_metrics REPLICA IDENTITY DEFAULT", "TDB003"),
    ("ALTER TABLE local_training_jobs OWNER TO someone", "TDB003"),
    ("ALTER TABLE local_training_jobs SET SCHEMA archive", "TDB003"),
    ("CREATE TABLE jobs_copy (id text REFERENCES local_training_jobs (id))", "TDB003"),
    ("TRUNCATE local_training_metrics", "TDB004"),
    ("DELETE FROM local_training_metrics WHERE step = 0", "TDB005"),
    ("UPDATE local_training_jobs SET status = 'failed'", "TDB005"),
    ("INSERT INTO local_inference_servers (server_type) VALUES ('vllm')", "TDB005"),
    ("CREATE INDEX CONCURRENTLY ix ON local_training_jobs (model_name)", "TDB006"),
    ("DROP INDEX idx_local_training_jobs_status", "TDB006"),
    ("ALTER INDEX public.idx_local_training_metrics_job_id RENAME TO ix", "TDB006"),
    ("CREATE TRIGGER t BEFORE UPDATE ON local_training_jobs FOR EACH ROW EXECUTE FUNCTION f()", "TDB007"),
    ("DROP TRIGGER touch_local_inference_servers_updated_at ON local_inference_servers", "TDB007"),
    ("ALTER TABLE local_training_jobs DISABLE TRIGGER ALL", "TDB007"),
    ("ALTER TABLE local_training_jobs DISABLE ROW LEVEL SECURITY", "TDB008"),
    ("ALTER TABLE local_training_jobs FORCE ROW LEVEL SECURITY", "TDB008"),
    ('DROP POLICY "Users can view their own jobs" ON local_training_jobs', "TDB008"),
    ("CREATE POLICY p ON local_training_metrics USING (true)", "TDB008"),
    ("ALTER POLICY local_inference_servers_select_own ON local_inference_servers USING (true)", "TDB008"),
    ("CREATE RULE r AS ON DELETE TO local_training_jobs DO INSTEAD NOTHING", "TDB009"),
    ("REVOKE SELECT ON local_training_jobs FROM anon", "TDB010"),
    ("GRANT ALL ON local_training_jobs TO anon", "TDB010"),
    ("ALTER PUBLICATION supabase_realtime DROP TABLE local_training_metrics", "TDB011"),
    ("ALTER PUBLICATION supabase_realtime SET TABLE local_training_jobs", "TDB011"),
    ("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'local_training_jobs'; END $$", "TDB012"),
    ("DO $$ BEGIN UPDATE local_training_jobs SET status = 'x'; END $$", "TDB012"),
    ("CALL archive_old_jobs()", "TDB012"),
    ("SELECT archive_old_jobs()", "TDB012"),
    ("CREATE VIEW v AS SELECT id FROM local_training_jobs", "TDB013"),
    ("CREATE OR REPLACE VIEW public.training_provider AS SELECT id FROM local_training_jobs", "TDB013"),
]

ALLOWED = [
    "COMMENT ON TABLE public.local_training_jobs IS 'Cloud training jobs'",
    "COMMENT ON COLUMN local_training_metrics.step IS 'Global step'",
    "CREATE VIEW v WITH (security_invoker = true) AS SELECT id FROM local_training_jobs",
    "CREATE OR REPLACE VIEW training_provider WITH (security_invoker = on) AS "
    "SELECT id FROM local_training_jobs",
    "GRANT SELECT ON public.training_provider TO authenticated, service_role",
    "REVOKE ALL ON public.training_provider FROM PUBLIC, anon",
    "ALTER TABLE cloud_deployments ADD COLUMN note text",
    'DROP TABLE "Local_Training_Jobs"',  # a different table: quoted names keep their case
    "SET LOCAL lock_timeout = '2s'",
    "INSERT INTO alembic_version (version_num) VALUES ('0003')",
    "SELECT obj_description('public.local_training_jobs'::regclass, 'pg_class')",
    "DO $$ BEGIN RAISE NOTICE 'hello'; END $$",
]


@pytest.mark.parametrize(("sql", "rule"), FORBIDDEN, ids=[sql[:60] for sql, _ in FORBIDDEN])
def test_forbidden_statement_gets_its_rule(sql: str, rule: str) -> None:
    (verdict,) = Classifier(POLICY).classify_sql(sql)
    assert verdict.rule == rule, verdict.message
    assert verdict.message.startswith(f"{rule} {RULES[rule].name}: ")


@pytest.mark.parametrize("sql", ALLOWED, ids=[sql[:60] for sql in ALLOWED])
def test_allowed_statement_passes(sql: str) -> None:
    (verdict,) = Classifier(POLICY).classify_sql(sql)
    assert verdict.allowed, verdict.message


def test_every_rule_is_exercised() -> None:
    assert {rule for _, rule in FORBIDDEN} == set(RULES)


def test_search_path_decides_what_an_unqualified_name_means() -> None:
    verdicts = Classifier(POLICY).classify_sql(
        "SET search_path = archive; DROP TABLE local_training_jobs; "
        "SET search_path = archive, public; DROP TABLE local_training_jobs"
    )
    assert [verdict.rule for verdict in verdicts] == [None, None, None, "TDB002"]


def test_todays_revisions_render_only_allowed_statements() -> None:
    from migrate import offline_sql

    verdicts = Classifier(POLICY).classify_sql(
        offline_sql("upgrade", "head") + offline_sql("downgrade", "head:base")
    )
    assert [verdict.message for verdict in verdicts if not verdict.allowed] == []
