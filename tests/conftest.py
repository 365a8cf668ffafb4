"""Shared fixtures: one PostgreSQL server per session, seeded template databases, fresh copies per test."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from migrate import upgrade
from postgres_backends import FreshDatabase, PostgresServer, postgres_server
from training_db.seed import ID_TYPES, seed_database

SEEDED_JOBS = 40
BACKEND_LINE = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Repeat which server the suite ran on, so the end of a CI log says it."""
    if BACKEND_LINE in config.stash:
        terminalreporter.write_line(config.stash[BACKEND_LINE])


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """The session's one server; how it was chosen is printed once."""
    with postgres_server() as server:
        line = f"database backend: {server.backend}, server_version_num {server.server_version_num()}"
        if server.notes:
            line += " (passed over: " + "; ".join(server.notes) + ")"
        request.config.stash[BACKEND_LINE] = line
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print("\n" + line)
        yield server


@pytest.fixture(scope="session")
def seeded_templates(pg_server: PostgresServer) -> dict[str, str]:
    """A seeded template database per id type, built once; tests copy them."""
    templates = {}
    for id_type in ID_TYPES:
        name = f"template_seeded_{id_type}"
        _recreate_database(pg_server, name)
        seed_database(pg_server.url(name), id_type=id_type, jobs=SEEDED_JOBS)
        templates[id_type] = name
    return templates


@pytest.fixture(scope="session")
def head_template(pg_server: PostgresServer, seeded_templates: dict[str, str]) -> str:
    """A seeded database (TEXT ids) already upgraded to head, for tests that start from today."""
    name = "template_at_head_text"
    with psycopg.connect(pg_server.admin_conninfo, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(seeded_templates["text"])
            )
        )
    upgrade(pg_server.url(name))
    return name


@pytest.fixture
def at_head_url(pg_server: PostgresServer, head_template: str) -> Iterator[str]:
    """A fresh seeded database at head (a copy of the head template)."""
    with FreshDatabase(pg_server, template=head_template) as url:
        yield url


@pytest.fixture(params=ID_TYPES)
def id_type(request: pytest.FixtureRequest) -> str:
    """Every test that takes it runs for a TEXT and for a UUID local_training_jobs.id."""
    return str(request.param)


@pytest.fixture
def seeded_url(pg_server: PostgresServer, seeded_templates: dict[str, str], id_type: str) -> Iterator[str]:
    """A fresh production-like database (a copy of the seeded template) at base revision."""
    with FreshDatabase(pg_server, template=seeded_templates[id_type]) as url:
        yield url


@pytest.fixture
def text_seeded_url(pg_server: PostgresServer, seeded_templates: dict[str, str]) -> Iterator[str]:
    """A fresh seeded database with TEXT job ids, for tests where the id type does not matter."""
    with FreshDatabase(pg_server, template=seeded_templates["text"]) as url:
        yield url


@pytest.fixture
def empty_url(pg_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database."""
    with FreshDatabase(pg_server, template="template0") as url:
        yield url


@pytest.fixture
def alembic_engine(pg_server: PostgresServer, seeded_templates: dict[str, str]) -> Iterator[Engine]:
    """pytest-alembic's engine: a fresh seeded database (its built-in tests need real tables)."""
    with FreshDatabase(pg_server, template=seeded_templates["text"]) as url:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=NullPool)
        yield engine
        engine.dispose()


@pytest.fixture
def alembic_config() -> dict[str, str]:
    return {"file": "alembic.ini"}


def _recreate_database(server: PostgresServer, name: str) -> None:
    with psycopg.connect(server.admin_conninfo, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
