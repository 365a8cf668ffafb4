"""What revisions call: start a revision's transaction safely, move comments, apply reviewed SQL.

Revisions stay declarative (which pinned file, which step); the mechanics live here so that
every revision applies the same limits and the same checks.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from training_db.errors import TrainingDbError
from training_db.pinned_sql import PinnedSqlFile
from training_db.settings import SETTINGS_KEY, MigrationSettings
from training_db.table_comments import parse_table_comments, preview, statements_to_move


def begin_revision(op: Operations) -> None:
    """First statements of every revision: bound how long it may wait for locks and run.

    ``SET LOCAL`` ends with the revision's transaction, so the app's sessions are unaffected.
    """
    settings = _settings(op.get_context())
    op.execute(f"SET LOCAL lock_timeout = '{settings.lock_timeout_ms}ms'")
    op.execute(f"SET LOCAL statement_timeout = '{settings.statement_timeout_ms}ms'")


def move_table_comments(op: Operations, source: PinnedSqlFile, target: PinnedSqlFile) -> None:
    """Set each table's comment from ``source`` text to ``target`` text, refusing hand edits.

    Offline there is no database to compare with, so the target statements are printed as they
    are, each preceded by the text it expects to replace.
    """
    context = op.get_context()
    schema_dir = schema_directory(context.config)
    source_comments = parse_table_comments(source.read(schema_dir))
    target_comments = parse_table_comments(target.read(schema_dir))
    if context.as_sql:
        expected_now = {comment.qualified_name: comment.comment for comment in source_comments}
        for comment in target_comments:
            context.impl.static_output(
                f"-- expects the current comment on {comment.qualified_name} to be "
                f"{preview(expected_now[comment.qualified_name], limit=500)}"
            )
            op.execute(comment.to_sql())
        return
    assert context.bind is not None, "online migrations always have a connection"
    for statement in statements_to_move(context.bind, source_comments, target_comments):
        op.execute(statement)


def apply_sql_file(op: Operations, pinned: PinnedSqlFile) -> None:
    """Execute each statement of a reviewed, pinned SQL file."""
    for statement in pinned.statements(schema_directory(op.get_context().config)):
        op.execute(statement)


def schema_directory(config: Config | None) -> Path:
    """``schema_dir`` from alembic.ini (``%(here)s/schema``): where the reviewed SQL lives."""
    configured = config.get_main_option("schema_dir") if config else None
    if not configured:
        raise TrainingDbError("alembic.ini has no schema_dir option: add schema_dir = %(here)s/schema")
    return Path(configured)


def _settings(context: MigrationContext) -> MigrationSettings:
    if context.config is None or SETTINGS_KEY not in context.config.attributes:
        raise TrainingDbError("revisions must run through migrations/env.py, which sets their limits")
    settings: MigrationSettings = context.config.attributes[SETTINGS_KEY]
    return settings
