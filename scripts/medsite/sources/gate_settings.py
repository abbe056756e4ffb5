"""Load gate.yml: the tunable rules and their explained exceptions."""

from __future__ import annotations

from pathlib import Path

import re2
import yaml

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare
from medsite.core.wording import Family
from medsite.sources import currency_settings, required_parts, safe_exceptions, yamlsource
from medsite.sources.limits import Limits
from medsite.sources.pagemeta import REVIEW_MONTHS
from medsite.sources.settings import GATE_DEFAULTS

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("GATE003", ERROR,
         what="The gate configuration (gate.yml) or mkdocs.yml is invalid.",
         why="Checks cannot run as intended.",
         fix="Fix the file at the line shown.",
         where="gate.yml",
         bad="""\
http_allowed:
  - url: http://journal.example/lee2022""",
         good="""\
http_allowed:
  - url: http://journal.example/lee2022
    why: the journal's verified record gives only this address."""),
)

DEFAULTS = GATE_DEFAULTS
# Whole-number settings: anything else is reported and the default used, so no check meets a string.
COUNTS = ("image_max_kb", "verification_max_age_days")


class HttpAllowed(dict):
    """gate.yml's http_allowed (url -> why), remembering which addresses it was asked about,
    so that an entry that allowed nothing can be reported (GATE002)."""

    def __init__(self, *args, line: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.used: set[str] = set()

    def __contains__(self, url) -> bool:
        found = super().__contains__(url)
        if found:
            self.used.add(url)
        return found


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a bad pattern is one GATE003 line, not RE2's log on stderr
    return options


_RE2 = _re2_options()


def _compile(pattern, path: str, line: int, problems: list):
    """A pattern from gate.yml, compiled by RE2: matching takes time linear in the text, whatever the
    pattern (Python's `re` backtracks: `(a+)+$` on a line of 40 a's and a b never ends). RE2 has no
    backreferences or lookaround; a pattern that uses them is refused. Its \\b and \\w are ASCII."""
    try:
        return re2.compile(str(pattern), _RE2)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        problems.append(Diagnostic("GATE003", f"invalid regular expression {pattern!r}: {reason}", path, line,
                                   hint="write it without backreferences (\\1) or lookaround ((?=, (?!, (?<=); "
                                        "gate.yml patterns run on RE2, which always finishes in linear time"))
        return None


def _as_list(value) -> list:
    """A list setting; an empty value is an empty list, anything else is one (bad) entry to report."""
    return value if isinstance(value, list) else [] if value is None else [value]


def _family(item, rel: str, line, problems: list) -> Family | None:
    """One words_to_avoid item: `words` (a word family, matched by stem) and/or `pattern`, with explained `allow` phrases."""
    if not isinstance(item, dict) or not (item.get("words") or item.get("pattern")):
        problems.append(Diagnostic("GATE003", "each words_to_avoid item needs 'words' (a list) or a 'pattern'", rel, line))
        return None
    words = item.get("words") or []
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        problems.append(Diagnostic("GATE003", f"'words' must be a list of words or phrases, not {words!r}", rel, line))
        return None
    label = words[0] if words else item["pattern"]
    allow = []
    for a in item.get("allow") or []:
        if not isinstance(a, dict) or not a.get("why"):
            problems.append(Diagnostic("GATE003", f"an allowed phrase for {label!r} has no 'why'", rel, line,
                                       hint="every exception says why it is acceptable"))
            continue
        compiled = _compile(a.get("pattern", ""), rel, line, problems)
        if compiled:
            allow.append((compiled, a["why"]))
    patterns = []
    if item.get("pattern"):
        compiled = _compile(item["pattern"], rel, line, problems)
        if not compiled:
            return None
        patterns.append(compiled)
    family = Family.build(words, patterns, allow)
    family.standing = {n for n, a in enumerate(a for a in item.get("allow") or [] if isinstance(a, dict) and a.get("why"))
                       if a.get("standing") is True}
    return family


def _item_lines(node, key: str) -> list[int]:
    """The line of each item of the list under `key` in the top-level mapping."""
    for k, value in getattr(node, "value", []) if isinstance(node, yaml.MappingNode) else []:
        if getattr(k, "value", None) == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def load_config(full: Path, rel: str) -> tuple[dict, list[Diagnostic]]:
    """Return (config, problems). A missing file means the defaults."""
    config = dict(DEFAULTS, limits=Limits(), currency=currency_settings.Currency())
    problems: list[Diagnostic] = []
    if not full.exists():
        return config, problems
    try:
        node = yamlsource.compose(full.read_text(encoding="utf-8-sig"), rel, code="GATE003")
        data = yamlsource.construct(node, rel, code="GATE003") if node is not None else {}
    except DiagnosticError as exc:
        return config, exc.diagnostics
    except (OSError, UnicodeDecodeError) as exc:
        return config, [Diagnostic("GATE003", f"cannot read the gate configuration: {exc}", rel)]
    if not isinstance(data, dict):
        return config, [Diagnostic("GATE003", "the gate configuration must be a mapping of settings", rel, 1)]
    lines = yamlsource.key_lines(node)
    for key, value in data.items():
        if key not in DEFAULTS:
            problems.append(Diagnostic("GATE003", f"unknown setting '{key}'", rel, lines.get(key), hint=f"use one of {', '.join(DEFAULTS)}"))
        else:
            config[key] = value
    words = []
    item_lines = _item_lines(node, "words_to_avoid")
    for n, item in enumerate(config.get("words_to_avoid") or []):
        line = item_lines[n] if n < len(item_lines) else lines.get("words_to_avoid")
        family = _family(item, rel, line, problems)
        if family:
            family.line = line
            words.append(family)
    config["words_to_avoid"] = words
    for key in COUNTS:
        value = config.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(Diagnostic("GATE003", f"{key} must be a whole number of 0 or more, not {value!r}", rel,
                                       lines.get(key), hint=f"write, for example, {key}: {DEFAULTS[key]}"))
            config[key] = DEFAULTS[key]
    grade = config.get("readability_max_grade")
    if isinstance(grade, bool) or not isinstance(grade, (int, float)):
        problems.append(Diagnostic("GATE003", f"readability_max_grade must be a number, not {grade!r}", rel, lines.get("readability_max_grade")))
        config["readability_max_grade"] = DEFAULTS["readability_max_grade"]
    types = config.get("review_changed_error_page_types")
    if not isinstance(types, list) or not all(isinstance(t, str) and t in REVIEW_MONTHS for t in types):
        problems.append(Diagnostic("GATE003", f"review_changed_error_page_types must list page types, not {types!r}", rel,
                                   lines.get("review_changed_error_page_types"),
                                   hint=f"use some of: {', '.join(REVIEW_MONTHS)}"))
        config["review_changed_error_page_types"] = [t for t in _as_list(types) if t in REVIEW_MONTHS]
    config["limits"], limit_problems = Limits.from_settings(data.get("limits"))
    problems += [Diagnostic("GATE003", p, rel, lines.get("limits")) for p in limit_problems]
    config["http_allowed"] = HttpAllowed(
        {str(a.get("url")): str(a.get("why") or "") for a in _as_list(config.get("http_allowed")) if isinstance(a, dict)},
        line=lines.get("http_allowed"))
    config["safe_exceptions"], safe_problems = safe_exceptions.parse(
        _as_list(config.get("safe_exceptions")), rel, lines.get("safe_exceptions"))
    problems.extend(safe_problems)
    config["currency"], currency_problems = currency_settings.parse(data.get("currency"), rel, lines.get("currency"), _compile)
    problems.extend(currency_problems)
    config["required_parts"], part_problems = required_parts.parse(
        config.get("required_parts"), node, rel, lines.get("required_parts"))
    problems.extend(part_problems)
    for url, why in config["http_allowed"].items():
        if not why:
            problems.append(Diagnostic("GATE003", f"http_allowed entry {url!r} has no 'why'", rel, lines.get("http_allowed")))
    return config, problems
