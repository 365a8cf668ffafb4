"""The protection-policy corpus: real revision files under tests/policy_corpus/, on top of today's head.

Each file declares ``expected_rule`` (None for the allowed cases) and, for forbidden ones,
``lint_sees_it`` (False where the SQL only exists at run time). All of them branch from head, so
one migrations folder holds the whole corpus and each case is upgraded to on its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
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


def corpus_config(migrations: Path, url: str | None = None) -> Config:
    config = alembic_config(url)
    config.set_main_option("script_location", str(migrations))
    assert ScriptDirectory.from_config(config).get_revision("0002_training_provider_view") is not None
    return config


def repository_copy(tmp_path: Path, revisions: Sequence[Path] = (), policy_extra: str = "") -> Path:
    """alembic.ini, migrations/ (plus ``revisions``), schema/ and .squawk.toml, copied to ``tmp_path``."""
    shutil.copytree(
        REPO_ROOT / "migrations", tmp_path / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO_ROOT / "schema", tmp_path / "schema")
    shutil.copy(REPO_ROOT / "alembic.ini", tmp_path / "alembic.ini")
    shutil.copy(REPO_ROOT / ".squawk.toml", tmp_path / ".squawk.toml")
    for revision in revisions:
        shutil.copy(revision, tmp_path / "migrations" / "versions" / revision.name)
    policy = tmp_path / "schema" / "policy.toml"
    policy.write_text(policy.read_text() + policy_extra)
    return tmp_path


def forbidden(name: str) -> Path:
    (path,) = (CORPUS / "forbidden").glob(f"*_{name}.py")
    return path
