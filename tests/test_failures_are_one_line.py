"""Every failure a user can cause prints one line (what is wrong, what to do), exits non-zero and
changes nothing."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from database_state import capture_state
from migrate import REPO_ROOT, alembic_config, run_alembic, upgrade
from postgres_backends import PostgresServer
from training_db.errors import TrainingDbError

LOGIN_ROLE_PASSWORD = "deployer-password"


def failure_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed ``alembic`` run printed, ignoring Alembic's INFO progress log."""
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith("INFO ")]
    assert len(lines) == 1, lines
    assert lines[0].startswith("FAILED: ")
    return lines[0].removeprefix("FAILED: ")


def upgrade_cli(url: str | None, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_alembic(*(["-x", f"url={url}"] if url else []), *extra, "upgrade", "head")


def with_user(url: str, user: str, password: str = LOGIN_ROLE_PASSWORD) -> str:
    return make_url(url).set(username=user, password=password).render_as_string(hide_password=False)


@pytest.fixture
def login_role(pg_server: PostgresServer) -> Iterator[str]:
    """A login role that owns nothing; request it before the database fixture so it outlives it."""
    name = f"deployer_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server.admin_conninfo, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), LOGIN_ROLE_PASSWORD)
        )
    yield name
    with psycopg.connect(pg_server.admin_conninfo, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_no_url_is_refused_and_never_falls_back_to_a_default() -> None:
    line = failure_line(run_alembic("upgrade", "head"))
    assert line.startswith("no database URL: set DATABASE_URL or pass -x url=")


def test_database_url_from_the_environment_is_used(text_seeded_url: str) -> None:
    result = run_alembic("upgrade", "head", env={"DATABASE_URL": text_seeded_url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert capture_state(text_seeded_url).view_exists


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "malformed database URL 'not a url'"),
        ("mysql://app:secret@localhost/app", "mysql:// is not a PostgreSQL URL"),
        ("sqlite:///local.db", "sqlite:// is not a PostgreSQL URL"),
        ("postgresql://app:secret@127.0.0.1:1/app", "cannot connect: nothing listens on 127.0.0.1:1"),
        (
            "postgresql://app:secret@no-such-host.invalid/app",
            "cannot connect: unknown host no-such-host.invalid",
        ),
    ],
)
def test_bad_urls(url: str, expected: str) -> None:
    line = failure_line(upgrade_cli(url))
    assert line.startswith(expected)
    assert "secret" not in line


def test_missing_database(pg_server: PostgresServer) -> None:
    line = failure_line(upgrade_cli(pg_server.url("no_such_database")))
    assert line.startswith("cannot connect: database no_such_database does not exist")


def test_missing_user(pg_server: PostgresServer) -> None:
    """Password auth hides whether the user exists; either way the line says what to check."""
    line = failure_line(upgrade_cli(with_user(pg_server.url("postgres"), "nobody_here")))
    assert line.startswith(
        (
            "cannot connect: user nobody_here does not exist",
            "cannot connect: the server refused the password for user nobody_here",
        )
    )


def test_wrong_password(pg_server: PostgresServer, login_role: str) -> None:
    url = make_url(pg_server.url("postgres")).set(username=login_role, password="not-the-password")
    try:
        psycopg.connect(url.render_as_string(hide_password=False)).close()
    except psycopg.OperationalError:
        pass
    else:
        pytest.skip(
            f"the {pg_server.backend} server trusts every connection; the container legs check passwords"
        )
    line = failure_line(upgrade_cli(url.render_as_string(hide_password=False)))
    assert line == (
        f"cannot connect: the server refused the password for user {login_role}; "
        "check the user and password in the database URL"
    )
    assert "not-the-password" not in line


def test_postgres_scheme_as_supabase_gives_it_is_accepted(text_seeded_url: str) -> None:
    result = upgrade_cli(text_seeded_url.replace("postgresql://", "postgres://", 1))
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_protected_table(text_seeded_url: str) -> None:
    with psycopg.connect(text_seeded_url, autocommit=True) as connection:
        connection.execute("DROP TABLE local_inference_servers")
    with psycopg.connect(text_seeded_url) as connection:
        before = connection.execute("SELECT count(*) FROM pg_class").fetchone()
    line = failure_line(upgrade_cli(text_seeded_url))
    assert line.startswith("table public.local_inference_servers is missing")
    with psycopg.connect(text_seeded_url) as connection:
        assert connection.execute("SELECT count(*) FROM pg_class").fetchone() == before
        assert connection.execute("SELECT to_regclass('alembic_version')").fetchone() == (None,)


def test_missing_column_the_view_reads(text_seeded_url: str) -> None:
    with psycopg.connect(text_seeded_url, autocommit=True) as connection:
        connection.execute("ALTER TABLE local_training_jobs RENAME COLUMN status TO state")
    before = capture_state(text_seeded_url)
    line = failure_line(upgrade_cli(text_seeded_url))
    assert line.startswith("column public.local_training_jobs.status is missing")
    assert capture_state(text_seeded_url) == before


