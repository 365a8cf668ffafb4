"""A fingerprint of everything about the protected tables that the app, realtime or security rely on.

Columns, constraints, indexes, triggers, RLS, policies, grants, owner, replica identity,
publication membership, comments, foreign keys pointing in and the views that read the table,
each as plain data (strings, lists, dicts) read from the catalog, so two fingerprints compare with
``==``, serialise to JSON, and differ in ways :func:`describe_differences` can name in words.
"""

from __future__ import annotations

from typing import Any

import psycopg

Fingerprint = dict[str, Any]

_COLUMNS = """
SELECT a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid),
       a.attnotnull, a.attidentity, a.attgenerated, col_description(a.attrelid, a.attnum)
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped
"""
_CONSTRAINTS = "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %(oid)s"
_INBOUND_FOREIGN_KEYS = """
SELECT conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
FROM pg_constraint WHERE confrelid = %(oid)s AND contype = 'f' AND conrelid <> %(oid)s
"""
_INDEXES = (
    "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %(oid)s"
)
_TRIGGERS = (
    "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %(oid)s AND NOT tgisinternal"
)
_POLICIES = """
SELECT policyname, permissive, cmd, roles::text[], qual, with_check
FROM pg_policies WHERE schemaname = %(schema)s AND tablename = %(table)s
"""
_TABLE = """
SELECT pg_get_userbyid(relowner), relrowsecurity, relforcerowsecurity, relreplident,
       obj_description(oid, 'pg_class'), coalesce(reloptions, '{}')
FROM pg_class WHERE oid = %(oid)s
"""
_TABLE_GRANTS = """
SELECT coalesce(nullif(pg_get_userbyid(acl.grantee), ''), 'PUBLIC'), acl.privilege_type, acl.is_grantable
FROM pg_class c, aclexplode(c.relacl) AS acl WHERE c.oid = %(oid)s
"""
_COLUMN_GRANTS = """
SELECT a.attname, coalesce(nullif(pg_get_userbyid(acl.grantee), ''), 'PUBLIC'), acl.privilege_type
FROM pg_attribute a, aclexplode(a.attacl) AS acl
WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped
"""
_PUBLICATIONS = """
SELECT pubname FROM pg_publication_tables WHERE schemaname = %(schema)s AND tablename = %(table)s
"""
_DEPENDENT_VIEWS = """
SELECT DISTINCT v.oid, v.oid::regclass::text
FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = %(oid)s AND v.oid <> %(oid)s
"""
_VIEW = """
SELECT pg_get_viewdef(oid), coalesce(reloptions, '{}'), pg_get_userbyid(relowner),
       obj_description(oid, 'pg_class')
FROM pg_class WHERE oid = %(oid)s
"""


def catalog_fingerprint(
    connection: psycopg.Connection[Any], tables: tuple[str, ...], schema: str = "public"
) -> Fingerprint:
    """The fingerprint of each table (a missing table is recorded as missing, not an error)."""
    return {table: _table_fingerprint(connection, schema, table) for table in tables}


def _table_fingerprint(connection: psycopg.Connection[Any], schema: str, table: str) -> Fingerprint:
    row = connection.execute("SELECT to_regclass(%s)::oid", [f"{schema}.{table}"]).fetchone()
    oid = row[0] if row else None
    if oid is None:
        return {"missing": True}
    params = {"oid": oid, "schema": schema, "table": table}

    def rows(query: str) -> list[tuple[Any, ...]]:
        return connection.execute(query, params).fetchall()

    owner, rls, forced, replident, comment, options = rows(_TABLE)[0]
    return {
        "owner": owner,
        "row level security": "enabled" if rls else "disabled",
        "forced row level security": "forced" if forced else "not forced",
        "replica identity": {"d": "default", "n": "nothing", "f": "full", "i": "index"}[replident],
        "table comment": comment,
        "storage options": sorted(options),
        "columns": {
            name: {
                "position": position,
                "type": type_,
                "default": default,
                "not null": not_null,
                "identity": identity or None,
                "generated": generated or None,
                "comment": column_comment,
            }
            for name, position, type_, default, not_null, identity, generated, column_comment in rows(
                _COLUMNS
            )
        },
        "constraints": dict(rows(_CONSTRAINTS)),
        "foreign keys pointing in": dict(rows(_INBOUND_FOREIGN_KEYS)),
        "indexes": dict(rows(_INDEXES)),
        "triggers": dict(rows(_TRIGGERS)),
        "policies": {
            name: {
                "permissive": permissive,
                "command": command,
                "roles": sorted(roles),
                "USING": using,
                "WITH CHECK": check,
            }
            for name, permissive, command, roles, using, check in rows(_POLICIES)
        },
        "table grants": _grouped(
            (grantee, privilege + (" WITH GRANT OPTION" if grantable else ""))
            for grantee, privilege, grantable in rows(_TABLE_GRANTS)
        ),
        "column grants": _grouped(
            (f"{grantee} on {column}", privilege) for column, grantee, privilege in rows(_COLUMN_GRANTS)
        ),
        "publications": sorted(name for (name,) in rows(_PUBLICATIONS)),
        "views reading it": {
            name: _view_fingerprint(connection, view_oid) for view_oid, name in rows(_DEPENDENT_VIEWS)
        },
    }


def _view_fingerprint(connection: psycopg.Connection[Any], oid: int) -> Fingerprint:
    row = connection.execute(_VIEW, {"oid": oid}).fetchone()
    assert row is not None
    definition, options, owner, comment = row
    return {
        "definition": " ".join(definition.split()),
        "options": sorted(options),
        "owner": owner,
        "comment": comment,
        "grants": _grouped(row[:2] for row in connection.execute(_TABLE_GRANTS, {"oid": oid}).fetchall()),
    }


def _grouped(pairs: Any) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: sorted(values) for key, values in sorted(grouped.items())}


def describe_differences(before: Fingerprint, after: Fingerprint, path: tuple[str, ...] = ()) -> list[str]:
    """Every difference between two fingerprints, one sentence each, e.g.
    ``policy "Users can view their own jobs" on local_training_jobs: USING changed from ... to ...``.
    """
    differences = []
    for key in sorted(set(before) | set(after), key=str):
        here = (*path, str(key))
        if key not in after:
            differences.append(f"{_where(here)}: removed (was {_show(before[key])})")
        elif key not in before:
            differences.append(f"{_where(here)}: added ({_show(after[key])})")
        elif isinstance(before[key], dict) and isinstance(after[key], dict):
            differences.extend(describe_differences(before[key], after[key], here))
        elif before[key] != after[key]:
            differences.append(f"{_where(here)}: changed from {_show(before[key])} to {_show(after[key])}")
    return differences


_SINGULAR = {
    "columns": "column",
    "constraints": "constraint",
    "indexes": "index",
    "triggers": "trigger",
    "policies": "policy",
    "table grants": "grant to",
    "column grants": "grant to",
    "foreign keys pointing in": "foreign key",
    "views reading it": "view",
}


def _where(path: tuple[str, ...]) -> str:
    """('local_training_jobs', 'policies', 'P', 'USING') → 'policy "P" on local_training_jobs: USING'."""
    table, *rest = path
    if not rest:
        return f"table {table}"
    if rest[0] in _SINGULAR and len(rest) >= 2:
        subject = f'{_SINGULAR[rest[0]]} "{rest[1]}" on {table}'
        return subject + (f": {' / '.join(rest[2:])}" if rest[2:] else "")
    return f"{table}: {' / '.join(rest)}"


def _show(value: Any, limit: int = 160) -> str:
    text = "none" if value is None else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
