"""Checks that run before any migration changes anything.

Each check reads the catalog only. A failure raises a one-line :class:`TrainingDbError` naming
what is wrong and what to do, before the first revision's transaction begins, so the database is
left exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from training_db.errors import TrainingDbError
from training_db.table_comments import current_comment, hand_edit_error, known_comments

MINIMUM_SERVER_VERSION_NUM = 150000  # security_invoker views arrived in PostgreSQL 15
PROTECTED_TABLES = ("local_training_jobs", "local_training_metrics", "local_inference_servers")
SCHEMA = "public"
# The columns public.training_provider reads.
VIEW_SOURCE_TABLE = "local_training_jobs"
VIEW_SOURCE_COLUMNS = ("id", "user_id", "status", "created_at")
# Roles the view's GRANT and REVOKE name (Supabase creates them).
GRANTEE_ROLES = ("anon", "authenticated", "service_role")


def run_preflight(connection: Connection, comments_dir: Path) -> None:
    """Run every check in order; the first failure stops the run."""
    check_server_version(connection)
    check_not_standby(connection)
    check_tables_exist(connection)
    check_view_columns_exist(connection)
    check_grantee_roles_exist(connection)
    check_privileges(connection)
    check_comments_not_edited_by_hand(connection, comments_dir)


def check_server_version(connection: Connection) -> None:
    version_num = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    if version_num < MINIMUM_SERVER_VERSION_NUM:
        version = connection.execute(text("SHOW server_version")).scalar_one()
        raise TrainingDbError(
            f"PostgreSQL {version} is too old: training-db needs PostgreSQL 15 or newer "
            "(the training_provider view uses security_invoker); upgrade the server first"
        )


def check_not_standby(connection: Connection) -> None:
    if connection.execute(text("SELECT pg_is_in_recovery()")).scalar_one():
        raise TrainingDbError(
            "the server is a read-only standby (pg_is_in_recovery() is true): point the URL at the "
            "primary; the standby receives the change by replication"
        )


def check_tables_exist(connection: Connection) -> None:
    for table in PROTECTED_TABLES:
        found = connection.execute(
            text("SELECT to_regclass(:name) IS NOT NULL"), {"name": f"{SCHEMA}.{table}"}
        ).scalar_one()
        if not found:
            raise TrainingDbError(
                f"table {SCHEMA}.{table} is missing: this is not the FineTune Lab database, or it is "
                "not set up yet; check the database URL"
            )


def check_view_columns_exist(connection: Connection) -> None:
    present = set(
        connection.execute(
            text(
                "SELECT attname FROM pg_attribute "
                "WHERE attrelid = to_regclass(:table) AND attnum > 0 AND NOT attisdropped"
            ),
            {"table": f"{SCHEMA}.{VIEW_SOURCE_TABLE}"},
        ).scalars()
    )
    for column in VIEW_SOURCE_COLUMNS:
        if column not in present:
            raise TrainingDbError(
                f"column {SCHEMA}.{VIEW_SOURCE_TABLE}.{column} is missing and the training_provider view "
                "reads it: restore the column (training-db never alters the table) or fix the database URL"
            )


def check_grantee_roles_exist(connection: Connection) -> None:
    for role in GRANTEE_ROLES:
        found = connection.execute(
            text("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :role)"), {"role": role}
        ).scalar_one()
        if not found:
            raise TrainingDbError(
                f"role {role} is missing: the training_provider view grants to Supabase's roles "
                "anon, authenticated and service_role; create them or use the Supabase database"
            )


def check_privileges(connection: Connection) -> None:
    """COMMENT ON needs the table's owner; CREATE VIEW needs CREATE on the schema."""
    role = connection.execute(text("SELECT current_user")).scalar_one()
    for table in PROTECTED_TABLES:
        owner, may_comment = connection.execute(
            text(
                "SELECT pg_get_userbyid(relowner), pg_has_role(current_user, relowner, 'USAGE') "
                "FROM pg_class WHERE oid = to_regclass(:name)"
            ),
            {"name": f"{SCHEMA}.{table}"},
        ).one()
        if not may_comment:
            raise TrainingDbError(
                f"role {role} may not comment on {SCHEMA}.{table} (owner: {owner}): run the migration "
                f"as {owner} or a member of it"
            )
    may_create = connection.execute(
        text("SELECT has_schema_privilege(:schema, 'CREATE')"), {"schema": SCHEMA}
    ).scalar_one()
    if not may_create:
        raise TrainingDbError(
            f"role {role} may not create views in schema {SCHEMA}: grant it CREATE on the schema or run "
            "the migration as the tables' owner"
        )


def check_comments_not_edited_by_hand(connection: Connection, comments_dir: Path) -> None:
    """Each table's comment must be a reviewed text, checked before any revision commits.

    The comment revision checks again when it runs; checking here too means a hand edit stops a
    multi-revision run (say a downgrade from head) before its first revision changes anything.
    """
    for table, texts in known_comments(comments_dir).items():
        found = current_comment(connection, table)
        if found not in texts:
            expected = next(iter(sorted(texts, key=lambda text: text or "")))
            raise hand_edit_error(table, found, expected)
