"""Alembic environment for training-db; the logic lives in training_db.environment."""

from alembic import context

from training_db.environment import run_migrations

run_migrations(context)
