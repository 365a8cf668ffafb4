"""The app's real query shapes (legacy-schema.md §4), as SQL run under the role the app uses.

Keys as in §4: SR = service_role client, U = an authenticated user's JWT, A = anon key with a job
token. Writes run in a transaction that is rolled back, and return only columns that a rollback
restores (no identity values, no now()), so a write can be compared run against run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from roles import as_role


@dataclass(frozen=True)
class AppQuery:
    name: str
    role: str  # service_role, authenticated or anon
    sql: str
    # Names of the facts (see pick_facts) that fill the %(name)s placeholders.
    uses: tuple[str, ...] = ()
    # The fact whose user id auth.uid() returns (the JWT's subject) for U queries.
    acting_as: str | None = None


APP_QUERIES = (
    AppQuery(
        "#13 monitor page job list (U)",
        "authenticated",
        "SELECT * FROM local_training_jobs WHERE user_id = %(user)s ORDER BY created_at DESC LIMIT 50",
        ("user",),
        acting_as="user",
    ),
    AppQuery(
        "#15 training jobs list (SR)",
        "service_role",
        "SELECT id, model_name, status, started_at, completed_at, created_at FROM local_training_jobs "
        "WHERE user_id = %(user)s ORDER BY created_at DESC LIMIT 50",
        ("user",),
    ),
    AppQuery(
        "#16 agent poll (SR)",
        "service_role",
        "SELECT id, model_name, dataset_path, config, total_epochs, total_steps, created_at, job_token "
        "FROM local_training_jobs WHERE user_id = %(pending_user)s AND status = 'pending' "
        "AND agent_id IS NULL ORDER BY created_at ASC LIMIT 1",
        ("pending_user",),
    ),
    AppQuery(
        "#17 agent atomic claim (SR)",
        "service_role",
        "UPDATE local_training_jobs SET agent_id = 'agent_00112233445566ff', "
        "claimed_at = '2026-03-01T10:00:00Z', status = 'running' "
        "WHERE id = %(pending_job)s AND user_id = %(pending_user)s "
        "AND status = 'pending' AND agent_id IS NULL "
        "RETURNING id, status, agent_id, user_id, claimed_at",
        ("pending_job", "pending_user"),
    ),
    AppQuery(
        "#6 metrics batch insert (SR)",
        "service_role",
        "INSERT INTO local_training_metrics (job_id, step, epoch, train_loss, eval_loss, learning_rate, "
        "grad_norm, gpu_memory_allocated_gb, gpu_memory_reserved_gb, samples_per_second, loss_trend, "
        '"timestamp") VALUES (%(running_job)s, 9990, 2, 0.4123, NULL, 0.0002, 0.91, 3.26, 20.58, 0.16, '
        "'improving', '2026-03-01T10:00:00Z'), (%(running_job)s, 9990, 2, NULL, 0.4410, 0.0002, 0.91, 3.26, "
        "20.58, 0.16, 'improving', '2026-03-01T10:00:01Z') "
        'RETURNING job_id, step, epoch, train_loss, eval_loss, loss_trend, "timestamp"',
        ("running_job",),
    ),
    AppQuery(
        "#6 job summary update after metrics (SR)",
        "service_role",
        "UPDATE local_training_jobs SET updated_at = '2026-03-01T10:00:02Z', current_step = 9990, "
        "current_epoch = 2, loss = 0.4123, eval_loss = 0.4410, learning_rate = 0.0002, "
        "status = CASE WHEN status IN ('pending', 'queued') THEN 'running' ELSE status END "
        "WHERE id = %(running_job)s RETURNING id, status, current_step, loss, updated_at",
        ("running_job",),
    ),
    AppQuery(
        "#29 legacy pod progress update with job token (A)",
        "anon",
        "UPDATE local_training_jobs SET current_step = 42, progress = 12.5, "
        "updated_at = '2026-03-01T10:00:03Z' WHERE id = %(token_job)s AND job_token = %(token)s "
        "RETURNING id, current_step, progress",
        ("token_job", "token"),
    ),
    AppQuery(
        "#29 legacy pod metrics insert (A)",
        "anon",
        'INSERT INTO local_training_metrics (job_id, step, epoch, train_loss, "timestamp") '
        "VALUES (%(token_job)s, 420, 1, 0.9, '2026-03-01T10:00:04Z')",
        ("token_job",),
    ),
    AppQuery(
        "#14 latest 1000 metrics of a job (U)",
        "authenticated",
        "SELECT * FROM local_training_metrics WHERE job_id = %(running_job)s "
        "ORDER BY step DESC, id DESC LIMIT 1000",
        ("running_job",),
        acting_as="running_user",
    ),
    AppQuery(
        "#11 latest metric point (SR)",
        "service_role",
        "SELECT * FROM local_training_metrics WHERE job_id = %(running_job)s "
        "ORDER BY step DESC, id DESC LIMIT 1",
        ("running_job",),
    ),
    AppQuery(
        "#18 job count and statuses of a user (SR)",
        "service_role",
        "SELECT status, count(*) FROM local_training_jobs WHERE user_id = %(user)s "
        "GROUP BY status ORDER BY status",
        ("user",),
    ),
    AppQuery(
        "#33 server status list (U)",
        "authenticated",
        "SELECT id, server_type, name, base_url, port, model_path, model_name, process_id, status, "
        "started_at, "
        "stopped_at, last_health_check, config_json, metadata FROM local_inference_servers "
        "WHERE user_id = %(server_user)s ORDER BY created_at DESC",
        ("server_user",),
        acting_as="server_user",
    ),
    AppQuery(
        "#34 server eviction (SR)",
        "service_role",
        "SELECT * FROM local_inference_servers WHERE server_type IN ('vllm', 'ollama', 'simple') "
        "AND (status IN ('running', 'starting') OR process_id IS NOT NULL) ORDER BY id",
    ),
    AppQuery(
        "get_recent_training_metrics.sql (raw SQL)",
        "service_role",
        "SELECT j.id, j.model_name, j.status, COUNT(m.id) AS metric_count, "
        "EXTRACT(EPOCH FROM j.completed_at - j.started_at) AS duration_seconds "
        "FROM local_training_jobs j LEFT JOIN local_training_metrics m ON m.job_id = j.id "
        "GROUP BY j.id ORDER BY j.created_at DESC LIMIT 20",
    ),
)


def pick_facts(connection: psycopg.Connection[Any]) -> dict[str, Any]:
    """Ids the queries need, read from the seeded data (deterministic for a given seed)."""

    def one(query: str) -> Any:
        row = connection.execute(query).fetchone()
        assert row is not None, query
        return row

    pending_job, pending_user = one(
        "SELECT id, user_id FROM local_training_jobs WHERE status = 'pending' AND agent_id IS NULL "
        "ORDER BY created_at LIMIT 1"
    )
    running_job, running_user = one(
        "SELECT id, user_id FROM local_training_jobs WHERE status = 'running' AND current_step > 0 "
        "ORDER BY created_at LIMIT 1"
    )
    token_job, token = one(
        "SELECT id, job_token FROM local_training_jobs WHERE job_token IS NOT NULL "
        "ORDER BY created_at LIMIT 1"
    )
    (server_user,) = one("SELECT user_id FROM local_inference_servers WHERE user_id IS NOT NULL LIMIT 1")
    (user,) = one(
        "SELECT user_id FROM local_training_jobs GROUP BY user_id ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    return {
        "user": user,
        "pending_job": pending_job,
        "pending_user": pending_user,
        "running_job": running_job,
        "running_user": running_user,
        "token_job": token_job,
        "token": token,
        "server_user": server_user,
    }


def run_app_query(
    connection: psycopg.Connection[Any],
    query: AppQuery,
    facts: dict[str, Any],
    acting_user: str | None = None,
) -> list[tuple[Any, ...]]:
    """Run one query as its role, rolled back; the rows it returned (or its row count for plain writes).

    ``acting_user`` overrides the JWT subject (to act as someone else with the same filters).
    """
    if acting_user is None and query.acting_as:
        acting_user = str(facts[query.acting_as])
    with as_role(connection, query.role, acting_user):
        cursor = connection.execute(query.sql, {name: facts[name] for name in query.uses})
        return cursor.fetchall() if cursor.description else [("rowcount", cursor.rowcount)]
