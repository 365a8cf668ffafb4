"""One-line failures: what is wrong and what to do.

Every failure a user can cause is raised as :class:`TrainingDbError`. It subclasses Alembic's
``CommandError`` so that ``alembic upgrade head`` prints it as a single ``FAILED: ...`` line and
exits non-zero instead of printing a traceback; ``training-db`` prints it the same way.
"""

from __future__ import annotations

from alembic.util import CommandError


class TrainingDbError(CommandError):
    """A failure the user can fix; ``str(error)`` is the whole one-line message."""

    def __init__(self, message: str) -> None:
        one_line = " ".join(message.split())
        super().__init__(one_line)


def first_line(text: str) -> str:
    """The first non-empty line of a server or driver message, stripped."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return text.strip()
