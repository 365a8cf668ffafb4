"""The ``training-db`` command: ``seed``, ``demo``, ``verify``, ``lint`` and ``review``.

Failures print one line (``training-db: error: ...``) and exit 1; usage errors exit 2. ``verify``
and ``lint`` keep exit 1 for "differences found" / "statements refused", so their usage and
configuration errors exit 2.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import psycopg
from psycopg import sql

from training_db.errors import TrainingDbError
from training_db.lint import LintReport
from training_db.policy import Policy
from training_db.preflight import PROTECTED_TABLES
from training_db.seed import ID_TYPES, seed_database
from training_db.urls import parse_postgres_url

DEMO_DATABASE = "training_demo"
T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        result: int = arguments.handler(arguments)
        return result
    except TrainingDbError as error:
        print(f"training-db: error: {error}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="training-db", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    seed = commands.add_parser("seed", help="load the Supabase stubs, the legacy tables and realistic rows")
    seed.add_argument("url", help="PostgreSQL URL of an empty database")
    seed.add_argument("--id-type", choices=ID_TYPES, default="text", help="type of local_training_jobs.id")
    seed.add_argument("--jobs", type=int, default=20, help="number of training jobs (default 20)")
    seed.set_defaults(handler=run_seed)

    demo = commands.add_parser("demo", help="seed an embedded PostgreSQL, run alembic upgrade head, show it")
    demo.add_argument("--data-dir", type=Path, default=Path(".pgdata"), help="embedded server data folder")
    demo.add_argument("--id-type", choices=ID_TYPES, default="text")
    demo.add_argument("--jobs", type=int, default=20)
    demo.set_defaults(handler=run_demo)

    verify = commands.add_parser("verify", help="prove a migration changed only what it may (exit 0/1/2)")
    verify_steps = verify.add_subparsers(dest="step", required=True)
    snapshot = verify_steps.add_parser("snapshot", help="record the fingerprint before a migration")
    snapshot.add_argument(
        "-o", "--output", type=Path, required=True, help="where to write the snapshot (JSON)"
    )
    check = verify_steps.add_parser("check", help="compare the database now with a snapshot")
    check.add_argument("--against", type=Path, required=True, help="the snapshot taken before")
    for step in (snapshot, check):
        step.add_argument("--url", help="PostgreSQL URL (default: DATABASE_URL)")
        step.add_argument("--data", action="store_true", help="also hash every row (reads whole tables)")
    snapshot.set_defaults(handler=run_verify_snapshot)
    check.set_defaults(handler=run_verify_check)

    from training_db.lint_output import FORMATS

    lint = commands.add_parser("lint", help="judge every statement each revision renders (exit 0/1/2)")
    lint.add_argument("--format", choices=FORMATS, default="text", help="text, json or github annotations")
    lint.add_argument("--no-squawk", action="store_true", help="skip squawk's general hygiene rules")
    review = commands.add_parser("review", help="write the DBA's review pack (Markdown)")
    review.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    for command in (lint, review):
        command.add_argument("--since", metavar="REV", help="only the revisions after REV (default: all)")
        command.add_argument("-c", "--config", type=Path, default=Path("alembic.ini"), help="alembic.ini")
    lint.set_defaults(handler=run_lint)
    review.set_defaults(handler=run_review)
    return parser


def run_lint(arguments: argparse.Namespace) -> int:
    """Exit 0 when every statement is allowed, 1 when any is refused, 2 on usage errors."""
    from training_db.lint_output import format_report

    report, _, root = _usage_errors(lambda: _lint_report(arguments, with_squawk=not arguments.no_squawk))
    print(format_report(report, arguments.format, root))
    return report.exit_code


def run_review(arguments: argparse.Namespace) -> int:
    from training_db.review import review_pack

    report, policy, root = _usage_errors(lambda: _lint_report(arguments, with_squawk=True))
    pack = review_pack(report, policy, root)
    if arguments.output is None:
        print(pack, end="")
    else:
        arguments.output.write_text(pack)
        print(f"review: {len(report.revisions)} revision(s) written to {arguments.output}")
    return 0


def _lint_report(arguments: argparse.Namespace, *, with_squawk: bool) -> tuple[LintReport, Policy, Path]:
    """The lint report of ``--since``'s range, with the policy and the repository root it used."""
    from alembic.config import Config

    from training_db.lint import lint_revisions
    from training_db.policy import load_policy
    from training_db.revision_ops import schema_directory

    if not arguments.config.is_file():
        raise TrainingDbError(f"{arguments.config} not found: run from the repository root or pass --config")
    config = Config(str(arguments.config))
    config.attributes["configure_logger"] = False
    root = arguments.config.resolve().parent
    policy = load_policy(schema_directory(config) / "policy.toml")
    squawk_config = root / ".squawk.toml"
    report = lint_revisions(
        config,
        policy,
        since=arguments.since,
        squawk_config=squawk_config if squawk_config.is_file() else None,
        with_squawk=with_squawk,
    )
    return report, policy, root


