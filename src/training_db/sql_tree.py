"""SQL text to parse trees, by PostgreSQL's own parser (pglast), and the walks the checks share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pglast
from pglast import ast


@dataclass(frozen=True)
class ParsedStatement:
    """One statement of a SQL text: its parse tree and its exact text (comments inside kept)."""

    node: ast.Node
    raw: str

    @property
    def text(self) -> str:
        """The text on one line, white space folded: for messages and reports."""
        return " ".join(self.raw.split())


def split_statements(sql: str) -> list[ParsedStatement]:
    """The statements of ``sql`` as PostgreSQL's parser splits them (comments and all)."""
    encoded = sql.encode()
    statements = []
    for raw in pglast.parse_sql(sql):
        start = raw.stmt_location or 0
        end = start + raw.stmt_len if raw.stmt_len else len(encoded)
        assert raw.stmt is not None
        statements.append(ParsedStatement(raw.stmt, encoded[start:end].decode().strip()))
    return statements


def walk(node: Any, kind: type) -> Iterator[Any]:
    """Every node of type ``kind`` in the tree under ``node`` (itself included)."""
    if isinstance(node, kind):
        yield node
    if isinstance(node, ast.Node):
        for attribute in getattr(node, "__slots__", ()):
            yield from walk(getattr(node, attribute, None), kind)
    elif isinstance(node, tuple | list):
        for item in node:
            yield from walk(item, kind)


def name_list(item: Any) -> list[str]:
    """A dotted name of the parse tree as strings: a list of String nodes, one, a function's
    name with its arguments (ObjectWithArgs) or a type's (TypeName)."""
    if isinstance(item, ast.ObjectWithArgs):
        return name_list(item.objname)
    if isinstance(item, ast.TypeName):
        return name_list(item.names)
    if isinstance(item, tuple | list):
        return [str(getattr(part, "sval", part)) for part in item]
    return [str(getattr(item, "sval", item))]


def split_name(names: list[str]) -> tuple[str | None, str]:
    """(schema or None, name) of a dotted name."""
    return (names[-2] if len(names) > 1 else None), names[-1]
