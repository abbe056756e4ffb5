"""Code health: every code is declared once, beside a check that emits it, and every declared code is emitted.

An AST scan of scripts/medsite: a code is *declared* by `Rule("CODE", ...)` in a module's
`RULES = declare(...)`, and *emitted* by any other string that is exactly a code
(`Diagnostic("CODE", ...)`, `_diag("CODE", ...)`, `code = "CODE"`...). The scan is compared with what
the registry (medsite.core.rule) and the gate's discovery of its checks find when the modules run.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from medsite.core.rule import declaring_modules
from medsite.gate import checks, rules
from medsite.gate.checks import exceptions
from medsite.tools.gate_codes import every_rule

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
    assert set(where) == set(every_rule())


def test_every_emitted_code_is_declared():
    declared = set(every_rule())
    undeclared = {name: sorted(emitted - declared) for name, (_, emitted) in modules().items() if emitted - declared}
    assert not undeclared, f"codes emitted but declared nowhere: {undeclared}"


def test_every_rule_is_declared_beside_a_check_that_emits_it():
    # The declaring module itself emits the code: the rule sits next to its check, not in a distant list.
    lonely = {name: sorted(declared - emitted) for name, (declared, emitted) in modules().items() if declared - emitted}
    assert not lonely, f"declared where nothing emits them: {lonely}"


def test_discovery_finds_exactly_the_declaring_modules():
    # Nobody lists the modules that declare rules: importing the package registers them all, each code
    # under the module whose source declares it.
    every_rule()
    scanned = {code: name for name, (declared, _) in modules().items() for code in declared}
    assert declaring_modules() == scanned, set(declaring_modules().items()) ^ set(scanned.items())


# What the offline gate knows, in a process of its own: nothing else imported, and no tool.
GATE_PROBE = """
import json, sys
from medsite.gate import rules
print(json.dumps({"codes": sorted(rules.ALL_RULES),
                  "loaded": sorted(m for m in sys.modules if m.startswith(("medsite.tools", "medsite.verify")))}))
"""


def test_the_gate_knows_every_code_it_and_make_site_print():
    # Severity and fix come from the registry: a code printed by the gate, a stage below it or `make site`,
    # whose rule the gate has not loaded, would lose both.
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    result = subprocess.run([sys.executable, "-c", GATE_PROBE], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["loaded"] == []
    # Every module but the tools (above the gate) and verify (online), and `make site` itself.
    printed = {name: emitted for name, (_, emitted) in modules().items()
               if not name.startswith(("medsite.tools.", "medsite.verify.")) or name == "medsite.tools.make_site"}
    unknown = {name: sorted(emitted - set(report["codes"])) for name, emitted in printed.items()
               if emitted - set(report["codes"])}
    assert not unknown, unknown
    assert len(report["codes"]) > 80  # the probe really read the registry


def marked_checks(package_dir: Path) -> dict[str, set[str]]:
    """Functions decorated with @gate_check, by module, as the source says."""
    found = {}
    for path in package_dir.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[path.stem] = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                            and any(getattr(getattr(d, "func", d), "id", None) == "gate_check" for d in node.decorator_list)}
    return found


def test_the_gate_runs_every_marked_check_once():
    in_source = {(module, name) for module, names in marked_checks(PACKAGE / "gate" / "checks").items() for name in names}
    run = [(f.__module__.rpartition(".")[2], f.__name__) for f in checks.SOURCE_CHECKS + checks.SITE_CHECKS]
    assert sorted(run) == sorted(in_source)
    assert len(in_source) >= 20


def test_every_check_module_that_reports_codes_marks_its_checks():
    # A check the gate does not run because its decorator was forgotten would report nothing, silently.
    marked = marked_checks(PACKAGE / "gate" / "checks")
    unmarked = [name for name, (_, emitted) in modules().items()
                if name.startswith("medsite.gate.checks.") and emitted and not marked[name.rpartition(".")[2]]]
    assert not unmarked


def test_the_unused_exceptions_are_reported_after_every_other_check():
    # exceptions.py reports the gate.yml exceptions that no other check used: it must see them all used first.
    assert checks.SITE_CHECKS[-1] is exceptions.check
    assert exceptions.check not in checks.SITE_CHECKS[:-1]


FAKE_CHECKS = {
    "__init__.py": "",
    "early.py": """
        from medsite.core.rule import SITE, SOURCE, gate_check

        @gate_check(stage=SITE, after_all=True)
        def last(project):
            yield from ()

        @gate_check(stage=SOURCE)
        def first(project):
            yield from ()

        def helper(project):
            yield from ()
        """,
    "later.py": """
        from medsite.core.rule import SITE, SOURCE, gate_check
        from fakechecks.early import first

        @gate_check(stage=SITE)
        def site_one(project):
            yield from ()

        @gate_check(stage=SOURCE)
        def second(project):
            yield from ()
        """,
}


def test_discovery_finds_marked_checks_in_order_and_once(tmp_path, monkeypatch):
    # Module order, then line order; `after_all` last; a check imported into another module counted once.
    for name, source in FAKE_CHECKS.items():
        (tmp_path / "fakechecks").mkdir(exist_ok=True)
        (tmp_path / "fakechecks" / name).write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = checks.discover("fakechecks")
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "fakechecks"]:
            del sys.modules[name]
    assert [f.__name__ for f in found["source"]] == ["first", "second"]
    assert [f.__name__ for f in found["site"]] == ["site_one", "last"]


def test_the_table_of_codes_is_sorted_by_family_then_number():
    # GATE-CODES.md once listed META011 before META010; editors look codes up by eye.
    listed = re.findall(r"(?m)^\| ([A-Z]+)(\d+) \|", (ROOT / "GATE-CODES.md").read_text(encoding="utf-8"))
    assert len(listed) == len(rules.ALL_RULES)
    assert listed == sorted(listed, key=lambda code: (code[0], int(code[1])))
    examples = re.findall(r"(?m)^### ([A-Z]+\d+)$", (ROOT / "GATE-CODES.md").read_text(encoding="utf-8"))
    assert examples == ["".join(code) for code in listed]  # every code has its example, in the same order