def run_verify_snapshot(arguments: argparse.Namespace) -> int:
    from training_db.verify import take_snapshot, write_snapshot

    snapshot = _usage_errors(lambda: take_snapshot(_verify_url(arguments), with_data=arguments.data))
    write_snapshot(snapshot, arguments.output)
    print(f"verify: snapshot of revision {snapshot['revision'] or 'base'} written to {arguments.output}")
    return 0


def run_verify_check(arguments: argparse.Namespace) -> int:
    """Exit 0 when only allowed changes happened, 1 naming each other difference, 2 on usage errors."""
    from training_db.paths import schema_dir
    from training_db.verify import compare, read_snapshot, take_snapshot

    before = _usage_errors(lambda: read_snapshot(arguments.against))
    after = _usage_errors(lambda: take_snapshot(_verify_url(arguments), with_data=arguments.data))
    problems = compare(before, after, schema_dir())
    movement = f"{before['revision'] or 'base'} -> {after['revision'] or 'base'}"
    if not problems:
        print(f"verify: {movement}: only the allowed changes, nothing else")
        return 0
    for problem in problems:
        print(f"verify: {problem}")
    print(f"verify: {movement}: {len(problems)} unexpected difference(s)")
    return 1


def _verify_url(arguments: argparse.Namespace) -> str:
    raw_url = arguments.url or os.environ.get("DATABASE_URL")
    if not raw_url:
        raise TrainingDbError("no database URL: pass --url or set DATABASE_URL")
    return libpq_url(raw_url)


def _usage_errors(action: Callable[[], T]) -> T:
    """Exit 2 (not 1) on usage, configuration and connection errors: 1 means "found something"."""
    try:
        return action()
    except TrainingDbError as error:
        print(f"training-db: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def run_seed(arguments: argparse.Namespace) -> int:
    url = libpq_url(arguments.url)
    try:
        summary = seed_database(url, id_type=arguments.id_type, jobs=arguments.jobs)
    except psycopg.OperationalError as error:
        raise TrainingDbError(f"cannot seed: {first_error_line(error)}") from None
    print(
        f"seeded {summary.jobs} jobs, {summary.metrics} metric rows and {summary.servers} servers "
        f"for {summary.users} users (job id type {arguments.id_type})"
    )
    return 0


def run_demo(arguments: argparse.Namespace) -> int:
    """The README's first command: the whole job, end to end, on a throwaway embedded database."""
    from training_db.embedded import server_url, start_embedded_server

    if not Path("alembic.ini").is_file():
        raise TrainingDbError("run training-db demo from the repository root, where alembic.ini is")
    server = start_embedded_server(arguments.data_dir)
    with psycopg.connect(server_url(server), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DEMO_DATABASE))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DEMO_DATABASE)))
    url = server_url(server, DEMO_DATABASE)
    summary = seed_database(url, id_type=arguments.id_type, jobs=arguments.jobs)
    print(
        f"embedded PostgreSQL 18 in {arguments.data_dir}/: seeded {summary.jobs} jobs, "
        f"{summary.metrics} metric rows, {summary.servers} servers"
    )
    print("$ alembic -x url=<embedded> upgrade head", flush=True)
    upgrade = subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"url={url}", "upgrade", "head"], check=False
    )
    if upgrade.returncode != 0:
        return upgrade.returncode
    show_result(url)
    return 0


def show_result(url: str) -> None:
    with psycopg.connect(url) as connection:
        print("\nTable comments:")
        for table, comment in connection.execute(
            "SELECT relname, obj_description(oid, 'pg_class') FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relname = ANY(%s) ORDER BY relname",
            [list(PROTECTED_TABLES)],
        ):
            print(f"  {table}: {comment}")
        print("\nSELECT job_id, status, provider_key, provider_label FROM training_provider LIMIT 5:")
        for row in connection.execute(
            "SELECT job_id, status, provider_key, provider_label FROM public.training_provider "
            "ORDER BY created_at LIMIT 5"
        ):
            print("  " + " | ".join(str(value) for value in row))


def libpq_url(raw_url: str) -> str:
    """A URL psycopg.connect accepts: validated like the migration's, without the SQLAlchemy driver."""
    return parse_postgres_url(raw_url).set(drivername="postgresql").render_as_string(hide_password=False)


def first_error_line(error: BaseException) -> str:
    return " ".join(str(error).split("\n")[0].split())


if __name__ == "__main__":
    raise SystemExit(main())
