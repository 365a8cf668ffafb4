"""The protection-policy corpus: real revision files under tests/policy_corpus/, on top of today's head.

Each file declares ``expected_rule`` (None for the allowed cases) and, for forbidden ones,
``lint_sees_it`` (False where the SQL only exists at run time). All of them branch from head, so
one migrations folder holds the whole corpus and each case is upgraded to on its own.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from migrate import REPO_ROOT, alembic_config

CORPUS = Path(__file__).resolve().parent / "policy_corpus"


@dataclass(frozen=True)
class CorpusCase:
    revision: str
    expected_rule: str | None
    lint_sees_it: bool


def corpus_cases(kind: str) -> list[CorpusCase]:
    """The cases of ``kind`` ("forbidden" or "allowed"), read from the files' own declarations."""
    cases = []
    for path in sorted((CORPUS / kind).glob("*.py")):
        declared: dict[str, object] = {}
        exec(compile(path.read_text(), str(path), "exec"), {"__name__": "corpus_case"}, declared)
        cases.append(
            CorpusCase(
                str(declared["revision"]),
                declared["expected_rule"],  # type: ignore[arg-type]
                bool(declared.get("lint_sees_it", True)),
            )
        )
    return cases


def migrations_with_corpus(destination: Path) -> Path:
    """A copy of migrations/ with every corpus revision added to versions/."""
    migrations = destination / "migrations"
    shutil.copytree(REPO_ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__"))
    for path in CORPUS.glob("*/*.py"):
        shutil.copy(path, migrations / "versions" / path.name)
    return migrations


def corpus_config(migrations: Path, url: str | None = None):  # type: ignore[no-untyped-def]
    config = alembic_config(url)
    config.set_main_option("script_location", str(migrations))
    assert ScriptDirectory.from_config(config).get_revision("0002_training_provider_view") is not None
    return config
