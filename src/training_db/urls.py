"""Where the database is: ``-x url=...`` or ``DATABASE_URL``, normalised to psycopg 3.

Supabase hands out ``postgres://`` and ``postgresql://`` URLs; SQLAlchemy would pick psycopg2 for
them, which training-db does not install, so every PostgreSQL URL is rewritten to
``postgresql+psycopg://``. There is deliberately no default database: a deploy that forgot its URL
must fail, not migrate whatever happens to answer on localhost.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from training_db.errors import TrainingDbError

POSTGRES_SCHEMES = ("postgres", "postgresql")


def resolve_database_url(x_arguments: Mapping[str, str], environ: Mapping[str, str]) -> URL:
    """The URL to migrate: ``-x url=`` wins over ``DATABASE_URL``; neither is an error."""
    raw_url = x_arguments.get("url") or environ.get("DATABASE_URL")
    if not raw_url:
        raise TrainingDbError(
            "no database URL: set DATABASE_URL or pass -x url=postgresql://USER:PASSWORD@HOST:5432/DB "
            "(training-db never falls back to a default database)"
        )
    return parse_postgres_url(raw_url)


def parse_postgres_url(raw_url: str) -> URL:
    """Parse a PostgreSQL URL and make it use psycopg 3; anything else is a one-line error."""
    try:
        url = make_url(raw_url)
    except ArgumentError:
        raise TrainingDbError(
            f"malformed database URL {redact(raw_url)!r}: expected postgresql://USER:PASSWORD@HOST:5432/DB"
        ) from None
    backend = url.drivername.split("+", 1)[0]
    if backend not in POSTGRES_SCHEMES:
        raise TrainingDbError(
            f"{url.drivername}:// is not a PostgreSQL URL: training-db only migrates PostgreSQL; "
            "use a postgresql:// URL"
        )
    return url.set(drivername="postgresql+psycopg")


def redact(raw_url: str) -> str:
    """The URL as it may appear in a message: the password replaced by ***."""
    scheme, sep, rest = raw_url.partition("://")
    if not sep or "@" not in rest:
        return raw_url
    credentials, _, location = rest.rpartition("@")
    user, has_password, _ = credentials.partition(":")
    return f"{scheme}://{user}{':***' if has_password else ''}@{location}"
