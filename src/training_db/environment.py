"""What ``migrations/env.py`` does, kept here so that env.py stays a two-line file.

Online, a run goes: resolve the URL (never a default), connect, take the migration lock, run the
preflight checks, then let Alembic apply each pending revision in a transaction of its own.
Offline (``--sql``), it prints the SQL a DBA reviews and needs no database.
"""

from __future__ import annotations

import importlib
import logging
import os
from contextlib import nullcontext, suppress
from dataclasses import replace
from logging.config import fileConfig
from typing import Any

import psycopg
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.util import CommandError
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from training_db.autogenerate_guard import refuse_protected_operations
from training_db.database_errors import describe_connection_error, describe_migration_error
from training_db.errors import TrainingDbError
from training_db.guard import Guard
from training_db.lock_retries import Attempt, run_with_lock_retries
from training_db.migration_lock import migration_lock
from training_db.policy import load_policy
from training_db.preflight import run_preflight
from training_db.progress import Progress
from training_db.revision_ops import schema_directory
from training_db.settings import SETTINGS_KEY, MigrationSettings
from training_db.statement_rules import Classifier
from training_db.urls import resolve_database_url

APPLICATION_NAME = "training-db migrate"
CONNECT_TIMEOUT_SECONDS = 10
log = logging.getLogger("training_db")


def run_migrations(context: EnvironmentContext) -> None:
    """Entry point for env.py: configure logging and settings, then run offline or online."""
    config = context.config
    if config.config_file_name is not None and config.attributes.get("configure_logger", True):
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    x_arguments = context.get_x_argument(as_dictionary=True)
    config.attributes[SETTINGS_KEY] = MigrationSettings.from_sources(x_arguments, os.environ)
    if context.is_offline_mode():
        run_offline(context)
    else:
        check_destination_exists(context)
        run_online(context, x_arguments)


def check_destination_exists(context: EnvironmentContext) -> None:
    """Resolve the destination revision before connecting.

    Alembic would otherwise create its version table before finding out that the revision does
    not exist; resolving it here raises Alembic's one-line "Can't locate revision" first.
    """
    # A caller that passes its own migration function (pytest-alembic) names no destination.
    with suppress(KeyError):
        destination = context.get_revision_argument()
        # Relative steps (-1, +2) and ranges are resolved by Alembic against the database.
        if isinstance(destination, str) and not any(marker in destination for marker in "+-:@"):
            context.script.get_revisions(destination)


def run_offline(context: EnvironmentContext) -> None:
    """Render the SQL only: no URL, no connection, literal values inline."""
    context.configure(
        dialect_name="postgresql",
        transaction_per_migration=True,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online(context: EnvironmentContext, x_arguments: dict[str, str]) -> None:
    """Migrate a real database; a connection or engine handed in by a caller (pytest-alembic) is used."""
    given: Connection | Engine | None = context.config.attributes.get("connection")
    if isinstance(given, Engine):
        with given.connect() as connection:
            migrate_on(context, connection)
        return
    if given is not None:
        migrate_on(context, given)
        return
    url = resolve_database_url(x_arguments, os.environ)
    settings: MigrationSettings = context.config.attributes[SETTINGS_KEY]
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": APPLICATION_NAME,
            "options": session_limits(settings),
        },
    )
    try:
        try:
            connection = engine.connect()
        except (DBAPIError, psycopg.Error) as error:
            raise describe_connection_error(error, url) from None
        with connection:
            migrate_on(context, connection)
    finally:
        engine.dispose()


def writing_a_revision(context: EnvironmentContext) -> bool:
    """True under ``alembic revision`` (autogenerate), which hands env.py a revision context.

    Called after ``configure()``, whose options the migration context carries.
    """
    return "revision_context" in context.get_context().opts


def target_metadata(config: Config) -> Any:
    """The model autogenerate compares with: ``config.attributes`` or ``target_metadata = module:name``.

    training-db has no SQLAlchemy models of its own; without one, autogenerate says so and stops.
    """
    if "target_metadata" in config.attributes:
        return config.attributes["target_metadata"]
    spec = config.get_main_option("target_metadata")
    if not spec:
        return None
    module, _, name = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise TrainingDbError(
            f"target_metadata = {spec} in alembic.ini cannot be loaded ({error}): fix the module:name"
        ) from None


def session_limits(settings: MigrationSettings) -> str:
    """Server options for the whole session, so that the preflight reads are bounded too.

    Each revision still sets its own ``SET LOCAL`` values (they are what the DBA sees in the SQL).
    """
    return (
        f"-c lock_timeout={settings.lock_timeout_ms} -c statement_timeout={settings.statement_timeout_ms} "
        f"-c idle_in_transaction_session_timeout={settings.idle_in_transaction_timeout_ms}"
    )


def migrate_on(context: EnvironmentContext, connection: Connection) -> None:
    """Lock, check, then apply each pending revision in its own transaction, retrying lock timeouts."""
    settings: MigrationSettings = context.config.attributes[SETTINGS_KEY]
    progress: Progress | None = None
    try:
        with migration_lock(connection, settings.migration_lock_wait_ms):
            run_preflight(connection, schema_directory(context.config) / "comments")
            # Alembic must start from a clean session so that each revision gets its own transaction.
            connection.commit()
            progress = Progress(connection)
            classifier = Classifier(load_policy(schema_directory(context.config) / "policy.toml"))
            guard = Guard(connection, classifier)
            context.configure(
                connection=connection,
                transaction_per_migration=True,
                on_version_apply=progress.on_version_apply,
                target_metadata=target_metadata(context.config),
                process_revision_directives=refuse_protected_operations(classifier),
            )

            def run_pending(attempt: Attempt) -> None:
                # begin_revision reads this attempt's lock_timeout from the settings.
                attempt_settings = replace(settings, lock_timeout_ms=attempt.lock_timeout_ms)
                context.config.attributes[SETTINGS_KEY] = attempt_settings
                # `alembic revision --autogenerate` runs no revision, only the model comparison's
                # catalog reads; its proposals are checked by the autogenerate hook instead.
                checked = nullcontext() if writing_a_revision(context) else guard.active()
                with checked, context.begin_transaction():
                    context.run_migrations()

            budget_ms = settings.lock_retry_budget_ms
            run_with_lock_retries(connection, run_pending, settings.lock_timeout_ms, budget_ms)
    except (DBAPIError, psycopg.Error) as error:
        raise describe_migration_error(error) from None
    except CommandError as error:
        if isinstance(error, TrainingDbError):
            raise
        # Alembic's own refusals (a relative step past base or head, a target that is not reachable).
        raise TrainingDbError(
            f"{error}: nothing was changed; run 'alembic current' for the database's revision and "
            "'alembic history' for the valid targets"
        ) from None
    finally:
        context.config.attributes[SETTINGS_KEY] = settings
        if progress is not None:
            progress.close()
    if progress is not None and not progress.applied:
        log.info("nothing to apply: the database is already at the requested revision")
