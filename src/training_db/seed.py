"""``training-db seed``: a production-like FineTune Lab database, for tests, the demo and benchmarks.

Loads schema/supabase_stubs.sql (only what is missing), schema/legacy_tables.sql with the chosen
type of ``local_training_jobs.id``, then realistic jobs, metrics and servers shaped by
legacy-schema.md §5, including the messy rows production has: jobs without a job_token, failed
jobs whose config is only ``{"error": ...}``, agent-claimed jobs, duplicate and eval-only metric
steps, system servers without a user and servers without a job. The data is deterministic for a
given ``(jobs, random_seed)``, so two seeded databases are identical row for row.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from training_db.errors import TrainingDbError
from training_db.paths import schema_dir

ID_TYPES = ("text", "uuid")
JOB_ID_TYPE_PLACEHOLDER = "{{job_id_type}}"
STATUSES = ("pending", "queued", "running", "paused", "completed", "failed", "cancelled")
MODELS = (
    "Qwen/Qwen3-0.6B",
    "Qwen/Qwen3-1.7B",
    "Qwen/Qwen2.5-0.5B-Instruct",
    "meta-llama/Llama-3.2-3B-Instruct",
    "meta-llama/Llama-3.2-1B",
    "Qwen/Qwen2.5-7B-Instruct",
    "mistralai/Mistral-7B-Instruct-v0.3",
)
GPU_TYPES = ("RTX A4000", "RTX A5000", "RTX A6000", "A100", "H100")
LOGGING_STEPS = 10  # one metrics row per 10 steps (DEFAULT_LOGGING_STEPS)
EVAL_STEPS = 50  # plus an eval-only row every 50 steps
EPOCH_ZERO = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# A non-UUID id that production used (STATUS_METRICS_PERSISTENCE.md); only a TEXT id can hold it.
HAND_NAMED_JOB_ID = "qwen3-1k-final-run"

JOB_COLUMNS = (
    "id",
    "user_id",
    "model_name",
    "dataset_path",
    "status",
    "job_token",
    "config",
    "error_message",
    "started_at",
    "completed_at",
    "created_at",
    "updated_at",
    "current_step",
    "current_epoch",
    "total_steps",
    "total_epochs",
    "progress",
    "loss",
    "eval_loss",
    "learning_rate",
    "grad_norm",
    "samples_per_second",
    "gpu_memory_allocated_gb",
    "gpu_memory_reserved_gb",
    "gpu_utilization_percent",
    "elapsed_seconds",
    "remaining_seconds",
    "perplexity",
    "best_eval_loss",
    "best_step",
    "epochs_without_improvement",
    "loss_trend",
    "total_samples",
    "batch_size",
    "gradient_accumulation_steps",
    "num_gpus",
    "distributed_strategy",
    "metadata",
    "agent_id",
    "claimed_at",
    "final_loss",
)
METRIC_COLUMNS = (
    "job_id",
    "step",
    "epoch",
    "train_loss",
    "eval_loss",
    "learning_rate",
    "grad_norm",
    "gpu_memory_allocated_gb",
    "gpu_memory_reserved_gb",
    "gpu_utilization_percent",
    "perplexity",
    "samples_per_second",
    "tokens_per_second",
    "loss_trend",
    "best_eval_loss",
    "timestamp",
    "created_at",
)
SERVER_COLUMNS = (
    "id",
    "user_id",
    "server_type",
    "name",
    "base_url",
    "port",
    "model_path",
    "model_name",
    "training_job_id",
    "process_id",
    "status",
    "config_json",
    "started_at",
    "stopped_at",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class SeedSummary:
    users: int
    jobs: int
    metrics: int
    servers: int


def seed_database(url: str, *, id_type: str = "text", jobs: int = 20, random_seed: int = 7) -> SeedSummary:
    """Create the schema and load the rows into the (empty) database at ``url``."""
    if id_type not in ID_TYPES:
        raise TrainingDbError(f"--id-type {id_type!r} is not supported: use text or uuid")
    if jobs < 0:
        raise TrainingDbError(f"--jobs {jobs} is negative: give a number of jobs, e.g. 20")
    with psycopg.connect(url, autocommit=False) as connection:
        if _has_legacy_tables(connection):
            raise TrainingDbError(
                "this database already has public.local_training_jobs: seed only into an empty database"
            )
        load_schema(connection, id_type)
        summary = load_rows(connection, id_type=id_type, jobs=jobs, random_seed=random_seed)
        connection.commit()
        connection.autocommit = True
        connection.execute("ANALYZE")
    return summary


def legacy_schema_sql(id_type: str) -> str:
    """schema/legacy_tables.sql with the job id type filled in."""
    return (schema_dir() / "legacy_tables.sql").read_text().replace(JOB_ID_TYPE_PLACEHOLDER, id_type)


def load_schema(connection: psycopg.Connection[Any], id_type: str) -> None:
    connection.execute((schema_dir() / "supabase_stubs.sql").read_text().encode())
    connection.execute(legacy_schema_sql(id_type).encode())


def _has_legacy_tables(connection: psycopg.Connection[Any]) -> bool:
    row = connection.execute("SELECT to_regclass('public.local_training_jobs') IS NOT NULL").fetchone()
    return bool(row and row[0])


def load_rows(
    connection: psycopg.Connection[Any], *, id_type: str, jobs: int, random_seed: int
) -> SeedSummary:
    rng = random.Random(random_seed)
    user_ids = [
        str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(max(3, math.ceil(jobs / 8)))
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO auth.users (id, email) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [(user_id, f"user{index}@example.test") for index, user_id in enumerate(user_ids)],
        )
    job_rows = [_job_row(rng, index, user_ids, id_type) for index in range(jobs)]
    _copy(connection, "local_training_jobs", JOB_COLUMNS, job_rows)
    metric_count = _copy(connection, "local_training_metrics", METRIC_COLUMNS, _metric_rows(rng, job_rows))
    server_rows = list(_server_rows(rng, job_rows, user_ids))
    _copy(connection, "local_inference_servers", SERVER_COLUMNS, server_rows)
    return SeedSummary(
        users=len(user_ids), jobs=len(job_rows), metrics=metric_count, servers=len(server_rows)
    )


def _copy(connection: psycopg.Connection[Any], table: str, columns: tuple[str, ...], rows: Any) -> int:
    count = 0
    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY public.{table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])
            count += 1
    return count


def _job_row(rng: random.Random, index: int, user_ids: list[str], id_type: str) -> dict[str, Any]:
    status = STATUSES[index % len(STATUSES)]
    job_id = HAND_NAMED_JOB_ID if (id_type == "text" and index == 0) else str(_uuid(rng))
    created_at = EPOCH_ZERO + timedelta(minutes=37 * index)
    total_epochs = rng.choice((1, 3, 5))
    total_steps = rng.choice((125, 250, 1000)) * total_epochs // 3 or 125
    done_fraction = {"pending": 0.0, "queued": 0.0, "completed": 1.0}.get(status, rng.uniform(0.05, 0.95))
    current_step = int(total_steps * done_fraction)
    loss = _loss_at(current_step, total_steps) if current_step else None
    started = status not in ("pending", "queued")
    finished = status in ("completed", "failed", "cancelled")
    config: dict[str, Any] = {
        "model": {"name": MODELS[index % len(MODELS)]},
        "training": {
            "method": rng.choice(("sft", "dpo", "orpo")),
            "num_epochs": total_epochs,
            "batch_size": 4,
            "learning_rate": 2e-4,
            "gradient_accumulation_steps": 8,
        },
        "lora": {"r": 16, "alpha": 32},
        "gpu_type": GPU_TYPES[index % len(GPU_TYPES)],
    }
    error_message = None
    if status == "failed":
        error_message = "CUDA out of memory. Tried to allocate 2.00 GiB"
        if index % 2:  # training_server.py replaces config with {"error": ...} on some paths
            config = {"error": error_message}
    return {
        "id": job_id,
        "user_id": user_ids[index % len(user_ids)],
        "model_name": MODELS[index % len(MODELS)],
        "dataset_path": f"{user_ids[index % len(user_ids)]}/private/{_uuid(rng)}.jsonl.gz",
        "status": status,
        "job_token": None if index % 5 == 3 else _token(rng),
        "config": json.dumps(config),
        "error_message": error_message,
        "started_at": created_at + timedelta(seconds=40) if started else None,
        "completed_at": created_at + timedelta(hours=2) if finished else None,
        "created_at": created_at,
        "updated_at": created_at + timedelta(minutes=rng.randint(1, 120)),
        "current_step": current_step,
        "current_epoch": current_step * total_epochs // max(total_steps, 1),
        "total_steps": total_steps,
        "total_epochs": total_epochs,
        "progress": round(100 * done_fraction, 2),
        "loss": loss,
        "eval_loss": None if loss is None else round(loss * 1.08, 4),
        "learning_rate": 2e-4 if started else None,
        "grad_norm": round(rng.uniform(0.2, 3.0), 4) if started else None,
        "samples_per_second": round(rng.uniform(0.1, 12.0), 3) if started else None,
        "gpu_memory_allocated_gb": 3.26 if started else None,
        "gpu_memory_reserved_gb": 20.58 if started else None,
        "gpu_utilization_percent": round(rng.uniform(60, 99), 1) if started else None,
        "elapsed_seconds": current_step * 7 if started else None,
        "remaining_seconds": (total_steps - current_step) * 7 if started and not finished else None,
        "perplexity": None if loss is None or loss >= 100 else round(math.exp(loss), 4),
        "best_eval_loss": None if loss is None else round(loss * 1.02, 4),
        "best_step": current_step - current_step % EVAL_STEPS if current_step >= EVAL_STEPS else None,
        "epochs_without_improvement": rng.randint(0, 3) if started else None,
        "loss_trend": rng.choice(("improving", "degrading", "stable", "insufficient_data"))
        if started
        else None,
        "total_samples": total_steps * 32 // total_epochs,
        "batch_size": 4,
        "gradient_accumulation_steps": 8,
        "num_gpus": 1,
        "distributed_strategy": "none",
        "metadata": json.dumps(
            {
                "logs": [f"step {step}" for step in range(0, current_step, 250)],
                "last_log_update": created_at.isoformat(),
            }
        )
        if started
        else "{}",
        "agent_id": f"agent_{rng.getrandbits(64):016x}" if index % 4 == 2 else None,
        "claimed_at": created_at + timedelta(seconds=10) if index % 4 == 2 else None,
        "final_loss": loss if status == "completed" else None,
    }


def _metric_rows(rng: random.Random, job_rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for job in job_rows:
        steps_per_epoch = max(job["total_steps"] // job["total_epochs"], 1)
        for step in range(LOGGING_STEPS, job["current_step"] + 1, LOGGING_STEPS):
            row = _metric_row(rng, job, step, steps_per_epoch, eval_point=False)
            yield row
            if step % 100 == 0:  # a retried POST: the same step logged twice
                yield dict(row)
            if step % EVAL_STEPS == 0:
                yield _metric_row(rng, job, step, steps_per_epoch, eval_point=True)


def _metric_row(
    rng: random.Random, job: dict[str, Any], step: int, steps_per_epoch: int, *, eval_point: bool
) -> dict[str, Any]:
    loss = _loss_at(step, job["total_steps"]) + rng.uniform(-0.03, 0.03)
    logged_at = job["created_at"] + timedelta(seconds=40 + 7 * step)
    return {
        "job_id": job["id"],
        "step": step,
        "epoch": step // steps_per_epoch,
        "train_loss": None if eval_point else round(loss, 4),
        "eval_loss": round(loss * 1.08, 4) if eval_point else None,
        "learning_rate": 2e-4 * (1 - step / (job["total_steps"] + 1)),
        "grad_norm": round(rng.uniform(0.2, 3.0), 4),
        "gpu_memory_allocated_gb": 3.26,
        "gpu_memory_reserved_gb": 20.58,
        "gpu_utilization_percent": round(rng.uniform(60, 99), 1),
        "perplexity": round(math.exp(loss), 4),
        "samples_per_second": round(rng.uniform(0.1, 12.0), 3),
        "tokens_per_second": round(rng.uniform(200, 4000), 1),
        "loss_trend": rng.choice(("improving", "stable")),
        "best_eval_loss": round(loss * 1.05, 4) if eval_point else None,
        "timestamp": logged_at,
        "created_at": logged_at,
    }


def _server_rows(
    rng: random.Random, job_rows: list[dict[str, Any]], user_ids: list[str]
) -> Iterator[dict[str, Any]]:
    completed = [job for job in job_rows if job["status"] == "completed"]
    for index, job in enumerate(completed):
        server_type = ("vllm", "ollama", "simple")[index % 3]
        port = 11434 if server_type == "ollama" else 8002 + index % 19
        status = ("running", "stopped", "starting", "error")[index % 4]
        yield _server_row(rng, job["user_id"], server_type, port, status, job["model_name"], job["id"])
    # A system server (no user) and a server of a model that no longer has its job.
    yield _server_row(rng, None, "ollama", 11434, "running", "Qwen/Qwen3-0.6B", None)
    yield _server_row(rng, user_ids[0], "vllm", 8019, "stopped", "meta-llama/Llama-3.2-1B", None)


def _server_row(
    rng: random.Random,
    user_id: str | None,
    server_type: str,
    port: int,
    status: str,
    model: str,
    job_id: str | None,
) -> dict[str, Any]:
    started_at = EPOCH_ZERO + timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
    running = status in ("running", "starting")
    config = (
        {"context_length": 4096, "served_model_name": model}
        if server_type == "ollama"
        else {"gpu_memory_utilization": 0.9, "max_model_len": 4096, "dtype": "bfloat16"}
    )
    return {
        "id": str(_uuid(rng)),
        "user_id": user_id,
        "server_type": server_type,
        "name": model,
        "base_url": "http://localhost:11434" if server_type == "ollama" else f"http://127.0.0.1:{port}",
        "port": port,
        "model_path": f"/models/{model}",
        "model_name": model,
        "training_job_id": job_id,
        "process_id": rng.randint(1000, 60000) if running and server_type != "ollama" else None,
        "status": status,
        "config_json": json.dumps(config),
        "started_at": started_at,
        "stopped_at": None if running else started_at + timedelta(hours=3),
        "created_at": started_at,
        "updated_at": started_at + timedelta(minutes=5),
    }


def _loss_at(step: int, total_steps: int) -> float:
    """A typical curve: about 2.5 at the start, about 0.4 at the end."""
    return round(0.4 + 2.1 * math.exp(-4 * step / max(total_steps, 1)), 4)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _token(rng: random.Random) -> str:
    """43 base64url characters, like crypto.randomBytes(32).toString('base64url')."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(43))
