"""Turn driver and server errors into one line: what is wrong and what to do.

psycopg reports connection failures as libpq's multi-line text and server errors with a
SQLSTATE; a deploy log needs neither a traceback nor guesswork. Matching libpq's wording is the
only way to tell connection failures apart (they carry no SQLSTATE before a session exists).
"""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from training_db.errors import TrainingDbError, first_line

# libpq message fragments (all must appear) → (what is wrong, what to do)
_CONNECTION_FAILURES = (
    (("could not translate host name",), "unknown host {host}", "check the host name in the database URL"),
    (("Name or service not known",), "unknown host {host}", "check the host name in the database URL"),
    (
        ("Connection refused",),
        "nothing listens on {host}:{port}",
        "check the host and port, and that the server runs",
    ),
    (
        ("password authentication failed",),
        "the server refused the password for user {user}",
        "check the user and password in the database URL",
    ),
    (
        ("no password supplied",),
        "the server wants a password for user {user}",
        "add the password to the database URL",
    ),
    (
        ("role", "does not exist"),
        "user {user} does not exist on {host}:{port}",
        "check the user name in the database URL",
    ),
    (
        ("database", "does not exist"),
        "database {database} does not exist on {host}:{port}",
        "check the database name in the URL",
    ),
    (
        ("server does not support SSL, but SSL was required",),
        "the URL requires TLS but {host}:{port} does not offer it",
        "enable TLS on the server, or lower sslmode in the URL",
    ),
    (
        ("no pg_hba.conf entry", "no encryption"),
        "{host}:{port} accepts only TLS connections for user {user}",
        "add ?sslmode=require to the URL",
    ),
    (
        ("SSL",),
        "TLS negotiation with {host}:{port} failed ({detail})",
        "check the sslmode and certificates in the URL",
    ),
    (("timeout expired",), "connecting to {host}:{port} timed out", "check that the host is reachable"),
    (
        ("No such file or directory",),
        "no server socket at {host}",
        "check the socket directory and that the server runs",
    ),
)

_SQLSTATE_ADVICE = {
    "55P03": "a lock wait exceeded lock_timeout: another session holds a conflicting lock; "
    "rerun when it is gone, or raise -x lock_timeout",
    "57014": "a statement exceeded statement_timeout or was cancelled; rerun, or raise -x statement_timeout",
    "42501": "permission denied; run the migration as the tables' owner",
    "25006": "the server is read-only; point the URL at the primary",
    "57P01": "the server terminated the migration's session; nothing of the current revision was kept, "
    "rerun to complete it",
    "40P01": "deadlock detected; nothing of the current revision was kept, rerun",
}


def describe_connection_error(error: BaseException, url: URL) -> TrainingDbError:
    """A one-line error for a failure to open the migration's connection."""
    message = str(getattr(error, "orig", None) or error)
    fields = {
        "host": url.host or url.query.get("host") or "localhost",
        "port": url.port or 5432,
        "user": url.username or "(default)",
        "database": url.database or "(default)",
        "detail": first_line(message),
    }
    for fragments, what, todo in _CONNECTION_FAILURES:
        if all(fragment in message for fragment in fragments):
            return TrainingDbError(f"cannot connect: {what.format(**fields)}; {todo}")
    return TrainingDbError(f"cannot connect to {fields['host']}:{fields['port']}: {fields['detail']}")


def describe_migration_error(error: DBAPIError | psycopg.Error) -> TrainingDbError:
    """A one-line error for a server error raised while a revision ran."""
    original = getattr(error, "orig", error)
    sqlstate = getattr(original, "sqlstate", None)
    detail = first_line(str(original))
    if isinstance(original, psycopg.OperationalError) and sqlstate is None:
        return TrainingDbError(
            f"the connection to the server was lost during the migration ({detail}); the revision "
            "that was running was not applied: rerun to complete it"
        )
    advice = _SQLSTATE_ADVICE.get(
        sqlstate or "", "nothing of the current revision was kept; fix the cause and rerun"
    )
    return TrainingDbError(f"migration failed with SQLSTATE {sqlstate}: {detail}; {advice}")
