"""Each revision's SQL as Alembic renders it offline, one revision and one direction at a time.

The lint and the review pack read what ``alembic upgrade A:B --sql`` prints for every revision,
so that they judge exactly the SQL a deploy would run (the timeouts, the comments and Alembic's
own version bookkeeping included), with no database.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from alembic.script.revision import RevisionError

from training_db.errors import TrainingDbError

DIRECTIONS = ("upgrade", "downgrade")


@dataclass(frozen=True)
class RenderedRevision:
    revision: str
    path: Path
    summary: str  # the first line of the revision's docstring
    direction: str
    sql: str


def revisions_in_range(config: Config, since: str | None) -> list[Script]:
    """The revisions after ``since`` (all of them when None), oldest first."""
    script = ScriptDirectory.from_config(config)
    try:
        newest_first = list(script.iterate_revisions("heads", since or "base"))
    except RevisionError as error:
        raise TrainingDbError(
            f"--since {since}: {error}; see 'alembic history' for the revision ids"
        ) from None
    return newest_first[::-1]


def render_revisions(config: Config, since: str | None = None) -> list[RenderedRevision]:
    """The upgrade and downgrade SQL of every revision after ``since``."""
    rendered = []
    for revision in revisions_in_range(config, since):
        # A merge revision has several parents; rendering from the first one shows its own SQL.
        parent = revision._all_down_revisions[0] if revision._all_down_revisions else "base"
        summary = (revision.doc or "").strip().splitlines()[0] if revision.doc else ""
        for direction in DIRECTIONS:
            ends = (parent, revision.revision) if direction == "upgrade" else (revision.revision, parent)
            span = ":".join(ends)
            rendered.append(
                RenderedRevision(
                    revision.revision,
                    Path(revision.path),
                    summary,
                    direction,
                    render(config, direction, span),
                )
            )
    return rendered


def render(config: Config, direction: str, span: str) -> str:
    """What ``alembic <direction> <span> --sql`` prints."""
    buffer = io.StringIO()
    previous = config.output_buffer
    config.output_buffer = buffer
    try:
        if direction == "upgrade":
            command.upgrade(config, span, sql=True)
        else:
            command.downgrade(config, span, sql=True)
    except TrainingDbError:
        raise
    except Exception as error:  # a revision's own code failed: say which, in one line
        first = (str(error).strip().splitlines() or [""])[0]
        raise TrainingDbError(
            f"{direction} {span} cannot be rendered offline ({type(error).__name__}: {first[:200]}): "
            "fix the revision so that it renders with --sql"
        ) from None
    finally:
        config.output_buffer = previous
    return buffer.getvalue()
