"""Edge rows production can hold survive upgrade → downgrade → upgrade unchanged, for both id types.

NULL in every nullable column, NaN, ±Infinity and extreme floats, unicode and very long text, a
1 MB JSONB document, duplicate metric steps and dense foreign keys; first as a fixed set, then as
rows that hypothesis invents.
"""

from __future__ import annotations

import json
import math
from typing import Any

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from database_state import capture_state
from migrate import downgrade, upgrade
from postgres_backends import FreshDatabase, PostgresServer

EXTREME_FLOATS = [
    math.nan,
    math.inf,
    -math.inf,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -0.0,
]
LONG_UNICODE = "Über-long ✓ 训练 🚀 " * 6000  # about 100 KB
ONE_MEGABYTE_JSON = {"logs": [f"step {step}: loss ok ✓" for step in range(52000)], "hf_repo": None}


def new_job_id(connection: psycopg.Connection[Any], seed: int) -> Any:
    row = connection.execute(
        "SELECT CASE WHEN pg_typeof(id) = 'uuid'::regtype THEN md5(%s)::uuid::text ELSE 'edge-' || %s END "
        "FROM local_training_jobs LIMIT 1",
        [str(seed), str(seed)],
    ).fetchone()
    assert row is not None
    return row[0]


def insert_edge_rows(
    connection: psycopg.Connection[Any], metric_rows: list[dict[str, Any]], seed: int
) -> None:
    """A job with only its NOT NULL columns set, its metrics, a 1 MB metadata job and a bare server."""
    user = connection.execute("SELECT id FROM auth.users LIMIT 1").fetchone()[0]  # type: ignore[index]
    bare_job, big_job = new_job_id(connection, seed), new_job_id(connection, seed + 1)
    connection.execute(
        "INSERT INTO local_training_jobs (id, user_id, model_name, status, created_at, updated_at, metadata) "
        "VALUES (%s, %s, %s, 'queued', NULL, NULL, NULL)",
        [bare_job, user, LONG_UNICODE],
    )
    connection.execute(
        "INSERT INTO local_training_jobs (id, user_id, model_name, status, config, metadata, error_message) "
        "VALUES (%s, %s, 'Qwen/Qwen3-0.6B', 'failed', %s, %s, %s)",
        [
            big_job,
            user,
            Jsonb({"error": LONG_UNICODE[:500]}),
            Jsonb(ONE_MEGABYTE_JSON),
            "tabs\tand\nnewlines",
        ],
    )
    for row in metric_rows:
        connection.execute(
            "INSERT INTO local_training_metrics (job_id, step, epoch, train_loss, eval_loss, learning_rate, "
            'loss_trend, "timestamp") VALUES (%s, %s, %s, %s, %s, %s, %s, NULL)',
            [
                bare_job,
                row["step"],
                row["epoch"],
                row["train_loss"],
                row["eval_loss"],
                row["learning_rate"],
                row["loss_trend"],
            ],
        )
    connection.execute(
        "INSERT INTO local_inference_servers (user_id, server_type, name, base_url, port, model_path, "
        "model_name, training_job_id) VALUES (NULL, 'simple', %s, 'http://127.0.0.1:0', 0, '', '', NULL)",
        [LONG_UNICODE[:2000]],
    )


def fingerprints_across_up_down_up(url: str) -> list[dict[str, Any]]:
    states = [capture_state(url).data]
    upgrade(url)
    states.append(capture_state(url).data)
    downgrade(url)
    states.append(capture_state(url).data)
    upgrade(url)
    states.append(capture_state(url).data)
    return states


def test_fixed_edge_rows_survive(seeded_url: str) -> None:
    metric_rows = [
        {
            "step": 10,
            "epoch": 0,
            "train_loss": value,
            "eval_loss": -value,
            "learning_rate": None,
            "loss_trend": "stable",
        }
        for value in EXTREME_FLOATS
    ] + [
        {
            "step": 10,
            "epoch": 0,
            "train_loss": None,
            "eval_loss": None,
            "learning_rate": None,
            "loss_trend": None,
        }
    ]
    with psycopg.connect(seeded_url) as connection:
        insert_edge_rows(connection, metric_rows, seed=1)
        size = connection.execute(
            "SELECT pg_column_size(metadata) FROM local_training_jobs WHERE metadata ? 'logs' "
            "ORDER BY 1 DESC LIMIT 1"
        ).fetchone()
    assert size is not None and len(json.dumps(ONE_MEGABYTE_JSON)) > 1_000_000
    states = fingerprints_across_up_down_up(seeded_url)
    assert all(state == states[0] for state in states)


metric_row = st.fixed_dictionaries(
    {
        "step": st.integers(min_value=0, max_value=3),  # few values: duplicates are likely
        "epoch": st.integers(min_value=-(2**31), max_value=2**31 - 1),
        "train_loss": st.none() | st.floats(allow_nan=True, allow_infinity=True),
        "eval_loss": st.none() | st.floats(allow_nan=True, allow_infinity=True, width=32),
        "learning_rate": st.none() | st.floats(min_value=0, max_value=1),
        "loss_trend": st.none()
        | st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300
        ),
    }
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(metric_rows=st.lists(metric_row, min_size=1, max_size=25))
def test_invented_edge_rows_survive(
    pg_server: PostgresServer, seeded_templates: dict[str, str], metric_rows: list[dict[str, Any]]
) -> None:
    for template in seeded_templates.values():
        with FreshDatabase(pg_server, template) as url:
            with psycopg.connect(url) as connection:
                insert_edge_rows(connection, metric_rows, seed=7)
            states = fingerprints_across_up_down_up(url)
            assert all(state == states[0] for state in states)
