"""``training-db lint``: what CI runs on every revision, in its three output formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import forbidden, repository_copy
from migrate import HEAD, run_training_db


def test_todays_revisions_lint_clean_with_every_statement_and_its_lock() -> None:
    result = run_training_db("lint")

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "lint: 2 revision(s), 32 statements, with squawk: clean"
    assert lines[-2] == "waivers in force: none"
    comment = next(
        line for line in lines if "upgrade" in line and "COMMENT ON TABLE public.local_training_jobs" in line
    )
    assert "SHARE UPDATE EXCLUSIVE on public.local_training_jobs: blocks nothing the app does" in comment


def test_json_names_every_statement_its_locks_and_verdict() -> None:
    result = run_training_db("lint", "--format", "json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    own = [s for s in report["statements"] if not s["bookkeeping"]]
    assert report["clean"] is True and report["squawk"] is True and report["waivers"] == []
    assert all(s["allowed"] and s["rule"] is None and s["squawk"] == [] for s in own)
    view = next(s for s in own if s["statement"].startswith("CREATE VIEW public.training_provider"))
    assert view["file"].startswith("migrations/versions/0002_training_provider_view.py:")
    assert {(lock["relation"], lock["mode"]) for lock in view["locks"]} == {
        ("public.local_training_jobs", "ACCESS SHARE"),
        ("public.training_provider", "ACCESS EXCLUSIVE"),
    }


def test_a_forbidden_revision_fails_the_lint_with_exit_1_and_a_github_annotation(tmp_path: Path) -> None:
    revision = forbidden("rename_table_op")
    repository = repository_copy(tmp_path, [revision])
    upgrade_line = revision.read_text().splitlines().index("def upgrade() -> None:") + 1

    result = run_training_db("lint", "--since", HEAD, "--format", "github", cwd=repository)

    assert result.returncode == 1, result.stdout + result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert annotations[0].startswith(
        f"::error file=migrations/versions/{revision.name},line={upgrade_line},"
        "title=TDB001 rename-protected::"
        "TDB001 rename-protected: renames a protected table or one of its columns "
        "(public.local_training_jobs)"
    )
    assert any("title=squawk renaming-table::" in line for line in annotations)
    assert (
        result.stdout.splitlines()[-1]
        == "lint: 1 revision(s), 9 statements, with squawk: 1 statement(s) refused"
    )


def test_since_limits_the_lint_to_the_new_revisions() -> None:
    result = run_training_db("lint", "--since", "0001_table_comments", "--no-squawk")

    assert result.returncode == 0, result.stderr
    assert "0001_table_comments" not in result.stdout
    assert result.stdout.splitlines()[-1] == "lint: 1 revision(s), 15 statements, without squawk: clean"


def test_a_waiver_lets_its_statement_through_and_is_listed(tmp_path: Path) -> None:
    revision = tmp_path / "w01_refresh_offers.py"
    revision.write_text(
        forbidden("function_for_its_effects")
        .read_text()
        .replace("f49_function_for_its_effects", "w01_refresh_offers")
        .replace("public.reset_training_jobs()", "public.refresh_gpu_offers()")
    )
    waiver = (
        '\n[[waivers]]\nrule = "TDB012"\nobject = "public.refresh_gpu_offers"\n'
        'reason = "refreshes the GPU price cache only; reviewed by the DBA"\n'
    )
    repository = repository_copy(tmp_path / "repository", [revision], waiver)

    result = run_training_db("lint", "--since", HEAD, cwd=repository)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "TDB012 waived for public.refresh_gpu_offers: refreshes the GPU price cache only; reviewed by the DBA"
        in result.stdout
    )
    assert result.stdout.splitlines()[-2] == (
        "waivers in force: TDB012 on public.refresh_gpu_offers "
        "(refreshes the GPU price cache only; reviewed by the DBA; used by 1 statement(s))"
    )


@pytest.mark.parametrize(
    ("arguments", "policy_extra", "message"),
    [
        (
            ["--since", "no_such_revision"],
            "",
            "training-db: error: --since no_such_revision: No such revision or branch 'no_such_revision'; "
            "see 'alembic history' for the revision ids",
        ),
        (
            ["--config", "missing.ini"],
            "",
            "training-db: error: missing.ini not found: run from the repository root or pass --config",
        ),
        (
            [],
            '\n[[waivers]]\nrule = "TDB002"\nobject = "public.local_training_jobs"\nreason = "never"\n',
            "training-db: error: waiver of TDB002 on public.local_training_jobs covers a protected table: "
            "protected tables have no waivers; remove it",
        ),
    ],
    ids=["unknown revision", "no alembic.ini", "waiver on a protected table"],
)
def test_usage_and_configuration_errors_exit_2_with_one_line(
    arguments: list[str], policy_extra: str, message: str, tmp_path: Path
) -> None:
    repository = repository_copy(tmp_path, policy_extra=policy_extra)

    result = run_training_db("lint", *arguments, cwd=repository)

    assert (result.returncode, result.stderr.strip(), result.stdout) == (2, message, "")


def test_a_revision_that_cannot_render_offline_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "b01_broken.py"
    broken.write_text(
        forbidden("truncate")
        .read_text()
        .replace("f24_truncate", "b01_broken")
        .replace("op.execute(", "op.nope(")
    )
    repository = repository_copy(tmp_path / "repository", [broken])

    result = run_training_db("lint", "--since", HEAD, cwd=repository)

    assert result.returncode == 2
    assert result.stderr.strip().startswith(
        "training-db: error: upgrade 0002_training_provider_view:b01_broken cannot be rendered offline "
        "(AttributeError: "
    )
    assert result.stderr.strip().endswith("fix the revision so that it renders with --sql")
