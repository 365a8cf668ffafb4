"""Order-independent fingerprints of table contents: proof that no row changed.

Each row is hashed from its text form (``md5(row::text)``) and the 128-bit hashes are summed as two
64-bit halves, so the result does not depend on row order or physical layout (a VACUUM FULL or
a HOT update elsewhere leaves it alone), counts duplicate rows, and needs constant memory however
large the table is. Text forms are canonical in PostgreSQL: jsonb is normalised, floats print
shortest-exact, NaN and ±Infinity and NULL have fixed spellings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

_FINGERPRINT_QUERY = """
SELECT count(*),
       coalesce(sum(('x' || substr(row_hash, 1, 16))::bit(64)::bigint::numeric), 0)::text,
       coalesce(sum(('x' || substr(row_hash, 17, 16))::bit(64)::bigint::numeric), 0)::text
FROM (SELECT md5(t::text) AS row_hash FROM {table} AS t) AS hashed
"""


@dataclass(frozen=True)
class TableFingerprint:
    """How many rows a table has and a digest of all of them."""

    rows: int
    digest: str


def table_fingerprint(connection: psycopg.Connection[Any], schema: str, table: str) -> TableFingerprint:
    """Fingerprint one table's full contents with a plain MVCC read (ACCESS SHARE only)."""
    query = sql.SQL(_FINGERPRINT_QUERY).format(table=sql.Identifier(schema, table))
    row = connection.execute(query).fetchone()
    assert row is not None
    rows, high, low = row
    return TableFingerprint(rows=int(rows), digest=f"{high}:{low}")


def data_fingerprint(
    connection: psycopg.Connection[Any], tables: tuple[str, ...], schema: str = "public"
) -> dict[str, TableFingerprint]:
    """Fingerprints of several tables, read in one snapshot."""
    with connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return {table: table_fingerprint(connection, schema, table) for table in tables}
