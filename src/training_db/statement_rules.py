"""The classifier: what each SQL statement does to the protected tables, by PostgreSQL's own parser.

Each statement is parsed with pglast (libpg_query, PostgreSQL 18's grammar), the relations it
reaches are resolved to schema-qualified names through the search_path in force, and the verdict
is either allowed or the stable id of the rule it breaks. The same classifier serves the lint (SQL
rendered offline) and the guard (SQL about to be executed online).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pglast import ast
from pglast.enums import AlterPublicationAction, AlterTableType, DropBehavior, GrantTargetType, ObjectType

from training_db.policy import Policy, Waiver
from training_db.sql_tree import name_list, split_name, split_statements, walk


@dataclass(frozen=True)
class Rule:
    """A stable id and name, the problem, the safe alternative, and a statement that breaks it."""

    id: str
    name: str
    problem: str
    instead: str
    example: str


RULES = {
    rule.id: rule
    for rule in (
        Rule(
            "TDB001",
            "rename-protected",
            "renames a protected table or one of its columns",
            "keep the name; change what it says with COMMENT ON or a view",
            "ALTER TABLE local_training_jobs RENAME TO training_jobs",
        ),
        Rule(
            "TDB002",
            "drop-protected",
            "drops a protected table or its schema, or may reach one through CASCADE",
            "drop nothing the app reads; drop other objects without CASCADE",
            "DROP TABLE public.local_training_metrics",
        ),
        Rule(
            "TDB003",
            "alter-protected",
            "changes the definition of a protected table (columns, types, defaults, constraints, "
            "SET SCHEMA, replica identity, owner, a foreign key into it)",
            "leave the table as it is; add a view that reads it",
            "ALTER TABLE local_training_jobs ADD COLUMN provider text",
        ),
        Rule(
            "TDB004",
            "truncate-protected",
            "empties a protected table",
            "never remove the app's rows",
            "TRUNCATE local_training_metrics",
        ),
        Rule(
            "TDB005",
            "write-protected-rows",
            "inserts, updates or deletes rows of a protected table",
            "leave the data to the app; migrations here change labels only",
            "UPDATE local_training_jobs SET status = 'failed'",
        ),
        Rule(
            "TDB006",
            "index-protected",
            "creates, drops or alters an index of a protected table",
            "plans belong to the app's own migrations, reviewed separately",
            "CREATE INDEX ix_model ON local_training_jobs (model_name)",
        ),
        Rule(
            "TDB007",
            "trigger-protected",
            "creates, drops or alters a trigger on a protected table",
            "leave the table's behaviour alone",
            "ALTER TABLE local_inference_servers DISABLE TRIGGER ALL",
        ),
        Rule(
            "TDB008",
            "policy-protected",
            "turns row-level security off or forces it, or changes a policy of a protected table",
            "security changes go through the app's security review, not a label migration",
            "ALTER TABLE local_training_jobs DISABLE ROW LEVEL SECURITY",
        ),
        Rule(
            "TDB009",
            "rule-protected",
            "creates or drops a rewrite rule on a protected table",
            "use a view",
            "CREATE RULE keep AS ON DELETE TO local_training_jobs DO INSTEAD NOTHING",
        ),
        Rule(
            "TDB010",
            "grant-protected",
            "grants or revokes privileges on a protected table",
            "grant on the view instead",
            "REVOKE SELECT ON local_training_jobs FROM authenticated",
        ),
        Rule(
            "TDB011",
            "publication-protected",
            "removes a protected table from its realtime publication",
            "leave the publication alone: realtime subscriptions depend on it",
            "ALTER PUBLICATION supabase_realtime DROP TABLE local_training_metrics",
        ),
        Rule(
            "TDB012",
            "opaque-statement",
            "runs code the checker cannot see through "
            "(DO, CALL, dynamic SQL, a function called for its effects)",
            "write the statements out as plain SQL",
            "CALL public.archive_training_jobs()",
        ),
        Rule(
            "TDB013",
            "view-without-security-invoker",
            "creates or replaces a view over a protected table without security_invoker = true",
            "WITH (security_invoker = true); CREATE OR REPLACE resets the option unless repeated",
            "CREATE VIEW public.job_summary AS SELECT id, status FROM local_training_jobs",
        ),
    )
}

# Functions a SELECT may call without being a "function called for its effects".
_PURE_FUNCTIONS = frozenset(
    {
        "obj_description",
        "col_description",
        "to_regclass",
        "current_setting",
        "now",
        "pg_table_is_visible",
        "current_schema",
        "format_type",
        "pg_get_viewdef",
        "pg_get_expr",
        "has_schema_privilege",
        "has_table_privilege",
        "pg_has_role",
        "count",
    }
)
_VERSION_TABLE = "alembic_version"


def rule_message(rule: str, objects: tuple[str, ...]) -> str:
    """``TDB00N name: problem (objects); instead: safe alternative``, the same wherever it is caught."""
    described = RULES[rule]
    target = ", ".join(objects) if objects else "the protected tables"
    return f"{rule} {described.name}: {described.problem} ({target}); instead: {described.instead}"


@dataclass(frozen=True)
class Verdict:
    """One statement and what the policy says of it; ``rule`` is None when it breaks none.

    A broken rule can be waived in the policy file for objects that are not protected; the
    verdict then carries the waiver, and the statement is allowed.
    """

    statement: str
    rule: str | None
    objects: tuple[str, ...]
    message: str
    waiver: Waiver | None = None

    @property
    def allowed(self) -> bool:
        return self.rule is None or self.waiver is not None


class Classifier:
    """Classifies statements in order, following ``SET search_path`` as PostgreSQL would."""

    def __init__(self, policy: Policy, search_path: tuple[str, ...] = ("public",)) -> None:
        self.policy = policy
        self.search_path = search_path

    def classify_sql(self, sql: str) -> list[Verdict]:
        return [self.classify(statement.node, statement.text) for statement in split_statements(sql)]

    def classify(self, node: ast.Node, text: str) -> Verdict:
        rule, objects = self._judge(node)
        if rule is None:
            return Verdict(text, None, objects, "allowed")
        message = rule_message(rule, objects)
        waiver = self._waiver(rule, objects)
        if waiver is not None:
            message = f"{rule} waived for {', '.join(objects)}: {waiver.reason}"
        return Verdict(text, rule, objects, message, waiver)

    def qualified(self, schema: str | None, name: str) -> str:
        """The schema-qualified object an (optionally qualified) name means under the search_path."""
        return self._qualified(schema, name)

    def _waiver(self, rule: str, objects: tuple[str, ...]) -> Waiver | None:
        """The waiver covering every object of a verdict; none for protected tables, by construction."""
        if not objects or any(self.policy.is_protected_table(name) for name in objects):
            return None
        waivers = [self.policy.waiver_for(rule, name) for name in objects]
        return waivers[0] if all(waivers) else None

    # -- the judgement, statement kind by statement kind -----------------------------------------

    def _judge(self, node: ast.Node) -> tuple[str | None, tuple[str, ...]]:
        handler = getattr(self, f"_judge_{type(node).__name__}", None)
        if handler is not None:
            result: tuple[str | None, tuple[str, ...]] = handler(node)
            return result
        reached = self._protected(self._relations(node))
        return ("TDB003", reached) if reached else (None, ())

    def _judge_VariableSetStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        if node.name == "search_path" and node.args:
            self.search_path = tuple(str(getattr(arg.val, "sval", "")) for arg in node.args)
        return None, ()

    def _judge_TransactionStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        return None, ()

    def _judge_CommentStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        return None, ()

    def _judge_ViewStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        if self._protected([node.view]):
            return "TDB003", self._protected([node.view])
        reached = self._protected(self._relations(node.query))
        invoker = any(
            option.defname == "security_invoker"
            and str(getattr(option.arg, "sval", "")).lower() in ("true", "on", "1")
            for option in node.options or ()
        )
        return ("TDB013", reached) if reached and not invoker else (None, ())

    def _judge_GrantStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        if node.objtype != ObjectType.OBJECT_TABLE:
            return None, ()
        if node.targtype == GrantTargetType.ACL_TARGET_ALL_IN_SCHEMA:
            # GRANT ... ON ALL TABLES IN SCHEMA s: every protected table in s.
            schemas = {name_list(item)[-1] for item in node.objects or ()}
            reached = tuple(t for t in self.policy.protected_tables if t.split(".", 1)[0] in schemas)
        else:
            reached = self._protected(node.objects or ())
        return ("TDB010", reached) if reached else (None, ())

    def _judge_RenameStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        if node.renameType == ObjectType.OBJECT_INDEX and node.relation is not None:
            index = self._qualified(node.relation.schemaname, node.relation.relname)
            return ("TDB006", (index,)) if self.policy.is_protected_index(index) else (None, ())
        reached = self._protected([node.relation] if node.relation is not None else [])
        by_kind = {
            ObjectType.OBJECT_POLICY: "TDB008",
            ObjectType.OBJECT_TRIGGER: "TDB007",
            ObjectType.OBJECT_RULE: "TDB009",
        }
        return (by_kind.get(node.renameType, "TDB001"), reached) if reached else (None, ())

    def _judge_DropStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        names = [name_list(item) for item in node.objects or ()]
        kind = node.removeType
        if kind == ObjectType.OBJECT_PUBLICATION and any(
            n[-1] in self.policy.protected_publications for n in names
        ):
            return "TDB011", tuple(n[-1] for n in names)
        if kind == ObjectType.OBJECT_INDEX:
            indexes = tuple(self._qualified(*split_name(n)) for n in names)
            protected = tuple(i for i in indexes if self.policy.is_protected_index(i))
            return ("TDB006", protected) if protected else self._cascade(node)
        if kind in (ObjectType.OBJECT_POLICY, ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_RULE):
            tables = tuple(self._qualified(*split_name(n[:-1])) for n in names)
            protected = tuple(t for t in tables if self.policy.is_protected_table(t))
            rule = {ObjectType.OBJECT_POLICY: "TDB008", ObjectType.OBJECT_TRIGGER: "TDB007"}.get(
                kind, "TDB009"
            )
            return (rule, protected) if protected else self._cascade(node)
        if kind == ObjectType.OBJECT_SCHEMA:
            schemas = {n[-1] for n in names}
            protected = tuple(t for t in self.policy.protected_tables if t.split(".", 1)[0] in schemas)
            return ("TDB002", protected) if protected else self._cascade(node)
        if kind in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_FOREIGN_TABLE):
            tables = tuple(self._qualified(*split_name(n)) for n in names)
            protected = tuple(t for t in tables if self.policy.is_protected_table(t))
            return ("TDB002", protected) if protected else self._cascade(node)
        return self._cascade(node)

    def _cascade(self, node: ast.DropStmt) -> tuple[str | None, tuple[str, ...]]:
        # What CASCADE reaches is decided by the catalog at run time: it may be a protected table.
        if node.behavior != DropBehavior.DROP_CASCADE:
            return None, ()
        names = tuple(self._qualified(*split_name(name_list(item))) for item in node.objects or ())
        return "TDB002", names

    def _judge_TruncateStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        reached = self._protected(node.relations or ())
        return ("TDB004", reached) if reached else (None, ())

    def _judge_InsertStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        if node.relation.relname == _VERSION_TABLE:
            return None, ()
        reached = self._protected([node.relation])
        return ("TDB005", reached) if reached else (None, ())

    _judge_UpdateStmt = _judge_InsertStmt
    _judge_DeleteStmt = _judge_InsertStmt
    _judge_MergeStmt = _judge_InsertStmt

    def _judge_IndexStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        reached = self._protected([node.relation])
        return ("TDB006", reached) if reached else (None, ())

    def _judge_AlterTableStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        if node.objtype == ObjectType.OBJECT_INDEX:
            index = self._qualified(node.relation.schemaname, node.relation.relname)
            return ("TDB006", (index,)) if self.policy.is_protected_index(index) else (None, ())
        if node.objtype == ObjectType.OBJECT_VIEW and self._drops_security_invoker(node):
            # Offline there is no catalog to say what the view reads: any view losing the option.
            return "TDB013", (self._qualified(node.relation.schemaname, node.relation.relname),)
        reached = self._protected([node.relation])
        if not reached:
            return None, ()
        security = {
            "AT_EnableRowSecurity",
            "AT_DisableRowSecurity",
            "AT_ForceRowSecurity",
            "AT_NoForceRowSecurity",
        }
        triggers = {
            "AT_EnableTrig",
            "AT_DisableTrig",
            "AT_EnableTrigAll",
            "AT_DisableTrigAll",
            "AT_EnableTrigUser",
            "AT_DisableTrigUser",
            "AT_EnableAlwaysTrig",
            "AT_EnableReplicaTrig",
        }
        subtypes = {command.subtype.name for command in node.cmds or ()}
        if subtypes & security:
            return "TDB008", reached
        if subtypes & triggers:
            return "TDB007", reached
        return "TDB003", reached

    @staticmethod
    def _drops_security_invoker(node: Any) -> bool:
        """ALTER VIEW ... RESET (security_invoker) or SET (security_invoker = false)."""
        for command in node.cmds or ():
            for option in command.def_ or ():
                if option.defname != "security_invoker":
                    continue
                value = str(getattr(option.arg, "sval", getattr(option.arg, "ival", ""))).lower()
                if command.subtype == AlterTableType.AT_ResetRelOptions or value in ("false", "off", "0"):
                    return True
        return False

    def _judge_CreateTrigStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        reached = self._protected([node.relation])
        return ("TDB007", reached) if reached else (None, ())

    def _judge_CreatePolicyStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        reached = self._protected([node.table])
        return ("TDB008", reached) if reached else (None, ())

    _judge_AlterPolicyStmt = _judge_CreatePolicyStmt

    def _judge_RuleStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        reached = self._protected([node.relation])
        return ("TDB009", reached) if reached else (None, ())

    def _judge_AlterPublicationStmt(
        self, node: ast.AlterPublicationStmt
    ) -> tuple[str | None, tuple[str, ...]]:
        if node.pubname not in self.policy.protected_publications:
            return None, ()
        listed = self._protected(self._relations(node))
        if node.action == AlterPublicationAction.AP_DropObjects and listed:
            return "TDB011", listed
        if node.action == AlterPublicationAction.AP_SetObjects:
            return "TDB011", (node.pubname,)  # SET replaces the whole list: protected tables may fall out
        return None, ()

    def _judge_DoStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        body = " ".join(str(getattr(option.arg, "sval", "")) for option in node.args or ()).lower()
        names = {table.rsplit(".", 1)[-1].lower() for table in self.policy.protected_tables}
        if "execute" in body or any(name in body for name in names) or "*" in "".join(names):
            return "TDB012", ()
        return None, ()

    def _judge_CallStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        return "TDB012", ()

    def _judge_DropOwnedStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        return "TDB012", ()

    _judge_ReassignOwnedStmt = _judge_DropOwnedStmt

    def _judge_SelectStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        for call in walk(node, ast.FuncCall):
            names = [str(part.sval) for part in call.funcname]
            if names[-1].lower() not in _PURE_FUNCTIONS:
                return "TDB012", (self._qualified(*split_name(names)),)
        return None, ()

    def _judge_CreateStmt(self, node: Any) -> tuple[str | None, tuple[str, ...]]:
        if node.relation.relname == _VERSION_TABLE:
            return None, ()
        # A foreign key into a protected table adds triggers to it and locks it.
        reached = self._protected(self._relations(node))
        return ("TDB003", reached) if reached else (None, ())

    # -- names --------------------------------------------------------------------------------

    def _protected(self, relations: Any) -> tuple[str, ...]:
        found = []
        for relation in relations:
            for candidate in self._candidates(relation.schemaname, relation.relname):
                if self.policy.is_protected_table(candidate):
                    found.append(candidate)
        return tuple(dict.fromkeys(found))

    def _candidates(self, schema: str | None, name: str) -> list[str]:
        """Every object an unqualified name may mean under the search_path (conservatively: all)."""
        if schema:
            return [f"{schema}.{name}"]
        return [f"{entry}.{name}" for entry in self.search_path if entry and not entry.startswith("$")]

    def _qualified(self, schema: str | None, name: str) -> str:
        candidates = self._candidates(schema, name)
        return next(
            (c for c in candidates if self.policy.is_protected_table(c) or self.policy.is_protected_index(c)),
            candidates[0] if candidates else name,
        )

    def _relations(self, node: Any) -> list[ast.RangeVar]:
        return list(walk(node, ast.RangeVar))
