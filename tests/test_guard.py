"""The guard: a forbidden statement in an online migration is refused before it runs.

The sabotaged revisions of the verify mutation check, run for real: each is stopped by the
guard with its rule id, its transaction rolls back, and the database stays at head.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from database_state import capture_state
from migrate import alembic_config, upgrade
from sabotage import SABOTAGES, migrations_with_sabotage, sabotage_sql
from training_db.errors import TrainingDbError
from training_db.guard import as_postgres_sql

EXPECTED_RULES = {
    "rename a column and leave it renamed": "TDB001",
    "drop and recreate an index with another predicate": "TDB006",
    "change a default": "TDB003",
    "drop a policy": "TDB008",
    "remove a table from the publication": "TDB011",
    "change one row": "TDB005",
    "replace the view without security_invoker": "TDB013",
}


@pytest.mark.parametrize("name", list(SABOTAGES))
def test_the_guard_stops_each_sabotaged_revision_before_it_runs(
    name: str, text_seeded_url: str, tmp_path: Path
) -> None:
    config = alembic_config(text_seeded_url)
    config.set_main_option(
        "script_location", str(migrations_with_sabotage(tmp_path, sabotage_sql(name, text_seeded_url)))
    )
    upgrade(text_seeded_url)
    at_head = capture_state(text_seeded_url)

    with pytest.raises(TrainingDbError, match=rf"^refused before it ran: {EXPECTED_RULES[name]} "):
        command.upgrade(config, "0003_sabotage")

    assert capture_state(text_seeded_url) == at_head


def test_driver_placeholders_become_postgres_parameters() -> None:
    assert as_postgres_sql("SELECT %(a)s, %s, '100%%'") == "SELECT $1, $2, '100%'"
