"""Run SQL as the app does: as service_role, as an authenticated user with a JWT claim, or as anon."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg


@contextmanager
def as_role(
    connection: psycopg.Connection[Any], role: str, user_id: str | None = None
) -> Iterator[psycopg.Connection[Any]]:
    """A transaction running as ``role`` (and ``auth.uid() = user_id``), rolled back at the end."""
    with connection.transaction(force_rollback=True):
        connection.execute(f"SET LOCAL ROLE {role}")
        connection.execute("SELECT set_config('request.jwt.claim.sub', %s, true)", [user_id or ""])
        yield connection
