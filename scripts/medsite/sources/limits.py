"""Largest inputs the build accepts from editors, so a huge file fails fast with a clear message.

The defaults live here, once; gate.yml's `limits:` may change them. Each limit
sits far above anything a real page or reference needs (the largest page is
about 15 kB, the largest reference 1.5 kB, the longest front matter value 0.5 kB),
and far below what would make the build slow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("INPUT002", ERROR,
         what="A page, a front matter value, the bibliography or one of its entries is larger than its limit in gate.yml (limits:).",
         why="Huge input makes every build slow for everyone; it is almost always a paste gone wrong.",
         fix="Shorten or split it; if it really must be that large, raise the limit in gate.yml.",
         where="gate.yml",
         bad="""\
limits:
  bibliography_entry_chars: 100""",
         good="""\
limits:
  bibliography_entry_chars: 10000"""),
)

CODE = "INPUT002"


@dataclass(frozen=True)
class Limits:
    page_kb: int = 512  # one Markdown page, front matter included
    front_matter_value_chars: int = 2_000  # one front matter value as written (a title, the sources list)
    bibliography_kb: int = 2_048  # the whole bibliography file
    bibliography_entry_chars: int = 10_000  # one bibliography entry as written

    @classmethod
    def from_settings(cls, settings) -> tuple[Limits, list[str]]:
        """Limits from gate.yml's `limits:` mapping; returns (limits, problems in words)."""
        if not isinstance(settings, dict):
            return cls(), ["'limits' must be a mapping of names to numbers"] if settings is not None else []
        known = {f.name for f in fields(cls)}
        values, problems = {}, []
        for name, value in settings.items():
            if name not in known:
                problems.append(f"unknown limit '{name}' (use one of {', '.join(sorted(known))})")
            elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                problems.append(f"limit '{name}' must be a positive whole number")
            else:
                values[name] = value
        return cls(**values), problems


DEFAULTS = asdict(Limits())


def too_large(what: str, size: int, limit: int, unit: str, path: str, line: int | None, setting: str) -> Diagnostic:
    return Diagnostic(
        CODE,
        f"{what} is {size:,} {unit}, over the limit of {limit:,} {unit}",
        path,
        line,
        hint=f"split or shorten it; if it really must be this large, raise limits.{setting} in gate.yml",
    )


def check_file(full_path, limit_kb: int, what: str, path: str, setting: str) -> Diagnostic | None:
    """A file over its size limit, measured before anything reads or parses it (OSError passes through)."""
    size = full_path.stat().st_size
    return too_large(what, -(-size // 1024), limit_kb, "kB", path, None, setting) if size > limit_kb * 1024 else None
