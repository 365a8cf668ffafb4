"""``training-db review``: the DBA's pack says what runs, what it locks, and what it changes."""

from __future__ import annotations

from pathlib import Path

from corpus import forbidden, repository_copy
from migrate import HEAD, REPO_ROOT, run_training_db
from training_db.table_comments import parse_table_comments


def comment_texts(version: str) -> dict[str, str | None]:
    sql = (REPO_ROOT / "schema" / "comments" / f"table_comments.{version}.sql").read_text()
    return {comment.qualified_name: comment.comment for comment in parse_table_comments(sql)}


def section(pack: str, heading: str) -> str:
    """The text from ``heading`` to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = pack.index(heading + "\n") if heading + "\n" in pack else pack.index(heading)
    rest = pack[start + len(heading) :]
    ends = [rest.find(f"\n{'#' * n} ") for n in range(1, len(level) + 1)]
    ends = [end for end in ends if end >= 0]
    return rest[: min(ends)] if ends else rest


def test_the_pack_for_todays_revisions(tmp_path: Path) -> None:
    output = tmp_path / "review.md"
    result = run_training_db("review", "-o", str(output))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"review: 2 revision(s) written to {output}"
    pack = output.read_text()
    assert pack.startswith("# Review pack: 0001_table_comments, 0002_training_provider_view\n")
    assert "- Waivers in force: none\n- Verdict: every statement is allowed\n" in pack


def test_each_comment_shows_the_old_text_beside_the_new() -> None:
    pack = run_training_db("review").stdout
    upgrade = section(section(pack, "## 0001_table_comments"), "### upgrade")
    old, new = comment_texts("v0"), comment_texts("v1")

    for table, text in new.items():
        comment = section(upgrade, f"#### Comment on table `{table}`")
        before = "no comment (NULL)" if old[table] is None else f"'{old[table]}'"
        assert f"- before (what the other direction sets): {before}\n" in comment
        assert f"- after: '{text}'\n" in comment
    assert "SHARE UPDATE EXCLUSIVE on public.local_training_jobs: blocks nothing the app does" in upgrade


def test_the_view_shows_its_options_what_it_reads_and_its_whole_definition() -> None:
    pack = run_training_db("review").stdout
    view = section(pack, "#### View `public.training_provider` (CREATE VIEW)")

    assert "- options: security_invoker=true\n" in view
    assert "- reads: `public.local_training_jobs`\n" in view
    assert "WITH (security_invoker = true)" in view
    assert "'Cloud training'" in view and "'training_provider_local'" in view
    upgrade = section(section(pack, "## 0002_training_provider_view"), "### upgrade")
    assert "ACCESS SHARE on public.local_training_jobs: blocks nothing the app does" in upgrade
    assert "ACCESS EXCLUSIVE on public.training_provider: a new view: nobody waits" in upgrade
    assert "| `GRANT SELECT ON public.training_provider TO authenticated, service_role` |" in upgrade


def test_the_pack_shows_the_sql_that_will_run_exactly() -> None:
    from migrate import offline_sql

    pack = run_training_db("review", "--since", "0001_table_comments").stdout
    upgrade = section(pack, "### upgrade")

    assert offline_sql("upgrade", f"0001_table_comments:{HEAD}").strip() in upgrade


def test_a_refused_statement_and_a_view_without_the_option_stand_out(tmp_path: Path) -> None:
    repository = repository_copy(tmp_path, [forbidden("view_without_security_invoker")])

    pack = run_training_db("review", "--since", HEAD, cwd=repository).stdout

    assert "- Verdict: 1 statement(s) refused\n" in pack
    assert "TDB013 view-without-security-invoker: creates or replaces a view over a protected table" in pack
    assert "- options: none (security_invoker is off: the view reads with its owner's rights)\n" in pack
