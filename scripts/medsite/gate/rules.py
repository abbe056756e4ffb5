"""Every code's rule, looked up by the gate: severity is set once, by the rule, for every diagnostic.

Each module that emits codes declares its rules beside its check (`RULES = declare(...)`, see
medsite.core.rule), which registers them when the module is imported. The first look-up imports
every module of the gate and of the stages below it, so the registry holds every code the gate and
`make site` print, including those one module reports on another's behalf (GATE003 from the settings,
LNK001 from the engine's log) and those declared in a module imported only when needed. Not the
tools' codes (the tools sit above the gate, and import their own modules), nor verify's (online: the
offline gate imports no network code). GATE-CODES.md (`make codes`, medsite.tools.gate_codes) imports
the whole package, to list every rule.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Mapping
from dataclasses import replace

import medsite
from medsite.core.diagnostics import Severity
from medsite.core.rule import DECLARED, Rule, load_package

# Above the gate, or online: see the docstring.
NOT_LOADED = ("medsite.tools", "medsite.verify")



class _GateRules(Mapping):
    """The registry, once the gate's modules and those below it are imported: on first use, since importing
    them while this module is being imported would run into the gate's own imports of it."""

    loaded = False

    def _rules(self) -> Mapping[str, Rule]:
        if not self.loaded:
            self.loaded = True
            for stage in pkgutil.iter_modules(medsite.__path__, "medsite."):
                if stage.ispkg and stage.name not in NOT_LOADED:
                    load_package(stage.name)
        return DECLARED

    def __getitem__(self, code: str) -> Rule:
        return self._rules()[code]

    def __iter__(self):
        return iter(self._rules())

    def __len__(self) -> int:
        return len(self._rules())


# Every rule of the gate and the stages below it (and of any other module imported), by code.
ALL_RULES: Mapping[str, Rule] = _GateRules()


def severity(code: str) -> Severity:
    rule = ALL_RULES.get(code)
    return rule.severity if rule else Severity.ERROR


def fix_text(code: str) -> str | None:
    """How to fix a code, as its rule says."""
    rule = ALL_RULES.get(code)
    return rule.fix if rule else None


def with_fix(diagnostic):
    """The diagnostic as its rule says: the rule's severity (set once, in the rule, for every check),
    and the rule's fix when the check gave no more specific one."""
    rule = ALL_RULES.get(diagnostic.code)
    if rule is None:
        return diagnostic
    return replace(diagnostic, severity=rule.severity, hint=diagnostic.hint or rule.fix)


if __name__ == "__main__":
    # `python -m medsite.gate.rules > GATE-CODES.md` is an older spelling of `make codes`: keep it working.
    import runpy

    runpy.run_module("medsite.tools.gate_codes", run_name="__main__")
