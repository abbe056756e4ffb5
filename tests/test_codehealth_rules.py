"""Code health: every code is declared once, beside a check that emits it, and every declared code is emitted.

An AST scan of scripts/medsite: a code is *declared* by `Rule("CODE", ...)` in a module's
`RULES = declare(...)`, and *emitted* by any other string that is exactly a code
(`Diagnostic("CODE", ...)`, `_diag("CODE", ...)`, `code = "CODE"`...).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from medsite.gate import rules

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scripts" / "medsite"
CODE = re.compile(r"[A-Z]{2,6}\d{3}")


def scan(source: str) -> tuple[set[str], set[str]]:
    """(codes declared, codes emitted) by one module's source."""
    tree = ast.parse(source)
    declared_nodes: set[int] = set()
    declared: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Rule" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                declared.add(first.value)
                declared_nodes.add(id(first))
    emitted = {node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and CODE.fullmatch(node.value) and id(node) not in declared_nodes}
    return declared, emitted


@functools.cache
def modules() -> dict[str, tuple[set[str], set[str]]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        found[name] = scan(path.read_text(encoding="utf-8"))
    return found


def test_the_scan_tells_declared_from_emitted():
    source = 'RULES = declare(Rule("AB001", ERROR, what="", why="", fix=""))\nx = Diagnostic("AB002", "m", "p")\n'
    assert scan(source) == ({"AB001"}, {"AB002"})


def test_every_code_is_declared_exactly_once():
    where: dict[str, list[str]] = {}
    for name, (declared, _) in modules().items():
        for code in declared:
            where.setdefault(code, []).append(name)
    twice = {code: names for code, names in where.items() if len(names) > 1}
    assert not twice, twice
    assert set(where) == set(rules.ALL_RULES)


def test_every_emitted_code_is_declared():
    declared = set(rules.ALL_RULES)
    undeclared = {name: sorted(emitted - declared) for name, (_, emitted) in modules().items() if emitted - declared}
    assert not undeclared, f"codes emitted but declared nowhere: {undeclared}"


def test_every_rule_is_declared_beside_a_check_that_emits_it():
    # The declaring module itself emits the code: the rule sits next to its check, not in a distant list.
    lonely = {name: sorted(declared - emitted) for name, (declared, emitted) in modules().items() if declared - emitted}
    assert not lonely, f"declared where nothing emits them: {lonely}"


def test_the_collector_lists_exactly_the_declaring_modules():
    declaring = {name for name, (declared, _) in modules().items() if declared}
    collected = {module.__name__ for module in rules.DECLARING_MODULES}
    assert collected == declaring, (declaring - collected, collected - declaring)


def test_the_table_of_codes_is_sorted_by_family_then_number():
    # GATE-CODES.md once listed META011 before META010; editors look codes up by eye.
    listed = re.findall(r"(?m)^\| ([A-Z]+)(\d+) \|", (ROOT / "GATE-CODES.md").read_text(encoding="utf-8"))
    assert len(listed) == len(rules.ALL_RULES)
    assert listed == sorted(listed, key=lambda code: (code[0], int(code[1])))
    examples = re.findall(r"(?m)^### ([A-Z]+\d+)$", (ROOT / "GATE-CODES.md").read_text(encoding="utf-8"))
    assert examples == ["".join(code) for code in listed]  # every code has its example, in the same order
