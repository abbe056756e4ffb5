"""gate.yml's `currency:` block (CUR001-CUR005): what makes a sentence time-sensitive, what makes it
history, how recent its source must be, and how early a review due soon is announced."""

from __future__ import annotations

from dataclasses import dataclass, field

from medsite.core.diagnostics import Diagnostic

DEFAULTS = {
    "window_months": 24,
    "review_due_warning_days": 30,
    "page_types": ["condition", "treatment", "clinic", "guide"],
    "time_sensitive": [],
    "history": [],
    "dated": [],
}


@dataclass
class Currency:
    """gate.yml's `currency:` block: how recent a time-sensitive sentence's source must be, and the wording that marks one."""

    window_months: int = DEFAULTS["window_months"]
    review_due_warning_days: int = DEFAULTS["review_due_warning_days"]
    page_types: frozenset = frozenset(DEFAULTS["page_types"])
    time_sensitive: list = field(default_factory=list)  # [(compiled RE2 pattern, why)]
    history: list = field(default_factory=list)  # [(compiled RE2 pattern, why)]
    dated: list = field(default_factory=list)  # [(compiled RE2 pattern, why)]: wording that dates a sentence
    line: int | None = None  # where the block starts in gate.yml

    def trigger(self, text: str) -> str | None:
        """The first time-sensitive wording in `text`, as written, or None."""
        for pattern, _ in self.time_sensitive:
            m = pattern.search(text)
            if m:
                return m.group(0)
        return None

    def is_history(self, text: str) -> bool:
        return any(pattern.search(text) for pattern, _ in self.history)

    def is_dated(self, text: str) -> bool:
        return any(pattern.search(text) for pattern, _ in self.dated)


def parse(value, rel: str, line: int | None, compile_pattern) -> tuple[Currency, list[Diagnostic]]:
    """The block as read from gate.yml (None: the defaults, with no patterns); `compile_pattern(pattern, rel,
    line, problems)` is gate.yml's one RE2 compiler (medsite.sources.gate_settings)."""
    problems: list[Diagnostic] = []
    if value is None:
        return Currency(line=line), problems
    if not isinstance(value, dict):
        return Currency(line=line), [
            Diagnostic(
                "GATE003",
                "currency must be a group of settings",
                rel,
                line,
                hint="see the currency: block in the project's gate.yml",
            )
        ]
    out = Currency(line=line)
    for key in value:
        if key not in DEFAULTS:
            problems.append(
                Diagnostic(
                    "GATE003", f"unknown currency setting '{key}'", rel, line, hint=f"use one of {', '.join(DEFAULTS)}"
                )
            )
    for key in ("window_months", "review_due_warning_days"):
        number = value.get(key, DEFAULTS[key])
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            problems.append(
                Diagnostic(
                    "GATE003",
                    f"currency.{key} must be a whole number of 0 or more, not {number!r}",
                    rel,
                    line,
                    hint=f"write, for example, {key}: {DEFAULTS[key]}",
                )
            )
        else:
            setattr(out, key, number)
    types = value.get("page_types", DEFAULTS["page_types"])
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        problems.append(
            Diagnostic("GATE003", f"currency.page_types must be a list of page types, not {types!r}", rel, line)
        )
    else:
        out.page_types = frozenset(types)
    for key in ("time_sensitive", "history", "dated"):
        items = value.get(key) or []
        for item in items if isinstance(items, list) else [items]:
            if not isinstance(item, dict) or not item.get("pattern") or not item.get("why"):
                problems.append(
                    Diagnostic(
                        "GATE003",
                        f"each currency.{key} item needs a 'pattern' and a 'why'",
                        rel,
                        line,
                        hint="write - pattern: '\\bapproved\\b' with why: on the next line",
                    )
                )
                continue
            compiled = compile_pattern(item["pattern"], rel, line, problems)
            if compiled:
                getattr(out, key).append((compiled, str(item["why"])))
    return out, problems
