"""Every rule's documentation moves with its code.

The README's table is the rules as the code defines them, and each example breaks its rule.
"""

from __future__ import annotations

import pytest

from migrate import REPO_ROOT
from training_db.policy import load_policy
from training_db.statement_rules import RULES, Classifier, Rule


def rules_table() -> str:
    """The README's rule table, as the code defines the rules."""
    header = "| id | name | problem | safe alternative | example |\n|---|---|---|---|---|\n"
    return header + "".join(
        f"| {rule.id} | {rule.name} | {rule.problem} | {rule.instead} | `{rule.example}` |\n"
        for rule in RULES.values()
    )


def test_the_readme_lists_every_rule_as_the_code_defines_it() -> None:
    assert rules_table() in (REPO_ROOT / "README.md").read_text()


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_each_rules_example_breaks_that_rule(rule: Rule) -> None:
    (verdict,) = Classifier(load_policy(REPO_ROOT / "schema" / "policy.toml")).classify_sql(rule.example)

    assert verdict.rule == rule.id
    assert verdict.message.startswith(f"{rule.id} {rule.name}: {rule.problem} (")
    assert verdict.message.endswith(f"; instead: {rule.instead}")
