"""Table comments as data: read from a reviewed ``COMMENT ON TABLE`` file, compared, then written.

Revision 0001 moves each protected table's comment from one reviewed file version to the next.
It only overwrites a comment it knows: the text the previous version says is there, or its own
text (then nothing is written). Any other text means someone edited the comment by hand, and the
revision stops rather than destroy that edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pglast
from pglast import ast
from pglast.enums import ObjectType
from sqlalchemy import text
from sqlalchemy.engine import Connection

from training_db.errors import TrainingDbError

_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class TableComment:
    """The comment a table should carry; ``comment`` is None for "no comment"."""

    schema: str
    table: str
    comment: str | None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.table}"

    def to_sql(self) -> str:
        literal = "NULL" if self.comment is None else quote_literal(self.comment)
        return f"COMMENT ON TABLE {quote_ident(self.schema)}.{quote_ident(self.table)} IS {literal}"


def parse_table_comments(sql: str) -> list[TableComment]:
    """Every ``COMMENT ON TABLE schema.table IS ...`` in a file; anything else is refused."""
    comments = []
    for raw in pglast.parse_sql(sql):
        statement = raw.stmt
        if not (isinstance(statement, ast.CommentStmt) and statement.objtype == ObjectType.OBJECT_TABLE):
            raise TrainingDbError(
                "a table comment file may only hold COMMENT ON TABLE statements: remove the others"
            )
        names = [part.sval for part in statement.object]  # type: ignore[union-attr]
        if len(names) != 2:
            raise TrainingDbError(
                f"COMMENT ON TABLE {'.'.join(names)} must name its schema: write public.{names[-1]}"
            )
        comments.append(TableComment(schema=names[0], table=names[1], comment=statement.comment))
    return comments


def known_comments(comments_dir: Path) -> dict[str, set[str | None]]:
    """Every text each table may carry: its comment in any reviewed version under ``comments_dir``."""
    known: dict[str, set[str | None]] = {}
    for path in sorted(comments_dir.glob("*.sql")):
        for comment in parse_table_comments(path.read_text()):
            known.setdefault(comment.qualified_name, set()).add(comment.comment)
    return known


def hand_edit_error(table: str, found: str | None, expected: str | None) -> TrainingDbError:
    return TrainingDbError(
        f"the comment on {table} was changed by hand (it reads {preview(found)}, expected "
        f"{preview(expected)}): put the intended text in a new reviewed comment file and revision, "
        "or restore the expected text, then rerun"
    )


def current_comment(connection: Connection, qualified_name: str) -> str | None:
    """The table's comment now, read from ``pg_description``."""
    return connection.execute(
        text("SELECT obj_description(to_regclass(:name), 'pg_class')"), {"name": qualified_name}
    ).scalar_one_or_none()


def statements_to_move(
    connection: Connection, source: list[TableComment], target: list[TableComment]
) -> list[str]:
    """The COMMENT statements that move each table from ``source`` to ``target`` text.

    A table already at its target text needs no statement; a table at neither text was edited by
    hand, which stops the whole revision before anything is written.
    """
    expected_now = {comment.qualified_name: comment.comment for comment in source}
    statements = []
    for wanted in target:
        found = current_comment(connection, wanted.qualified_name)
        if found == wanted.comment:
            continue
        if found != expected_now[wanted.qualified_name]:
            raise hand_edit_error(wanted.qualified_name, found, expected_now[wanted.qualified_name])
        statements.append(wanted.to_sql())
    return statements


def preview(comment: str | None, limit: int = 60) -> str:
    if comment is None:
        return "no comment"
    shown = comment if len(comment) <= limit else comment[: limit - 3] + "..."
    return repr(shown)


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """Quote an identifier only when PostgreSQL would fold or reject it unquoted."""
    if _PLAIN_IDENTIFIER.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'
