"""pytest-alembic's built-in guarantees, run on a seeded real PostgreSQL (see conftest.alembic_engine).

The plugin's default test file is disabled (pytest_alembic_tests_path in pyproject.toml) and the
tests are imported here, so they are collected like any other test module.
"""

from pytest_alembic.tests import (  # noqa: F401
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
