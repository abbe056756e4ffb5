"""Largest inputs the build accepts from editors, and how long each step may run, so that a huge
file or a slow step fails fast with a clear message instead of hanging.

The defaults live here, once; gate.yml's `limits:` may change them. Each size limit
sits far above anything a real page or reference needs (the largest page is
about 15 kB, the largest reference 1.5 kB, the longest front matter value 0.5 kB),
and far below what would make the build slow. The time limits sit far above what
the real site needs (the engine builds it in about 10 s, the slowest gate check takes
about 2 s, a citation lookup about 1 s) and bound what no size limit can: input that
is small but slow to read, or a server that answers one byte a second.
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
    """The sizes past which input is refused before it can stall a build (gate.yml's `limits`)."""

    page_kb: int = 512  # one Markdown page, front matter included
    front_matter_value_chars: int = 2_000  # one front matter value as written (a title, the sources list)
    bibliography_kb: int = 2_048  # the whole bibliography file
    bibliography_entry_chars: int = 10_000  # one bibliography entry as written
    # Python-Markdown reads a link's text from each '[' to its ']' (or to the paragraph's end when it
    # never closes): many unclosed or deeply nested brackets make a paragraph quadratic to read
    # (40 kB of '[' takes minutes). The sum of those reaches, in thousands of characters; a real
    # paragraph needs a few (a paragraph of 40 citations, about 2).
    bracket_reach_kchars: int = 4_000
    # Time limits may be decimals (0.5): a test, or a project that wants a hang cut short, needs no whole second.
    engine_seconds: float = 600  # one engine run: `make site`'s build, and each `make serve` rebuild
    gate_check_seconds: float = 120  # one gate check (the checks run one after another)
    lookup_seconds: float = 30  # one `make cite` lookup, start to end, whatever the server sends
    lookup_response_kb: int = 2_048  # one `make cite` response

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
            elif _positive(value, decimal=name.endswith("_seconds")):
                values[name] = value
            else:
                problems.append(f"limit '{name}' must be a positive {'number' if name.endswith('_seconds') else 'whole number'}")
        return cls(**values), problems


def _positive(value, decimal: bool) -> bool:
    kinds = (int, float) if decimal else int
    return not isinstance(value, bool) and isinstance(value, kinds) and 0 < value < float("inf")


DEFAULTS = asdict(Limits())


def time_limit_hint(setting: str) -> str:
    return f"if it is legitimately slow, raise limits.{setting} in gate.yml"


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
