"""Load gate.yml: the tunable rules and their explained exceptions."""

from __future__ import annotations

import re
from pathlib import Path

from .. import yamlsource
from ..diagnostics import Diagnostic, DiagnosticError

DEFAULTS = {
    "warnings_fatal": False,
    "image_max_kb": 200,
    "http_allowed": [],
    "number_citation_page_types": ["condition", "treatment", "clinic", "guide"],
    "words_to_avoid": [],
    "verification_max_age_days": 180,
    "first_load_kb": 64,
}


def _compile(pattern, path: str, line: int, problems: list):
    try:
        return re.compile(str(pattern), re.I)
    except re.error as exc:
        problems.append(Diagnostic("GATE003", f"invalid regular expression {pattern!r}: {exc}", path, line))
        return None


def load_config(full: Path, rel: str) -> tuple[dict, list[Diagnostic]]:
    """Return (config, problems). A missing file means the defaults."""
    config = dict(DEFAULTS)
    problems: list[Diagnostic] = []
    if not full.exists():
        return config, problems
    try:
        node = yamlsource.compose(full.read_text(encoding="utf-8"), rel, code="GATE003")
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
    for item in config.get("words_to_avoid") or []:
        line = lines.get("words_to_avoid")
        if not isinstance(item, dict) or "pattern" not in item:
            problems.append(Diagnostic("GATE003", "each words_to_avoid item needs a 'pattern'", rel, line))
            continue
        allow = []
        for a in item.get("allow") or []:
            if not isinstance(a, dict) or not a.get("why"):
                problems.append(Diagnostic("GATE003", f"an allowed phrase for {item['pattern']!r} has no 'why'", rel, line,
                                           hint="every exception says why it is acceptable"))
                continue
            compiled = _compile(a.get("pattern", ""), rel, line, problems)
            if compiled:
                allow.append((compiled, a["why"]))
        compiled = _compile(item["pattern"], rel, line, problems)
        if compiled:
            words.append((compiled, allow))
    config["words_to_avoid"] = words
    config["http_allowed"] = {
        str(a.get("url")): str(a.get("why") or "") for a in (config.get("http_allowed") or []) if isinstance(a, dict)
    }
    for url, why in config["http_allowed"].items():
        if not why:
            problems.append(Diagnostic("GATE003", f"http_allowed entry {url!r} has no 'why'", rel, lines.get("http_allowed")))
    return config, problems
