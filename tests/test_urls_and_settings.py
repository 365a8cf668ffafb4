"""URL normalisation and duration parsing: pure functions, no database needed."""

from __future__ import annotations

import pytest

from training_db.errors import TrainingDbError
from training_db.settings import MigrationSettings, parse_duration_ms
from training_db.urls import parse_postgres_url, redact, resolve_database_url


@pytest.mark.parametrize(
    "raw",
    [
        "postgres://app:pw@db.example.supabase.co:5432/postgres",
        "postgresql://app:pw@db.example.supabase.co:5432/postgres",
        "postgresql+psycopg://app:pw@db.example.supabase.co:5432/postgres",
    ],
)
def test_supabase_urls_run_on_psycopg3(raw: str) -> None:
    url = parse_postgres_url(raw)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.username) == (
        "db.example.supabase.co",
        5432,
        "postgres",
        "app",
    )


def test_x_url_wins_over_database_url() -> None:
    url = resolve_database_url({"url": "postgresql://a@h1/db1"}, {"DATABASE_URL": "postgresql://b@h2/db2"})
    assert url.host == "h1"
    assert resolve_database_url({}, {"DATABASE_URL": "postgresql://b@h2/db2"}).host == "h2"


def test_no_url_anywhere_is_an_error() -> None:
    with pytest.raises(TrainingDbError, match="no database URL"):
        resolve_database_url({}, {})


def test_passwords_never_reach_messages() -> None:
    assert redact("postgresql://app:s3cret@host/db") == "postgresql://app:***@host/db"
    with pytest.raises(TrainingDbError) as raised:
        parse_postgres_url("oracle://app:s3cret@host/db")
    assert "s3cret" not in str(raised.value)


@pytest.mark.parametrize(
    ("value", "milliseconds"), [("2s", 2000), ("750ms", 750), ("1min", 60000), ("1500", 1500)]
)
def test_durations(value: str, milliseconds: int) -> None:
    assert parse_duration_ms("lock_timeout", value) == milliseconds


def test_settings_precedence_x_then_environment_then_default() -> None:
    settings = MigrationSettings.from_sources(
        {"lock_timeout": "300ms"}, {"TRAINING_DB_LOCK_TIMEOUT": "9s", "TRAINING_DB_STATEMENT_TIMEOUT": "5s"}
    )
    assert settings.lock_timeout_ms == 300
    assert settings.statement_timeout_ms == 5000
    assert settings.migration_lock_wait_ms == 60000
