"""Which table-level lock each statement takes, and what that lock blocks, in a DBA's words.

The lint and the review pack print, for every statement a revision renders, the lock it takes on
each relation it names. The model follows PostgreSQL's documentation ("Explicit Locking",
"Table-Level Locks") and is checked against ``pg_locks`` on a real server by
``tests/test_locks.py``. Where a statement's lock is not known here, the strongest mode is
assumed: the review pack must never make a lock look weaker than it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, GrantTargetType, ObjectType

from training_db.sql_tree import name_list, split_name, walk


@dataclass(frozen=True)
class LockMode:
    name: str
    pg_name: str  # as pg_locks.mode spells it
    blocks: str


_MODES = (
    LockMode("ACCESS SHARE", "AccessShareLock", "blocks nothing the app does (only ACCESS EXCLUSIVE waits)"),
    LockMode("ROW SHARE", "RowShareLock", "blocks nothing the app does (only EXCLUSIVE and stronger wait)"),
    LockMode("ROW EXCLUSIVE", "RowExclusiveLock", "blocks nothing the app does (CREATE INDEX and LOCK wait)"),
    LockMode(
        "SHARE UPDATE EXCLUSIVE",
        "ShareUpdateExclusiveLock",
        "blocks nothing the app does (VACUUM, ANALYZE and other DDL on the table wait)",
    ),
    LockMode("SHARE", "ShareLock", "blocks writes (INSERT, UPDATE, DELETE wait; reads go on)"),
    LockMode("SHARE ROW EXCLUSIVE", "ShareRowExclusiveLock", "blocks writes (reads go on)"),
    LockMode("EXCLUSIVE", "ExclusiveLock", "blocks writes and SELECT ... FOR UPDATE (plain reads go on)"),
    LockMode("ACCESS EXCLUSIVE", "AccessExclusiveLock", "blocks reads and writes"),
)
LOCK_MODES = {mode.name: mode for mode in _MODES}
STRONGEST = LOCK_MODES["ACCESS EXCLUSIVE"]


@dataclass(frozen=True)
class Lock:
    """One relation lock a statement takes; ``relation`` is schema-qualified."""

    relation: str
    mode: LockMode
    note: str = ""  # what the general words miss, e.g. that the relation is new

    def describe(self) -> str:
        blocks = f"{self.note}; {self.mode.blocks}" if self.note else self.mode.blocks
        return f"{self.mode.name} on {self.relation}: {blocks}"


Qualify = Callable[[str | None, str], str]

# ALTER TABLE forms that take less than ACCESS EXCLUSIVE (documentation, "ALTER TABLE" notes).
_ALTER_TABLE_MODES = {
    AlterTableType.AT_SetStatistics: "SHARE UPDATE EXCLUSIVE",
    AlterTableType.AT_ValidateConstraint: "SHARE UPDATE EXCLUSIVE",
    AlterTableType.AT_ClusterOn: "SHARE UPDATE EXCLUSIVE",
    AlterTableType.AT_DropCluster: "SHARE UPDATE EXCLUSIVE",
    AlterTableType.AT_SetRelOptions: "SHARE UPDATE EXCLUSIVE",
    AlterTableType.AT_EnableTrig: "SHARE ROW EXCLUSIVE",
    AlterTableType.AT_DisableTrig: "SHARE ROW EXCLUSIVE",
    AlterTableType.AT_EnableTrigAll: "SHARE ROW EXCLUSIVE",
    AlterTableType.AT_DisableTrigAll: "SHARE ROW EXCLUSIVE",
    AlterTableType.AT_EnableTrigUser: "SHARE ROW EXCLUSIVE",
    AlterTableType.AT_DisableTrigUser: "SHARE ROW EXCLUSIVE",
}
_COMMENTED_RELATIONS = {
    ObjectType.OBJECT_TABLE,
    ObjectType.OBJECT_VIEW,
    ObjectType.OBJECT_MATVIEW,
    ObjectType.OBJECT_FOREIGN_TABLE,
}


def locks_taken(node: ast.Node, qualify: Qualify) -> tuple[Lock, ...]:
    """The relation locks ``node`` takes, strongest per relation; () for a statement that takes none."""
    handler = _HANDLERS.get(type(node).__name__)
    found = handler(node, qualify) if handler else _unknown(node, qualify)
    strongest: dict[str, Lock] = {}
    for lock in found:
        held = strongest.get(lock.relation)
        if held is None or _MODES.index(lock.mode) > _MODES.index(held.mode):
            strongest[lock.relation] = lock
    return tuple(strongest.values())


def _lock(qualify: Qualify, relation: Any, mode: str) -> Lock:
    return Lock(qualify(relation.schemaname, relation.relname), LOCK_MODES[mode])


def _reads(node: Any, qualify: Qualify, mode: str = "ACCESS SHARE") -> Iterator[Lock]:
    """ACCESS SHARE (or ``mode``) on every relation a query reads, common table expressions aside."""
    cte_names = {cte.ctename for cte in walk(node, ast.CommonTableExpr)}
    for relation in walk(node, ast.RangeVar):
        if relation.schemaname or relation.relname not in cte_names:
            yield _lock(qualify, relation, mode)


def _comment(node: Any, qualify: Qualify) -> list[Lock]:
    names = name_list(node.object)
    if node.objtype in _COMMENTED_RELATIONS:
        relation = names
    elif node.objtype == ObjectType.OBJECT_COLUMN:
        relation = names[:-1]
    else:
        return []
    return [Lock(qualify(*split_name(relation)), LOCK_MODES["SHARE UPDATE EXCLUSIVE"])]


def _view(node: Any, qualify: Qualify) -> list[Lock]:
    itself = _lock(qualify, node.view, "ACCESS EXCLUSIVE")
    note = "the view being replaced: its readers wait" if node.replace else "a new view: nobody waits"
    return [*_reads(node.query, qualify), Lock(itself.relation, itself.mode, note)]


def _drop(node: Any, qualify: Qualify) -> list[Lock]:
    relation_kinds = {
        ObjectType.OBJECT_TABLE,
        ObjectType.OBJECT_VIEW,
        ObjectType.OBJECT_MATVIEW,
        ObjectType.OBJECT_INDEX,
        ObjectType.OBJECT_SEQUENCE,
        ObjectType.OBJECT_FOREIGN_TABLE,
    }
    # A policy, trigger or rule is named "table.object": the lock is on the table.
    on_a_table = {ObjectType.OBJECT_POLICY, ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_RULE}
    if node.removeType not in relation_kinds | on_a_table:
        return []
    drop_last = node.removeType in on_a_table
    relations = [name_list(item)[:-1] if drop_last else name_list(item) for item in node.objects or ()]
    return [Lock(qualify(*split_name(relation)), STRONGEST) for relation in relations]


def _alter_table(node: Any, qualify: Qualify) -> list[Lock]:
    modes = [_alter_table_mode(command) for command in node.cmds or ()]
    strongest = max(modes or ["ACCESS EXCLUSIVE"], key=lambda name: _MODES.index(LOCK_MODES[name]))
    locks = [_lock(qualify, node.relation, strongest)]
    # A foreign key also locks the table it references, against writes.
    for constraint in walk(node.cmds, ast.Constraint):
        if constraint.pktable is not None:
            locks.append(_lock(qualify, constraint.pktable, "SHARE ROW EXCLUSIVE"))
    return locks


def _alter_table_mode(command: Any) -> str:
    definition = getattr(command, "def_", None)
    if command.subtype == AlterTableType.AT_AddConstraint and isinstance(definition, ast.Constraint):
        # ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables; other constraints scan under
        # ACCESS EXCLUSIVE.
        return (
            "SHARE ROW EXCLUSIVE" if definition.contype == ConstrType.CONSTR_FOREIGN else "ACCESS EXCLUSIVE"
        )
    return _ALTER_TABLE_MODES.get(command.subtype, "ACCESS EXCLUSIVE")


def _write(node: Any, qualify: Qualify) -> list[Lock]:
    return [*_reads(node, qualify), _lock(qualify, node.relation, "ROW EXCLUSIVE")]


def _index(node: Any, qualify: Qualify) -> list[Lock]:
    return [_lock(qualify, node.relation, "SHARE UPDATE EXCLUSIVE" if node.concurrent else "SHARE")]


def _create_table(node: Any, qualify: Qualify) -> list[Lock]:
    return [
        _lock(qualify, constraint.pktable, "SHARE ROW EXCLUSIVE")
        for constraint in walk(node, ast.Constraint)
        if constraint.pktable is not None
    ]


def _publication(node: Any, qualify: Qualify) -> list[Lock]:
    return [_lock(qualify, relation, "SHARE UPDATE EXCLUSIVE") for relation in walk(node, ast.RangeVar)]


def _lock_statement(node: Any, qualify: Qualify) -> list[Lock]:
    mode = _MODES[max(0, min(node.mode - 1, len(_MODES) - 1))].name
    return [_lock(qualify, relation, mode) for relation in node.relations or ()]


def _grant(node: Any, qualify: Qualify) -> list[Lock]:
    if node.objtype != ObjectType.OBJECT_TABLE or node.targtype != GrantTargetType.ACL_TARGET_OBJECT:
        return []
    note = "PostgreSQL 18 takes it, 15 to 17 take none"
    return [
        Lock(_lock(qualify, relation, "ACCESS SHARE").relation, LOCK_MODES["ACCESS SHARE"], note)
        for relation in node.objects or ()
    ]


def _none(node: Any, qualify: Qualify) -> list[Lock]:
    return []


def _unknown(node: Any, qualify: Qualify) -> list[Lock]:
    """A statement this model does not know: the strongest lock on every relation it names."""
    return [_lock(qualify, relation, "ACCESS EXCLUSIVE") for relation in walk(node, ast.RangeVar)]


_HANDLERS: dict[str, Callable[[Any, Qualify], list[Lock]]] = {
    "CommentStmt": _comment,
    "ViewStmt": _view,
    "DropStmt": _drop,
    "AlterTableStmt": _alter_table,
    "RenameStmt": lambda node, qualify: (
        [_lock(qualify, node.relation, "ACCESS EXCLUSIVE")] if node.relation is not None else []
    ),
    "TruncateStmt": lambda node, qualify: [_lock(qualify, r, "ACCESS EXCLUSIVE") for r in node.relations],
    "InsertStmt": _write,
    "UpdateStmt": _write,
    "DeleteStmt": _write,
    "MergeStmt": _write,
    "SelectStmt": lambda node, qualify: list(_reads(node, qualify)),
    "IndexStmt": _index,
    "CreateTrigStmt": lambda node, qualify: [_lock(qualify, node.relation, "SHARE ROW EXCLUSIVE")],
    "CreatePolicyStmt": lambda node, qualify: [_lock(qualify, node.table, "ACCESS EXCLUSIVE")],
    "AlterPolicyStmt": lambda node, qualify: [_lock(qualify, node.table, "ACCESS EXCLUSIVE")],
    "RuleStmt": lambda node, qualify: [_lock(qualify, node.relation, "ACCESS EXCLUSIVE")],
    "CreateStmt": _create_table,
    "AlterPublicationStmt": _publication,
    "LockStmt": _lock_statement,
    "GrantStmt": _grant,
    "VariableSetStmt": _none,
    "TransactionStmt": _none,
    "CreateSchemaStmt": _none,
    "CreateRoleStmt": _none,
}
