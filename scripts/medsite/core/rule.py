"""The one shape of a rule, for the gate's codes and the online verification's alike.

A rule says, once, what a code reports, why it matters, how to fix it, how serious it is,
and shows it: a `bad` example that is reported and a `good` one (the fix applied) that passes.
Each module that reports codes declares its rules beside its check, as a Python literal:

    RULES = declare(
        Rule("FN001", ERROR, what=..., why=..., fix=..., bad="A note[^n1].", good=...),
    )

Plain `Rule(...)` calls rather than a YAML or TOML block: they are checked when the module is
imported (a misspelt field is an error there, not a silently missing example), they need no
parser, and a search for the code finds the check and its documentation in the same file.

`declare` also registers the rules here, when their module is imported: nobody keeps a list of the
modules that declare rules. A code is printed only by a module that has been imported, so the registry
knows every code a running command can print (medsite.gate.rules looks severities and fixes up in it);
GATE-CODES.md imports every module first (`load_package`), to list them all.

The gate's checks mark themselves the same way, with `@gate_check(stage=...)`; medsite.gate.checks
imports each of its modules and runs what is marked.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass
from types import MappingProxyType

from medsite.core.diagnostics import Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# Where an example belongs, when it is not a line of a page's Markdown body (the default, "").
PAGE_BODY = ""
FRONT_MATTER = "front matter"  # keys of a page's front matter, merged into a valid one
SITUATION = "situation"  # not an input: what happened, and the message it gives


@dataclass(frozen=True)
class Rule:
    """A code the project reports: its severity, what, why and how to fix it, and an example that breaks it and one that passes."""

    code: str
    severity: Severity
    what: str  # what it reports
    why: str  # why it matters
    fix: str  # how to fix it, in plain words
    # `bad` is reported, `good` (the fix applied) passes; both in the language of `where`:
    # PAGE_BODY (Markdown lines in a page), FRONT_MATTER (keys merged into a valid page's front matter),
    # a file of the project (docs/page.md: a whole page; docs/references.yaml: an entry; gate.yml, mkdocs.yml,
    # data/clinic-offer.yaml: keys merged into the file; verification.lock.json: its items;
    # docs/assets/...: a file published as it is), the built site (site/page/index.html: a page's article),
    # what a command reads or is given ("MkDocs build log", "make new-page"), or SITUATION (not an input).
    # tests/test_rule_examples.py puts each where it belongs and runs the checks; GATE-CODES.md shows them.
    bad: str = ""
    good: str = ""
    where: str = PAGE_BODY


def registry(rules) -> dict[str, Rule]:
    """Rules by code; a code declared twice is a programming error, caught at import."""
    out: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in out:
            raise ValueError(f"rule {rule.code} is declared twice")
        out[rule.code] = rule
    return out


_DECLARED: dict[str, Rule] = {}
_DECLARED_IN: dict[str, str] = {}  # code -> the module that declares it
# Every rule declared so far in this process, by code: a live, read-only view.
DECLARED = MappingProxyType(_DECLARED)


def declare(*rules: Rule) -> dict[str, Rule]:
    """A module's own rules, by code; registered, when the module is imported, for everyone to look up."""
    own = registry(rules)
    module = _module_name(sys._getframe(1).f_globals)
    for code, rule in own.items():
        elsewhere = _DECLARED_IN.get(code, module)
        if elsewhere != module:
            raise ValueError(f"rule {code} is declared twice: in {elsewhere} and in {module}")
        _DECLARED[code] = rule  # a module imported again (a reload) declares the same codes again
        _DECLARED_IN[code] = module
    return own


def _module_name(module_globals: dict) -> str:
    # A module run with `python -m` is `__main__`, but its spec keeps its real name: it is the same module.
    spec = module_globals.get("__spec__")
    return spec.name if spec is not None else module_globals["__name__"]


def declaring_modules() -> dict[str, str]:
    """Which module declared each code registered so far."""
    return dict(_DECLARED_IN)


def load_package(package: str) -> list[str]:
    """Import every module of a package and its subpackages (not `__main__`, which runs a command), so
    that their rules and checks are registered; the modules' names, in order."""
    root = importlib.import_module(package)
    names = [package] + [found.name for found in pkgutil.walk_packages(root.__path__, package + ".")
                         if found.name.rpartition(".")[2] != "__main__"]
    for name in names:
        importlib.import_module(name)
    return names


# The gate's two stages: the sources (pages, bibliography, settings), then the built site.
SOURCE, SITE = "source", "site"


@dataclass(frozen=True)
class CheckMark:
    """Where a check of the gate runs: its stage, and whether after every other check of that stage."""

    stage: str  # SOURCE or SITE
    after_all: bool = False  # runs after every other check of its stage (it reads what they used)


def gate_check(*, stage: str, after_all: bool = False):
    """Mark a function `check(project) -> Iterable[Diagnostic]` as one the gate runs at `stage`.

    Named apart from the modules' `check` functions, which would otherwise hide it."""
    if stage not in (SOURCE, SITE):
        raise ValueError(f"a check's stage is {SOURCE!r} or {SITE!r}, not {stage!r}")

    def mark(function):
        function.check_mark = CheckMark(stage, after_all)
        return function

    return mark


# The bibliography entry that rules' examples start from (where: docs/references.yaml), field by field
# as an editor writes it: an example changes only what its rule is about, so readers see the difference.
_EXAMPLE_ENTRY = {
    "id": "example",
    "type": "article-journal",
    "author": "[{family: Lee, given: K}]",
    "title": "A trial in MS",
    "container-title": "J Neurol",
    "issued": "{date-parts: [[2022]]}",
    "DOI": "10.1000/example",
    "findings": "\n    - 'Relapsed within 2 years: 27% on the medicine, 46% on placebo.'",
}


def example_entry(**changes: str | None) -> str:
    """The example entry as YAML, with fields changed (`container_title` for container-title), left out
    (None) or added (after the others)."""
    fields = dict(_EXAMPLE_ENTRY)
    for name, value in changes.items():
        fields[name.replace("_", "-")] = value
    lines = [f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}" for key, value in fields.items() if value is not None]
    return "- " + "\n  ".join(lines)
