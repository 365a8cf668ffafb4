"""The corpus of forbidden and allowed revisions, judged by the lint offline and by the guard online.

Every forbidden revision is refused by ``training-db lint`` with its rule id (except the one whose
SQL only exists at run time), and stopped by the guard before it runs, leaving the database's
catalog, rows and revision exactly as they were. Every allowed revision passes the lint and runs.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from corpus import CorpusCase, corpus_cases, corpus_config, migrations_with_corpus
from migrate import HEAD, REPO_ROOT
from training_db.errors import TrainingDbError
from training_db.lint import LintReport, StatementReport, lint_revisions
from training_db.policy import load_policy
from training_db.statement_rules import RULES
from training_db.verify import take_snapshot

FORBIDDEN = corpus_cases("forbidden")
ALLOWED = corpus_cases("allowed")
POLICY = load_policy(REPO_ROOT / "schema" / "policy.toml")


@pytest.fixture(scope="module")
def corpus_migrations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrations_with_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def corpus_lint(corpus_migrations: Path) -> LintReport:
    """One lint run over the whole corpus (squawk included), as CI runs it on a pull request."""
    return lint_revisions(
        corpus_config(corpus_migrations), POLICY, since=HEAD, squawk_config=REPO_ROOT / ".squawk.toml"
    )


def upgrade_statements(report: LintReport, revision: str) -> list[StatementReport]:
    found = [
        s for s in report.statements if s.rendered.revision == revision and s.rendered.direction == "upgrade"
    ]
    assert found, f"the lint rendered nothing for {revision}"
    return found


def snapshot(url: str) -> dict[str, Any]:
    return take_snapshot(url, with_data=True, progress=io.StringIO())


def test_the_corpus_is_large_enough_and_covers_every_rule() -> None:
    assert len([case for case in FORBIDDEN if case.lint_sees_it]) >= 40
    assert len(ALLOWED) >= 10
    assert {case.expected_rule for case in FORBIDDEN} == set(RULES)


@pytest.mark.parametrize("case", [c for c in FORBIDDEN if c.lint_sees_it], ids=lambda case: case.revision)
def test_the_lint_refuses_each_forbidden_revision_with_its_rule(
    case: CorpusCase, corpus_lint: LintReport
) -> None:
    refused = [
        s.verdict.rule for s in upgrade_statements(corpus_lint, case.revision) if not s.verdict.allowed
    ]
    assert case.expected_rule in refused


def test_the_lint_cannot_see_sql_built_at_run_time(corpus_lint: LintReport) -> None:
    """Why the guard exists: offline, the run-time branch renders nothing to refuse."""
    (case,) = [c for c in FORBIDDEN if not c.lint_sees_it]
    assert all(s.verdict.allowed for s in upgrade_statements(corpus_lint, case.revision))


@pytest.mark.parametrize("case", FORBIDDEN, ids=lambda case: case.revision)
def test_the_guard_stops_each_forbidden_revision_and_nothing_changes(
    case: CorpusCase, corpus_migrations: Path, at_head_url: str
) -> None:
    before = snapshot(at_head_url)

    with pytest.raises(TrainingDbError, match=rf"^refused before it ran: {case.expected_rule} "):
        command.upgrade(corpus_config(corpus_migrations, at_head_url), case.revision)

    assert snapshot(at_head_url) == before


@pytest.mark.parametrize("case", ALLOWED, ids=lambda case: case.revision)
def test_the_lint_passes_each_allowed_revision(case: CorpusCase, corpus_lint: LintReport) -> None:
    assert [
        s.verdict.message for s in upgrade_statements(corpus_lint, case.revision) if not s.verdict.allowed
    ] == []


@pytest.mark.parametrize("case", ALLOWED, ids=lambda case: case.revision)
def test_each_allowed_revision_runs_online(
    case: CorpusCase, corpus_migrations: Path, at_head_url: str
) -> None:
    command.upgrade(corpus_config(corpus_migrations, at_head_url), case.revision)

    assert snapshot(at_head_url)["revision"] == case.revision
