"""A page's change notes: the `changes:` list of its front matter, newest first.

    changes:
      - date: 2026-12-01
        note: The dose of dimethyl fumarate now follows the 2026 label.
        major: true
      - date: 2026-11-20
        note: Typo in the risks section.

Front matter, not commit trailers or a changes file: editors work from the browser on one page of
docs/, and GitHub's web editor has no field for a commit trailer (and a squash merge rewrites the
message); a separate changes file is one more file to find. The note sits beside the text it
describes and is reviewed in the same pull request.

"Last updated" is the newest note's date, not the git date: CI checks out one commit (a shallow
clone), where every file has the same commit date, and a typo fix would move it too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, FRONT_MATTER, Rule, declare
from medsite.sources import frontmatter, yamlsource

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule(
        "HIST001",
        ERROR,
        what="A change note in the page's `changes:` list is malformed: not a list, an item without a `note` or a "
        "valid `date` (YYYY-MM-DD), `major` not true or false, or a key other than date, note and major.",
        why="The page's \"What changed\" list and the site's feed of changes show these notes to readers.",
        fix="Write each change as '- date: 2026-12-01' with 'note: What changed, in one sentence.' and, for a "
        "change a reader should know about, 'major: true' (edit the page's front matter in the browser).",
        where=FRONT_MATTER,
        bad="changes:\n  - date: 2026-13-01\n    note: New dose.",
        good="changes:\n  - date: 2026-11-01\n    note: New dose.\n    major: true",
    ),
)

CODE = "HIST001"
KEY = "changes"
ITEM_KEYS = ("date", "note", "major")
FIX = "write each change as '- date: YYYY-MM-DD' with 'note: one sentence' and optionally 'major: true'"
MAX_NOTE_CHARS = 300  # a change note is a sentence or two; the page says the rest


@dataclass(frozen=True)
class Change:
    """One change a page's history lists: the day, the note, and whether a reader should know about it (`major`)."""

    day: dt.date
    note: str
    major: bool
    line: int | None = None  # of the item in the file, when read from it


def _problem(message: str, path: str, line: int | None) -> Diagnostic:
    return Diagnostic(CODE, message, path, line, hint=FIX)


def _item(value, path: str, line: int | None, key_lines: dict) -> tuple[Change | None, list[Diagnostic]]:
    if not isinstance(value, dict):
        return None, [
            _problem("a change note should be 'date', 'note' and 'major' fields, not a single value", path, line)
        ]
    problems = []
    for key in value:
        if key not in ITEM_KEYS:
            problems.append(
                _problem(
                    f"a change note has the unknown key '{key}' (use date, note, major)",
                    path,
                    key_lines.get(str(key), line),
                )
            )
    raw_date = value.get("date")
    try:
        day = dt.date.fromisoformat(str(raw_date).strip()) if raw_date is not None else None
    except ValueError:
        day = None
    if day is None:
        what = "has no date" if raw_date in (None, "") else f"has the date '{raw_date}', not a YYYY-MM-DD date"
        problems.append(_problem(f"a change note {what}", path, key_lines.get("date", line)))
    note = value.get("note")
    if not isinstance(note, str) or not note.strip():
        problems.append(_problem("a change note has no 'note' text", path, key_lines.get("note", line)))
    elif len(note) > MAX_NOTE_CHARS:
        problems.append(
            _problem(
                f"a change note is {len(note)} characters long (at most {MAX_NOTE_CHARS})",
                path,
                key_lines.get("note", line),
            )
        )
    major = value.get("major", False)
    if not isinstance(major, bool):
        problems.append(_problem(f"'major' is '{major}'; write true or false", path, key_lines.get("major", line)))
    if problems:
        return None, problems
    return Change(day, " ".join(note.split()), major, line), []


def _newest_first(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: c.day, reverse=True)  # stable: notes of one day keep their order


def from_meta(meta: dict) -> list[Change]:
    """The valid notes of front matter already parsed, newest first (the gate reports the others)."""
    value = meta.get(KEY)
    if not isinstance(value, list):
        return []
    found = (_item(v, "", None, {})[0] for v in value)
    return _newest_first([c for c in found if c is not None])


def read(text: str, path: str) -> tuple[list[Change], list[Diagnostic]]:
    """The notes of a page file and, for each malformed one, HIST001 at its line. Front matter that
    does not parse is META001's to report: no notes, no problems here."""
    front, _, _ = frontmatter.split(text.removeprefix("\ufeff"))
    if front is None:
        return [], []
    try:
        node = yamlsource.compose(front, path, code=frontmatter.PARSE_CODE, line_offset=1)
    except DiagnosticError:
        return [], []
    if not isinstance(node, yamlsource.yaml.MappingNode):
        return [], []
    for key, value in node.value:
        if getattr(key, "value", None) != KEY:
            continue
        line = key.start_mark.line + 2
        if isinstance(value, yamlsource.yaml.ScalarNode) and value.value in ("", "~", "null"):
            return [], []  # `changes:` with nothing yet
        if not isinstance(value, yamlsource.yaml.SequenceNode):
            return [], [_problem("'changes' should be a list of change notes, one '- date: ...' item each", path, line)]
        try:
            items = yamlsource.located_items(value, path, code=frontmatter.PARSE_CODE, line_offset=1)
        except DiagnosticError:
            return [], []
        changes, problems = [], []
        for located in items:
            change, found = _item(located.value, path, located.line, located.key_lines)
            problems += found
            if change is not None:
                changes.append(change)
        return _newest_first(changes), problems
    return [], []


def last_updated(changes: list[Change]) -> dt.date | None:
    return max((c.day for c in changes), default=None)
