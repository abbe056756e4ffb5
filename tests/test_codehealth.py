"""Code health: stages import only the stages below them (import-linter), the import graph has no cycles, the
offline gate imports no network code, ruff is clean."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
NETWORK_MODULES = ("requests", "urllib3", "medsite.verify.client")


def module_names() -> dict[str, tuple[Path, bool]]:
    """Every module of the medsite package: dotted name -> (file, is a package)."""
    found = {}
    for path in (SCRIPTS / "medsite").rglob("*.py"):
        parts = list(path.relative_to(SCRIPTS).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def import_graph() -> dict[str, set[str]]:
    """Which medsite modules each medsite module imports, anywhere in its body (lazy imports count too)."""
    modules = module_names()
    graph = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    deps.add(sub if sub in modules else target)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), i.e. the import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(graph[node]):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle():
    # The finder itself must be able to fail: a -> b -> c -> a is one cycle, d stands alone.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_graph_sees_relative_and_lazy_imports():
    graph = import_graph()
    # gate/run.py: `from .checks import ...` at module level.
    assert "medsite.gate.checks" in graph["medsite.gate.run"]
    # verify/runner.py imports the online DOI check relatively.
    assert "medsite.verify.doi" in graph["medsite.verify.runner"]


def test_medsite_has_no_import_cycle():
    assert cycles(import_graph()) == []


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).with_name("lint-imports")
    assert binary.exists(), "import-linter is pinned in requirements.txt; run `make test` to install it"
    return subprocess.run([str(binary), "--no-cache", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_stages_import_only_the_stages_below_them():
    """The written contract, [tool.importlinter] in pyproject.toml: tools > gate | verify > output > build | lock >
    markdown > sources > core. A package-level cycle between stages breaks it too."""
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_import_contract_can_fail(tmp_path):
    # The same tool, told that core sits on top, must find the imports that run the other way.
    config = tmp_path / "upside-down.toml"
    config.write_text('[tool.importlinter]\nroot_package = "medsite"\n[[tool.importlinter.contracts]]\n'
                      'name = "upside down"\ntype = "layers"\nlayers = ["medsite.core", "medsite.gate"]\n')
    result = lint_imports("--config", str(config))
    assert result.returncode == 1
    assert "medsite.gate is not allowed to import medsite.core" in result.stdout, result.stdout


PROBE = """
import json, sys
from pathlib import Path
import medsite.gate
from medsite.gate.project import Project
from medsite.gate.run import run
import datetime as dt
root = Path(sys.argv[1])
project = Project(root, None, today=dt.date(2026, 1, 1))
diagnostics = run(project, source_only=True)
print(json.dumps({"crashed": [d.message for d in diagnostics if d.code == "GATE004"],
                  "loaded": sorted(m for m in sys.modules if m.split('.')[0] in ('requests', 'urllib3')
                                   or m == 'medsite.verify.client')}))
"""


def test_offline_gate_imports_no_network_code():
    """Importing the gate and running every source check (lock file included) loads no HTTP client."""
    env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    result = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["crashed"] == [], "every source check ran to its end"
    assert report["loaded"] == []


def test_network_probe_can_fail():
    # The same probe notices the HTTP client when something does import it.
    env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    code = f"import sys, medsite.verify.runner; print(sorted(m for m in sys.modules if m in {NETWORK_MODULES!r}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "medsite.verify.client" in result.stdout and "requests" in result.stdout


def ruff() -> str | None:
    beside = Path(sys.executable).with_name("ruff")
    return str(beside) if beside.exists() else shutil.which("ruff")


def test_ruff_is_clean():
    """The linter CI runs (pinned in requirements.txt): rules and paths are in pyproject.toml's [tool.ruff]."""
    assert ruff(), "ruff is pinned in requirements.txt; run `make test` to install it"
    result = subprocess.run([ruff(), "check", "--no-cache", "scripts", "tests"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
