"""``alembic upgrade head --sql`` needs no database and prints exactly what a DBA must review."""

from __future__ import annotations

import pglast
from pglast import ast
from pglast.enums import ObjectType

from migrate import offline_sql, run_alembic
from training_db.pinned_sql import split_statements
from training_db.preflight import PROTECTED_TABLES


def statements_of(sql_text: str) -> list[ast.Node]:
    return [raw.stmt for raw in pglast.parse_sql(sql_text)]


def test_offline_upgrade_needs_no_database_url() -> None:
    result = run_alembic("upgrade", "head", "--sql", env={"DATABASE_URL": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "COMMENT ON TABLE public.local_training_jobs IS 'Cloud training jobs" in result.stdout


def test_offline_sql_holds_the_comments_and_the_view_and_nothing_else_on_protected_tables() -> None:
    touched = []
    for statement in statements_of(offline_sql("upgrade", "head")):
        match statement:
            case ast.TransactionStmt() | ast.VariableSetStmt():
                continue
            case ast.CreateStmt(relation=ast.RangeVar(relname="alembic_version")):
                continue
            case ast.InsertStmt(relation=ast.RangeVar(relname="alembic_version")):
                continue
            case ast.UpdateStmt(relation=ast.RangeVar(relname="alembic_version")):
                continue
            case ast.CommentStmt(objtype=ObjectType.OBJECT_TABLE):
                touched.append(("comment", statement.object[-1].sval))
            case ast.CommentStmt(objtype=ObjectType.OBJECT_VIEW):
                touched.append(("view comment", statement.object[-1].sval))
            case ast.ViewStmt():
                touched.append(("create view", statement.view.relname))
            case ast.GrantStmt():
                names = tuple(sorted(target.relname for target in statement.objects))
                touched.append(("grant" if statement.is_grant else "revoke", names))
            case _:
                raise AssertionError(
                    f"unexpected statement in the upgrade SQL: {pglast.stream.RawStream()(statement)}"
                )
    assert touched == [
        *[("comment", table) for table in PROTECTED_TABLES],
        ("create view", "training_provider"),
        ("view comment", "training_provider"),
        ("revoke", ("training_provider",)),
        ("grant", ("training_provider",)),
    ]


def test_every_revision_sets_its_timeouts_first() -> None:
    """Each revision's transaction begins with SET LOCAL lock_timeout and statement_timeout."""
    rendered = offline_sql("upgrade", "head")
    transactions = rendered.split("BEGIN;")[1:]
    assert len(transactions) == 2
    for transaction in transactions:
        statements = [
            s for s in split_statements(transaction) if not s.startswith("CREATE TABLE alembic_version")
        ]
        assert statements[0] == "SET LOCAL lock_timeout = '2000ms'"
        assert statements[1] == "SET LOCAL statement_timeout = '30000ms'"


def test_timeouts_follow_the_x_arguments() -> None:
    rendered = offline_sql("-x", "lock_timeout=750ms", "-x", "statement_timeout=1min", "upgrade", "head")
    assert rendered.count("SET LOCAL lock_timeout = '750ms';") == 2
    assert rendered.count("SET LOCAL statement_timeout = '60000ms';") == 2


def test_offline_downgrade_restores_legacy_comments_and_drops_only_the_view() -> None:
    rendered = offline_sql("downgrade", "head:base")
    kinds = [type(statement).__name__ for statement in statements_of(rendered)]
    assert kinds.count("DropStmt") == 1
    assert "DROP VIEW public.training_provider;" in rendered
    assert "COMMENT ON TABLE public.local_training_jobs IS NULL;" in rendered
    assert "COMMENT ON TABLE public.local_training_metrics IS NULL;" in rendered
    assert (
        "COMMENT ON TABLE public.local_inference_servers IS 'App-managed local inference server process "
        "records for vLLM, Ollama, and simple local servers.';"
    ) in rendered


def test_offline_sql_shows_the_comment_each_statement_expects_to_replace() -> None:
    rendered = offline_sql("upgrade", "head")
    assert "-- expects the current comment on public.local_training_jobs to be no comment" in rendered
    assert (
        "-- expects the current comment on public.local_inference_servers to be 'App-managed local "
        "inference server process records for vLLM, Ollama, and simple local servers.'"
    ) in rendered
