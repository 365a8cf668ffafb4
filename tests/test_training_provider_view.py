"""Revision 0002: one labelled row per job, security_invoker, per-user isolation, PK lookups."""

from __future__ import annotations

import psycopg
import pytest

from app_queries import plan_nodes
from database_state import capture_state
from migrate import downgrade, upgrade
from roles import as_role


def test_one_row_per_job_with_the_internal_key_and_the_cloud_label(seeded_url: str) -> None:
    upgrade(seeded_url)
    with psycopg.connect(seeded_url) as connection:
        jobs = connection.execute(
            "SELECT id, user_id, status, created_at FROM local_training_jobs ORDER BY id"
        ).fetchall()
        rows = connection.execute(
            "SELECT job_id, user_id, status, created_at, provider_key, provider_label "
            "FROM training_provider ORDER BY job_id"
        ).fetchall()
    assert len(jobs) > 0
    assert [row[:4] for row in rows] == jobs
    assert {(row[4], row[5]) for row in rows} == {("training_provider_local", "Cloud training")}


def test_job_id_has_the_type_of_the_jobs_id_without_a_cast(seeded_url: str, id_type: str) -> None:
    upgrade(seeded_url)
    with psycopg.connect(seeded_url) as connection:
        column_types = dict(
            connection.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'training_provider'::regclass AND attnum > 0"
            ).fetchall()
        )
    assert column_types == {
        "job_id": id_type,
        "user_id": "uuid",
        "status": "text",
        "created_at": "timestamp with time zone",
        "provider_key": "text",
        "provider_label": "text",
    }


def test_security_invoker_is_set_on_the_view(text_seeded_url: str) -> None:
    upgrade(text_seeded_url)
    with psycopg.connect(text_seeded_url) as connection:
        options = connection.execute(
            "SELECT reloptions FROM pg_class WHERE oid = 'public.training_provider'::regclass"
        ).fetchone()
    assert options is not None
    assert "security_invoker=true" in options[0]


def test_a_lookup_by_job_id_uses_the_primary_key_index(seeded_url: str, id_type: str) -> None:
    """At a production-like job count the lookup is an index scan on the primary key, as on the table."""
    upgrade(seeded_url)
    with psycopg.connect(seeded_url, autocommit=True) as connection:
        user_id = connection.execute("SELECT id FROM auth.users LIMIT 1").fetchone()[0]  # type: ignore[index]
        connection.execute(
            f"INSERT INTO local_training_jobs (id, user_id, model_name, status) "
            f"SELECT gen_random_uuid()::text::{id_type}, %s, 'Qwen/Qwen3-0.6B', 'completed' "
            "FROM generate_series(1, 5000)",
            [user_id],
        )
        connection.execute("ANALYZE local_training_jobs")
        job_id = connection.execute(
            "SELECT id FROM local_training_jobs ORDER BY created_at LIMIT 1"
        ).fetchone()
        assert job_id is not None
        through_view = plan_nodes(
            connection, "SELECT * FROM training_provider WHERE job_id = %s", [job_id[0]]
        )
        on_table = plan_nodes(connection, "SELECT * FROM local_training_jobs WHERE id = %s", [job_id[0]])
    assert ("Index Scan", "local_training_jobs_pkey") in through_view
    assert through_view == on_table


def test_each_authenticated_user_sees_only_their_own_jobs(seeded_url: str) -> None:
    upgrade(seeded_url)
    with psycopg.connect(seeded_url) as connection:
        owners = dict(
            connection.execute("SELECT id::text, user_id::text FROM local_training_jobs").fetchall()
        )
        users = sorted(set(owners.values()))
        assert len(users) >= 3
        for user in users:
            with as_role(connection, "authenticated", user):
                visible = connection.execute(
                    "SELECT job_id::text, user_id::text FROM training_provider"
                ).fetchall()
            assert {job for job, _ in visible} == {job for job, owner in owners.items() if owner == user}
            assert {owner for _, owner in visible} == {user}


def test_anon_cannot_select_the_view(text_seeded_url: str) -> None:
    upgrade(text_seeded_url)
    with (
        psycopg.connect(text_seeded_url) as connection,
        as_role(connection, "anon"),
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        connection.execute("SELECT * FROM training_provider")


def test_service_role_sees_every_job(text_seeded_url: str) -> None:
    upgrade(text_seeded_url)
    with psycopg.connect(text_seeded_url) as connection:
        (total,) = connection.execute("SELECT count(*) FROM local_training_jobs").fetchone()  # type: ignore[misc]
        with as_role(connection, "service_role"):
            (visible,) = connection.execute("SELECT count(*) FROM training_provider").fetchone()  # type: ignore[misc]
    assert visible == total > 0


def test_grants_on_the_view(text_seeded_url: str) -> None:
    upgrade(text_seeded_url)
    with psycopg.connect(text_seeded_url) as connection:
        grants = connection.execute(
            "SELECT grantee, privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'training_provider' AND grantee <> current_user ORDER BY 1, 2"
        ).fetchall()
    assert grants == [("authenticated", "SELECT"), ("service_role", "SELECT")]


def test_downgrade_drops_the_view_and_nothing_else(text_seeded_url: str) -> None:
    upgrade(text_seeded_url, "0001_table_comments")
    at_comments = capture_state(text_seeded_url)
    upgrade(text_seeded_url)
    assert capture_state(text_seeded_url).view_exists
    downgrade(text_seeded_url, "0001_table_comments")
    after = capture_state(text_seeded_url)
    assert not after.view_exists
    assert after == at_comments
