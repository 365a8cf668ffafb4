"""What each revision is allowed to change in the catalog fingerprint, and nothing more.

Given the fingerprint before and after a run of revisions, :func:`unexpected_differences` builds
the fingerprint the run should have produced (the before-state with each applied revision's
allowed change) and names every way the real after-state differs from it. An empty list is the
proof that the run changed the comment text and the view, and nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from training_db.catalog import Fingerprint, describe_differences
from training_db.table_comments import parse_table_comments


@dataclass(frozen=True)
class ViewDelta:
    """A view the revision creates over ``table``, with the options and grants it must carry."""

    name: str
    table: str
    options: tuple[str, ...]
    grants: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RevisionDelta:
    revision: str
    comments: tuple[str, str] | None = None  # (file before, file after) under schema/
    view: ViewDelta | None = None


REVISION_DELTAS = (
    RevisionDelta(
        "0001_table_comments",
        comments=("comments/table_comments.v0.sql", "comments/table_comments.v1.sql"),
    ),
    RevisionDelta(
        "0002_training_provider_view",
        view=ViewDelta(
            name="training_provider",
            table="local_training_jobs",
            options=("security_invoker=true",),
            grants={"authenticated": ["SELECT"], "service_role": ["SELECT"]},
        ),
    ),
)


def revisions_between(before: str | None, after: str | None) -> tuple[list[RevisionDelta], bool]:
    """The revisions a run from ``before`` to ``after`` applied, and whether it went upward."""
    order = [delta.revision for delta in REVISION_DELTAS]
    start = order.index(before) + 1 if before else 0
    end = order.index(after) + 1 if after else 0
    if end >= start:
        return list(REVISION_DELTAS[start:end]), True
    return list(reversed(REVISION_DELTAS[end:start])), False


def unexpected_differences(
    before: Fingerprint, after: Fingerprint, applied: Sequence[RevisionDelta], upward: bool, schema_dir: Path
) -> list[str]:
    """Every difference between ``after`` and what ``applied`` should have made of ``before``."""
    expected = copy.deepcopy(before)
    problems: list[str] = []
    for delta in applied:
        if delta.comments:
            _expect_comments(expected, delta.comments, upward, schema_dir)
        if delta.view:
            problems.extend(_expect_view(expected, after, delta.view, upward))
    return problems + describe_differences(expected, after)


def _expect_comments(expected: Fingerprint, files: tuple[str, str], upward: bool, schema_dir: Path) -> None:
    target_file = files[1] if upward else files[0]
    for comment in parse_table_comments((schema_dir / target_file).read_text()):
        if comment.table in expected and not expected[comment.table].get("missing"):
            expected[comment.table]["table comment"] = comment.comment


def _expect_view(expected: Fingerprint, after: Fingerprint, view: ViewDelta, upward: bool) -> list[str]:
    qualified = view.name  # regclass text of a view in public, as the fingerprint records it
    views = expected.get(view.table, {}).get("views reading it")
    if views is None:
        return []
    if not upward:
        views.pop(qualified, None)
        return []
    actual = after.get(view.table, {}).get("views reading it", {}).get(qualified)
    if actual is None:
        return [f'view "{qualified}" on {view.table}: missing after the revision that creates it']
    problems = []
    for option in view.options:
        if option not in actual["options"]:
            problems.append(
                f'view "{qualified}" on {view.table}: option {option} is missing (has {actual["options"]})'
            )
    granted_to_others = {
        role: privileges for role, privileges in actual["grants"].items() if role != actual["owner"]
    }
    if granted_to_others != view.grants:
        problems.append(
            f'view "{qualified}" on {view.table}: grants are {granted_to_others}, expected {view.grants}'
        )
    views[qualified] = actual
    return problems
