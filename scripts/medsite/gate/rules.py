"""Every code's rule, collected from the modules that report it.

Each module that emits codes declares its rules beside its check (`RULES = declare(...)`,
see medsite.core.rule); this module only gathers them, and applies them: severity is set once,
by the rule, for every diagnostic. GATE-CODES.md (`make codes`, medsite.tools.gate_codes) is rendered
from the same rules. Nothing here may import network code: the offline gate imports this.
"""

from __future__ import annotations

from dataclasses import replace

from medsite.build import build_lock, engine_log, engines, publish
from medsite.core.diagnostics import Severity
from medsite.core.rule import Rule, registry
from medsite.gate import guard, markup_check, staleness, suppress
from medsite.gate.checks import (
    anchors,
    budget,
    evidence,
    footnotes,
    images,
    links,
    meta,
    output,
    output_safety,
    provenance,
    readability,
    references,
    relative,
    safety,
)
from medsite.lock import lockcheck
from medsite.markdown import citations, citeformat
from medsite.output import csp_step, search_index
from medsite.sources import bibliography, csl_shape, frontmatter, gate_settings, limits, offer_facts, yamlsource
from medsite.tools import newpage, workflowcheck

# The modules that declare rules; a module that starts emitting a code adds itself here
# (tests/test_codehealth_rules.py fails otherwise).
DECLARING_MODULES = (
    bibliography, build_lock, engine_log, citations, citeformat, csp_step, csl_shape, engines.base, frontmatter, limits,
    newpage, offer_facts, publish, search_index, workflowcheck, yamlsource, lockcheck,
    gate_settings, guard, markup_check, staleness, suppress,
    anchors, budget, evidence, footnotes, images, links, meta, output, output_safety, provenance, readability,
    references, relative, safety,
)

ALL_RULES: dict[str, Rule] = registry(rule for module in DECLARING_MODULES for rule in module.RULES.values())


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
