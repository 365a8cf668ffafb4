"""The protection policy: which tables (and their indexes and publications) are protected.

Read from ``schema/policy.toml``, a small file the DBA owns. Matching is on the real object:
names arrive already folded by PostgreSQL's parser (pglast), and an unqualified name is resolved
through the search_path in force, so ``LOCAL_TRAINING_JOBS``, ``public.local_training_jobs`` and
``"local_training_jobs"`` are the same table while ``"Local_Training_Jobs"`` is not.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from training_db.errors import TrainingDbError


@dataclass(frozen=True)
class Waiver:
    rule: str
    object: str
    reason: str


@dataclass(frozen=True)
class Policy:
    protected_tables: tuple[str, ...]
    protected_indexes: tuple[str, ...] = ()
    protected_publications: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = field(default=())

    def is_protected_table(self, qualified_name: str) -> bool:
        return any(fnmatchcase(qualified_name, pattern) for pattern in self.protected_tables)

    def is_protected_index(self, qualified_name: str) -> bool:
        return any(fnmatchcase(qualified_name, pattern) for pattern in self.protected_indexes)

    def waiver_for(self, rule: str, qualified_name: str) -> Waiver | None:
        return next(
            (w for w in self.waivers if w.rule == rule and fnmatchcase(qualified_name, w.object)), None
        )


def load_policy(path: Path) -> Policy:
    """Read and check ``policy.toml``; a broken file is a one-line error."""
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise TrainingDbError(f"policy file {path} is missing: restore schema/policy.toml from git") from None
    except tomllib.TOMLDecodeError as error:
        raise TrainingDbError(f"policy file {path} is not valid TOML ({error}): fix it") from None
    protected = data.get("protected", {})
    tables = tuple(protected.get("tables", ()))
    if not tables:
        raise TrainingDbError(f"policy file {path} protects no table: list them under [protected] tables")
    waivers = tuple(Waiver(**waiver) for waiver in data.get("waivers", ()))
    policy = Policy(
        protected_tables=tables,
        protected_indexes=tuple(protected.get("indexes", ())),
        protected_publications=tuple(protected.get("publications", ())),
        waivers=waivers,
    )
    for waiver in waivers:
        if not waiver.reason.strip():
            raise TrainingDbError(f"waiver of {waiver.rule} on {waiver.object} has no reason: give one")
        if policy.is_protected_table(waiver.object):
            raise TrainingDbError(
                f"waiver of {waiver.rule} on {waiver.object} covers a protected table: protected tables "
                "have no waivers; remove it"
            )
    return policy