def test_role_that_does_not_own_the_tables(login_role: str, text_seeded_url: str) -> None:
    with psycopg.connect(text_seeded_url) as connection:
        (owner,) = connection.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'local_training_jobs'::regclass"
        ).fetchone()  # type: ignore[misc]
    before = capture_state(text_seeded_url)
    line = failure_line(upgrade_cli(with_user(text_seeded_url, login_role)))
    assert line == (
        f"role {login_role} may not comment on public.local_training_jobs (owner: {owner}): "
        f"run the migration as {owner} or a member of it"
    )
    assert capture_state(text_seeded_url) == before


def test_owner_without_create_on_the_schema(login_role: str, text_seeded_url: str) -> None:
    with psycopg.connect(text_seeded_url, autocommit=True) as connection:
        for table in ("local_training_jobs", "local_training_metrics", "local_inference_servers"):
            connection.execute(
                sql.SQL("ALTER TABLE {} OWNER TO {}").format(
                    sql.Identifier(table), sql.Identifier(login_role)
                )
            )
    before = capture_state(text_seeded_url)
    line = failure_line(upgrade_cli(with_user(text_seeded_url, login_role)))
    assert line.startswith(f"role {login_role} may not create views in schema public")
    assert capture_state(text_seeded_url) == before


def test_invalid_timeout_setting(text_seeded_url: str) -> None:
    before = capture_state(text_seeded_url)
    line = failure_line(upgrade_cli(text_seeded_url, "-x", "lock_timeout=0"))
    assert line == "lock_timeout='0' would wait forever: give a positive duration, e.g. 2s"
    line = failure_line(upgrade_cli(text_seeded_url, "-x", "statement_timeout=soon"))
    assert line.startswith("statement_timeout='soon' is not a duration")
    assert capture_state(text_seeded_url) == before


def test_unknown_revision_id(text_seeded_url: str) -> None:
    before = capture_state(text_seeded_url)
    result = run_alembic("-x", f"url={text_seeded_url}", "upgrade", "0099_no_such_revision")
    assert "0099_no_such_revision" in failure_line(result)
    assert capture_state(text_seeded_url) == before


def test_an_edited_reviewed_sql_file_is_refused(text_seeded_url: str, tmp_path: Path) -> None:
    schema_copy = tmp_path / "schema"
    shutil.copytree(REPO_ROOT / "schema", schema_copy)
    view_file = schema_copy / "views" / "training_provider.v1.sql"
    view_file.write_text(view_file.read_text().replace("'Cloud training'", "'Cloud Training'"))
    upgrade(text_seeded_url, "0001_table_comments")
    before = capture_state(text_seeded_url)

    config = alembic_config(text_seeded_url)
    config.set_main_option("schema_dir", str(schema_copy))
    from alembic import command

    with pytest.raises(
        TrainingDbError, match=r"training_provider\.v1\.sql was edited after its revision was written"
    ):
        command.upgrade(config, "head")
    assert capture_state(text_seeded_url) == before


def test_a_server_error_during_preflight_is_one_line(login_role: str, text_seeded_url: str) -> None:
    """A server error inside the migration lock is reported as itself, not hidden by the lock's release."""
    with psycopg.connect(text_seeded_url, autocommit=True) as connection:
        connection.execute("REVOKE EXECUTE ON FUNCTION pg_catalog.pg_is_in_recovery() FROM PUBLIC")
    before = capture_state(text_seeded_url)
    line = failure_line(upgrade_cli(with_user(text_seeded_url, login_role)))
    assert line.startswith(
        "migration failed with SQLSTATE 42501: permission denied for function pg_is_in_recovery"
    )
    assert capture_state(text_seeded_url) == before


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("downgrade", "-1"), "Relative revision -1 didn't produce 1 migrations: nothing was changed"),
        (("upgrade", "+3"), "Relative revision +3 didn't produce 3 migrations: nothing was changed"),
    ],
)
def test_steps_past_base_or_head(text_seeded_url: str, arguments: tuple[str, ...], expected: str) -> None:
    before = capture_state(text_seeded_url)
    line = failure_line(run_alembic("-x", f"url={text_seeded_url}", *arguments))
    assert line.startswith(expected)
    assert line.endswith(
        "run 'alembic current' for the database's revision and 'alembic history' for the valid targets"
    )
    assert capture_state(text_seeded_url) == before


def test_tls_required_by_the_url_but_not_offered_by_the_server(pg_server: PostgresServer) -> None:
    url = make_url(pg_server.url("postgres"))
    if "host" in url.query:
        pytest.skip(f"the {pg_server.backend} server listens on a Unix socket only, where TLS does not apply")
    line = failure_line(upgrade_cli(url.update_query_dict({"sslmode": "require"}).render_as_string(False)))
    assert line == (
        f"cannot connect: the URL requires TLS but {url.host}:{url.port} does not offer it; "
        "enable TLS on the server, or lower sslmode in the URL"
    )
