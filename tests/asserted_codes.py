"""Which diagnostic codes the tests assert: read from the tests' syntax trees, not their text.

A code counts when it reaches an `assert` (or a helper named assert*/fail*) inside a function:
written in the assertion itself, or carried there by names: a variable assigned from an expression
holding it, a `pytest.mark.parametrize` value, a module-level table of cases. A code merely named in
a docstring, a comment, a table no assertion reads, or an assertion's message does not count.
"""

from __future__ import annotations

import ast
import re

CODE = re.compile(r"\b[A-Z]{2,6}\d{3}\b")


def _codes(node: ast.AST) -> set[str]:
    return {code for sub in ast.walk(node) if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
            for code in CODE.findall(sub.value)}


def _names(node: ast.AST) -> set[str]:
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}


def _carried(node: ast.AST, taint: dict[str, set[str]]) -> set[str]:
    return _codes(node).union(*(taint.get(name, set()) for name in _names(node)))


def _assignments(nodes) -> list[tuple[ast.AST, ast.AST]]:
    pairs = []
    for node in nodes:
        if isinstance(node, ast.Assign):
            pairs += [(target, node.value) for target in node.targets]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            pairs.append((node.target, node.value))
        elif isinstance(node, (ast.For, ast.comprehension)):
            pairs.append((node.target, node.iter))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            pairs.append((node.optional_vars, node.context_expr))
    return pairs


def _flow(nodes, taint: dict[str, set[str]]) -> dict[str, set[str]]:
    """The codes each assigned name carries, through other names, to a fixed point."""
    pairs = _assignments(nodes)
    changed = True
    while changed:
        changed = False
        for target, value in pairs:
            carried = _carried(value, taint)
            for name in _names(target):
                if not carried <= taint.get(name, set()):
                    taint[name] = taint.get(name, set()) | carried
                    changed = True
    return taint


def _parametrized(func: ast.FunctionDef, taint: dict[str, set[str]]) -> dict[str, set[str]]:
    for decorator in func.decorator_list:
        if (isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("parametrize")
                and len(decorator.args) >= 2):
            first = decorator.args[0]
            names = ([n.strip() for n in first.value.split(",")] if isinstance(first, ast.Constant)
                     else [e.value for e in getattr(first, "elts", ()) if isinstance(e, ast.Constant)])
            for name in names:
                taint[name] = taint.get(name, set()) | _carried(decorator.args[1], taint)
    return taint


def asserted_codes(source: str) -> set[str]:
    tree = ast.parse(source)
    top = [node for stmt in tree.body if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
           for node in ast.walk(stmt)]
    module = _flow(top, {})
    found: set[str] = set()
    for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        taint = _flow(list(ast.walk(func)), _parametrized(func, dict(module)))
        for node in ast.walk(func):
            if isinstance(node, ast.Assert):
                checked = [node.test]
            elif isinstance(node, ast.Call) and ast.unparse(node.func).rsplit(".", 1)[-1].startswith(("assert", "fail")):
                checked = [*node.args, *(keyword.value for keyword in node.keywords)]
            else:
                continue
            for part in checked:
                found |= _carried(part, taint)
    return found
