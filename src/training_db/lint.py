"""``training-db lint``: every statement each revision renders, judged before anything runs.

For each revision (all of them, or those after ``--since``) and each direction, the SQL Alembic
renders offline is split by PostgreSQL's parser, each statement is classified against the
protection policy (the same classifier the online guard uses), the locks it takes are named, and
squawk's hygiene findings are attached. A report fails when any statement breaks a policy rule
that no waiver covers, or squawk finds something.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from pglast import ast

from training_db.locks import Lock, locks_taken
from training_db.policy import Policy, Waiver
from training_db.rendering import RenderedRevision, render_revisions
from training_db.sql_tree import ParsedStatement, split_statements
from training_db.squawk import Batch, SquawkFinding, run_squawk
from training_db.statement_rules import Classifier, Verdict

VERSION_TABLE = "alembic_version"
# A downgrade removes what its upgrade added: squawk's bans on dropping do not apply to it. (The
# policy still refuses dropping a protected table, in either direction.)
DOWNGRADE_IGNORES_SQUAWK_RULES = ("ban-drop-column", "ban-drop-table", "ban-drop-view")


@dataclass(frozen=True)
class StatementReport:
    """One rendered statement: where it comes from, what it locks, and the verdicts on it."""

    rendered: RenderedRevision
    number: int  # 1-based, within its revision and direction
    statement: ParsedStatement
    verdict: Verdict
    locks: tuple[Lock, ...]
    squawk: tuple[SquawkFinding, ...]
    bookkeeping: bool  # Alembic's own BEGIN/COMMIT and version-table statements

    @property
    def failed(self) -> bool:
        return not self.verdict.allowed or bool(self.squawk)


@dataclass(frozen=True)
class LintReport:
    rendered: tuple[RenderedRevision, ...]
    statements: tuple[StatementReport, ...]
    waivers: tuple[Waiver, ...]
    squawk_ran: bool

    @property
    def revisions(self) -> tuple[str, ...]:
        """The revisions the report covers, oldest first (each is rendered in both directions)."""
        return tuple(dict.fromkeys(rendered.revision for rendered in self.rendered))

    @property
    def failures(self) -> tuple[StatementReport, ...]:
        return tuple(report for report in self.statements if report.failed)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def waivers_used(self) -> dict[Waiver, int]:
        """Each waiver in force with the number of statements it let through."""
        used = dict.fromkeys(self.waivers, 0)
        for report in self.statements:
            if report.verdict.waiver is not None:
                used[report.verdict.waiver] = used.get(report.verdict.waiver, 0) + 1
        return used


def lint_revisions(
    config: Config,
    policy: Policy,
    *,
    since: str | None = None,
    squawk_config: Path | None = None,
    with_squawk: bool = True,
) -> LintReport:
    """Render, split, classify and lock-annotate every statement of the revisions after ``since``."""
    rendered = render_revisions(config, since)
    parsed = [split_statements(revision.sql) for revision in rendered]
    own = [[s for s in statements if not is_bookkeeping(s.node)] for statements in parsed]
    squawk = {}
    if with_squawk:
        batches = [
            Batch(
                [statement.raw for statement in statements],
                DOWNGRADE_IGNORES_SQUAWK_RULES if revision.direction == "downgrade" else (),
            )
            for revision, statements in zip(rendered, own, strict=True)
        ]
        squawk = run_squawk(batches, squawk_config)
    reports = []
    for batch, (revision, statements) in enumerate(zip(rendered, parsed, strict=True)):
        # Each revision runs in its own transaction: a SET LOCAL search_path ends with it.
        classifier = Classifier(policy)
        own_index = {id(statement): index for index, statement in enumerate(own[batch])}
        for number, statement in enumerate(statements, start=1):
            verdict = classifier.classify(statement.node, statement.text)
            index = own_index.get(id(statement))
            reports.append(
                StatementReport(
                    rendered=revision,
                    number=number,
                    statement=statement,
                    verdict=verdict,
                    locks=locks_taken(statement.node, classifier.qualified),
                    squawk=tuple(squawk.get((batch, index), ())) if index is not None else (),
                    bookkeeping=index is None,
                )
            )
    return LintReport(tuple(rendered), tuple(reports), policy.waivers, with_squawk)


def is_bookkeeping(node: ast.Node) -> bool:
    """Alembic's transaction control and version-table statements, not the revision's own."""
    if isinstance(node, ast.TransactionStmt):
        return True
    relation = getattr(node, "relation", None)
    return isinstance(relation, ast.RangeVar) and relation.relname == VERSION_TABLE
