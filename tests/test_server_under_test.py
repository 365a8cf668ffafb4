"""The suite runs on the PostgreSQL it was asked for: a leg that says 16 tests 16."""

from __future__ import annotations

import os
import re

from postgres_backends import PostgresServer


def expected_major(server: PostgresServer) -> int | None:
    """TEST_PG_EXPECT_MAJOR, else the major in the image tag, else 18 for the embedded server."""
    if os.environ.get("TEST_PG_EXPECT_MAJOR"):
        return int(os.environ["TEST_PG_EXPECT_MAJOR"])
    tagged = re.search(r":(\d+)[^:]*\)$", server.backend)
    if server.backend.startswith("testcontainers") and tagged:
        return int(tagged.group(1))
    if server.backend.startswith("embedded"):
        return 18
    return None


def test_server_version_is_the_one_the_leg_asked_for(pg_server: PostgresServer) -> None:
    version_num = pg_server.server_version_num()
    major = expected_major(pg_server)
    if major is None:
        assert version_num >= 150000, f"{pg_server.backend} runs {version_num}; training-db needs 15+"
    else:
        assert version_num // 10000 == major, f"{pg_server.backend} runs {version_num}, expected {major}"
