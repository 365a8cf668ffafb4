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
        "#4 job upsert: existence check (SR)",
        "service_role",
        "SELECT id FROM local_training_jobs WHERE id = %(running_job)s",
        ("running_job",),
    ),
    AppQuery(
        "#4 job upsert: insert of a new job with its token (SR)",
        "service_role",
        "INSERT INTO local_training_jobs (id, user_id, model_name, dataset_path, status, job_token, config, "
        "started_at, total_samples, total_steps) VALUES (%(new_job)s, %(user)s, 'Qwen/Qwen3-0.6B', "
        "'u/private/d.jsonl.gz', 'pending', 'tok_0123456789abcdefghijklmnopqrstuvwxyzABCDE', "
        '\'{"training": {"method": "sft"}}\', \'2026-03-01T10:00:00Z\', 1000, 94) '
        "RETURNING id, user_id, status, job_token, config, metadata",
        ("new_job", "user"),
    ),
    AppQuery(
        "#5 SDK job list with exact count (SR)",
        "service_role",
        "SELECT id, model_name, dataset_path, status, progress, current_step, current_epoch, total_steps, "
        "total_epochs, loss, eval_loss, best_eval_loss, started_at, completed_at, created_at, error_message, "
        "count(*) OVER () AS total FROM local_training_jobs WHERE user_id = %(user)s "
        "ORDER BY created_at DESC LIMIT 50 OFFSET 0",
        ("user",),
    ),
    AppQuery(
        "#7 metrics page of a job, step ascending (SR)",
        "service_role",
        "SELECT step, epoch, train_loss, eval_loss, learning_rate, grad_norm, samples_per_second, "
        "tokens_per_second, gpu_memory_allocated_gb, gpu_memory_reserved_gb, gpu_utilization_percent, "
        'perplexity, train_perplexity, "timestamp", count(*) OVER () AS total FROM local_training_metrics '
        "WHERE job_id = %(running_job)s ORDER BY step ASC, id ASC LIMIT 1000 OFFSET 0",
        ("running_job",),
    ),
    AppQuery(
        "#12 status PATCH: token check then completion (SR)",
        "service_role",
        "UPDATE local_training_jobs SET status = 'completed', updated_at = '2026-03-01T11:00:00Z', "
        "completed_at = '2026-03-01T11:00:00Z' WHERE id = %(token_job)s AND job_token = %(token)s "
        "RETURNING id, job_token, status, completed_at",
        ("token_job", "token"),
    ),
    AppQuery(
        "#19 control: ownership check (U)",
        "authenticated",
        "SELECT id, user_id, status FROM local_training_jobs WHERE id = %(running_job)s "
        "AND user_id = %(running_user)s",
        ("running_job", "running_user"),
        acting_as="running_user",
    ),
    AppQuery(
        "#19 control: cancel (SR)",
        "service_role",
        "UPDATE local_training_jobs SET status = 'cancelled', completed_at = '2026-03-01T12:00:00Z' "
        "WHERE id = %(running_job)s RETURNING id, status, completed_at",
        ("running_job",),
    ),
    AppQuery(
        "#20 update-params: record a parameter update (SR)",
        "service_role",
        "UPDATE local_training_jobs SET parameter_updates = coalesce(parameter_updates, '[]'::jsonb) || "
        '\'[{"learning_rate": 0.0001, "requested_by": "user"}]\'::jsonb, '
        "last_parameter_update_at = '2026-03-01T12:30:00Z' WHERE id = %(running_job)s "
        "RETURNING id, parameter_updates, last_parameter_update_at",
        ("running_job",),
    ),
    AppQuery(
        "#21 logs: append log lines to metadata (SR)",
        "service_role",
        "UPDATE local_training_jobs SET metadata = metadata || jsonb_build_object('logs', "
        "coalesce(metadata->'logs', '[]'::jsonb) || '[\"step 9990\"]'::jsonb, 'last_log_update', "
        "'2026-03-01T12:31:00Z'), updated_at = '2026-03-01T12:31:00Z' WHERE id = %(running_job)s "
        "RETURNING id, metadata",
        ("running_job",),
    ),
    AppQuery(
        "#22 checkpoints list (SR)",
        "service_role",
        "SELECT id, model_name, status, best_eval_loss, best_checkpoint_step, best_checkpoint_epoch, "
        "best_checkpoint_path, metadata, completed_at FROM local_training_jobs WHERE id = %(completed_job)s",
        ("completed_job",),
    ),
    AppQuery(
        "#23 alerts: job details and latest metric by created_at (SR)",
        "service_role",
        "SELECT j.config, j.dataset_path, j.error_message, j.total_samples, j.total_steps, m.eval_loss, "
        "m.perplexity, m.gpu_memory_allocated_gb FROM local_training_jobs j LEFT JOIN LATERAL ("
        "SELECT eval_loss, perplexity, gpu_memory_allocated_gb FROM local_training_metrics "
        "WHERE job_id = j.id ORDER BY created_at DESC, id DESC LIMIT 1) m ON true "
        "WHERE j.id = %(running_job)s",
        ("running_job",),
    ),
    AppQuery(
        "#24 ownership check with token (SR)",
        "service_role",
        "SELECT id, user_id, job_token FROM local_training_jobs WHERE id = %(token_job)s "
        "AND user_id = %(token_user)s",
        ("token_job", "token_user"),
    ),
    AppQuery(
        "#26 stale job sweep: candidates (SR)",
        "service_role",
        "SELECT id, status, updated_at, model_name FROM local_training_jobs "
        "WHERE status IN ('running', 'pending', 'queued') ORDER BY id",
    ),
    AppQuery(
        "#26 stale job sweep: fail a stale job (SR)",
        "service_role",
        "UPDATE local_training_jobs SET status = 'failed', completed_at = '2026-03-01T13:00:00Z', "
        'config = \'{"error": "stale: no update for 600 s"}\' WHERE id = %(running_job)s '
        "RETURNING id, status, config",
        ("running_job",),
    ),
    AppQuery(
        "#27 queued jobs (SR)",
        "service_role",
        "SELECT * FROM local_training_jobs WHERE status = 'queued' ORDER BY created_at",
    ),
    AppQuery(
        "#28 standalone trainer polls parameter updates (SR, REST)",
        "service_role",
        "SELECT parameter_updates, last_parameter_update_at FROM local_training_jobs "
        "WHERE id = %(running_job)s",
        ("running_job",),
    ),
    AppQuery(
        "clear_queued_jobs.sql (raw SQL)",
        "service_role",
        "UPDATE local_training_jobs SET status = 'cancelled' WHERE status = 'queued' RETURNING id",
    ),
    AppQuery(
        "#30 inference server insert (SR)",
        "service_role",
        "INSERT INTO local_inference_servers (id, user_id, server_type, name, base_url, port, model_path, "
        "model_name, training_job_id, process_id, status, config_json, started_at) VALUES ("
        "'6f1c0c43-1c6d-4d1e-9c55-1e0d3b7a9a10', %(server_user)s, 'vllm', 'Qwen/Qwen3-0.6B', "
        "'http://127.0.0.1:8011', 8011, '/models/Qwen/Qwen3-0.6B', 'Qwen/Qwen3-0.6B', %(completed_job)s, "
        "4242, 'starting', '{\"max_model_len\": 4096}', '2026-03-01T14:00:00Z') "
        "RETURNING id, user_id, server_type, training_job_id, status, config_json, stopped_at",
        ("server_user", "completed_job"),
    ),
    AppQuery(
        "#31 running servers of a user or the system (SR)",
        "service_role",
        "SELECT * FROM local_inference_servers WHERE status = 'running' "
        "AND (user_id = %(server_user)s OR user_id IS NULL) ORDER BY id",
        ("server_user",),
    ),
    AppQuery(
        "#32 server health check (SR)",
        "service_role",
        "UPDATE local_inference_servers SET last_health_check = '2026-03-01T14:05:00Z' "
        "WHERE user_id = %(server_user)s RETURNING id, last_health_check, status",
        ("server_user",),
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

    def one(query: str, *params: Any) -> Any:
        row = connection.execute(query, params or None).fetchone()
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
    (server_user,) = one(
        "SELECT user_id FROM local_inference_servers WHERE user_id IS NOT NULL ORDER BY started_at LIMIT 1"
    )
    token_user = one("SELECT user_id FROM local_training_jobs WHERE id = %s", token_job)[0]
    (completed_job,) = one(
        "SELECT id FROM local_training_jobs WHERE status = 'completed' ORDER BY created_at LIMIT 1"
    )
    new_job = one(
        "SELECT (CASE WHEN pg_typeof(id) = 'uuid'::regtype THEN '9d9d9d9d-0000-4000-8000-000000000001' "
        "ELSE 'app-query-new-job' END) FROM local_training_jobs LIMIT 1"
    )[0]
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
        "token_user": token_user,
        "completed_job": completed_job,
        "new_job": new_job,
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


def plan_shape(
    connection: psycopg.Connection[Any], query: AppQuery, facts: dict[str, Any]
) -> list[tuple[str, str | None]]:
    """The shape of the query's plan (EXPLAIN only, nothing runs), planned as its role."""
    acting_user = str(facts[query.acting_as]) if query.acting_as else None
    with as_role(connection, query.role, acting_user):
        return plan_nodes(connection, query.sql, {name: facts[name] for name in query.uses})


def plan_nodes(connection: psycopg.Connection[Any], sql: str, params: Any) -> list[tuple[str, str | None]]:
    """Node types and index names of a plan, depth first."""
    shape: list[tuple[str, str | None]] = []

    def walk(node: dict[str, Any]) -> None:
        shape.append((node["Node Type"], node.get("Index Name")))
        for child in node.get("Plans", []):
            walk(child)

    row = connection.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()
    assert row is not None
    walk(row[0][0]["Plan"])
    return shape
