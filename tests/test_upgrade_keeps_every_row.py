"""Upgrading, downgrading and upgrading again leaves every row of the three tables as it was."""

from __future__ import annotations

from database_state import capture_state
from migrate import HEAD, downgrade, upgrade


def test_every_row_identical_after_upgrade_downgrade_and_upgrade_again(seeded_url: str) -> None:
    original = capture_state(seeded_url)
    assert all(fingerprint.rows > 0 for fingerprint in original.data.values())

    upgrade(seeded_url)
    at_head = capture_state(seeded_url)
    downgrade(seeded_url)
    at_base = capture_state(seeded_url)
    upgrade(seeded_url)
    at_head_again = capture_state(seeded_url)

    assert at_head.data == original.data
    assert at_base.data == original.data
    assert at_head_again.data == original.data
    assert at_head.alembic_revision == at_head_again.alembic_revision == (HEAD,)
    assert at_base.alembic_revision == ()


def test_the_fingerprint_notices_a_changed_row(text_seeded_url: str) -> None:
    """The proof above is only worth something if one changed value changes the fingerprint."""
    import psycopg

    before = capture_state(text_seeded_url)
    with psycopg.connect(text_seeded_url) as connection:
        connection.execute(
            "UPDATE local_training_metrics SET train_loss = train_loss + 1e-9 "
            "WHERE id = (SELECT min(id) FROM local_training_metrics WHERE train_loss IS NOT NULL)"
        )
    after = capture_state(text_seeded_url)
    assert after.data["local_training_metrics"].rows == before.data["local_training_metrics"].rows
    assert after.data["local_training_metrics"].digest != before.data["local_training_metrics"].digest
    assert after.data["local_training_jobs"] == before.data["local_training_jobs"]
