"""The app's real queries return the same rows before the upgrade, after it, and after the downgrade."""

from __future__ import annotations

import psycopg
import pytest

from app_queries import APP_QUERIES, AppQuery, pick_facts, plan_shape, run_app_query
from migrate import across_upgrade_and_downgrade, upgrade

STRANGER = "00000000-0000-4000-8000-000000000000"


def results_of_every_query(url: str) -> dict[str, list[tuple[object, ...]]]:
    with psycopg.connect(url) as connection:
        facts = pick_facts(connection)
        connection.commit()
        return {query.name: run_app_query(connection, query, facts) for query in APP_QUERIES}


def plans_of_every_query(url: str) -> dict[str, list[tuple[str, str | None]]]:
    with psycopg.connect(url) as connection:
        facts = pick_facts(connection)
        connection.commit()
        return {query.name: plan_shape(connection, query, facts) for query in APP_QUERIES}


def test_the_catalogue_holds_at_least_25_query_shapes_reads_and_writes() -> None:
    assert len(APP_QUERIES) >= 25
    assert len({query.name for query in APP_QUERIES}) == len(APP_QUERIES)
    writes = [query for query in APP_QUERIES if query.sql.startswith(("INSERT", "UPDATE"))]
    assert 8 <= len(writes) < len(APP_QUERIES)
    assert {query.role for query in APP_QUERIES} == {"service_role", "authenticated", "anon"}


def test_every_plan_keeps_its_shape_across_upgrade_and_downgrade(seeded_url: str) -> None:
    """Node types and index names of each query's plan are the same at base, head and base again."""
    before, at_head, at_base = across_upgrade_and_downgrade(seeded_url, plans_of_every_query)
    assert at_head == before
    assert at_base == before


def test_every_app_query_returns_the_same_rows_across_upgrade_and_downgrade(seeded_url: str) -> None:
    before, at_head, at_base = across_upgrade_and_downgrade(seeded_url, results_of_every_query)

    for name, rows in before.items():
        assert at_head[name] == rows, name
        assert at_base[name] == rows, name


def test_the_catalogue_exercises_real_rows(text_seeded_url: str) -> None:
    """Each query returns or writes something, so 'the same rows' is not trivially 'no rows'."""
    results = results_of_every_query(text_seeded_url)
    empty = [name for name, rows in results.items() if rows in ([], [("rowcount", 0)])]
    assert empty == []


USER_QUERIES = [query for query in APP_QUERIES if query.acting_as]


@pytest.mark.parametrize("query", USER_QUERIES, ids=[query.name for query in USER_QUERIES])
def test_user_queries_return_nothing_to_another_user_at_head(text_seeded_url: str, query: AppQuery) -> None:
    """RLS still guards the app's U queries after the upgrade: the same filters as a stranger see nothing."""
    upgrade(text_seeded_url)
    with psycopg.connect(text_seeded_url) as connection:
        facts = pick_facts(connection)
        connection.commit()
        assert run_app_query(connection, query, facts) != []
        assert run_app_query(connection, query, facts, acting_user=STRANGER) == []
