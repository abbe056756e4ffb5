"""Clinical reviewers and the records of their reviews: who may sign a page off, and what they signed.

- The reviewers are listed in mkdocs.yml `extra.editorial_team` (a maintainer's file, .github/CODEOWNERS),
  each with what a reader needs to judge them: id, name, role, registration (body and number) and
  conflicts of interest; `github` (their login) lets a pull-request approval become a record.
- The records are in reviews.yml (RECORDS, beside mkdocs.yml), written by `make review`
  (medsite.tools.review.record), one item per review: the page, the reviewer's id, the date, the next
  review date and the content fingerprint (medsite.markdown.fingerprint) of what they read.

A page's review holds only while its current fingerprint equals its latest valid record's (`state_of`);
the build, the gate and the command all read the files through this module. A record with a fault
is reported at its line and never used, so nothing published claims a review it does not have.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare
from medsite.sources import settings, yamlsource

RECORDS = "reviews.yml"


def example_record(page: str = "docs/page.md", reviewer: str = "ada-real", date: str = "2026-11-20",
            fingerprint: str = "sha256:" + "0" * 64) -> str:
    """A review record as `make review` writes one, for the rules' examples."""
    return (f"- page: {page}\n  reviewer: {reviewer}\n  date: {date}\n  next_review_due: 2027-11-20\n"
            f"  fingerprint: {fingerprint}")


RULES = declare(
    Rule(
        "REVIEW001",
        ERROR,
        what="A clinical reviewer in mkdocs.yml extra.editorial_team lacks a field readers need to judge them "
        "(id, name, role, registration with body and number, conflicts_of_interest), or two share an id.",
        why="A page names its reviewer with their role, registration and interests: a reader must be able to "
        "check who signed it off, and no review by an incomplete entry is shown.",
        fix="Complete the entry with the person's own details (never invented); write 'None declared' when "
        "they declare no conflicts of interest.",
        where="mkdocs.yml",
        bad="""\
extra:
  bibliography: docs/references.yaml
  editorial_team:
    - id: ada-real
      name: Dr Ada Real""",
        good="""\
extra:
  bibliography: docs/references.yaml
  editorial_team:
    - id: ada-real
      name: Dr Ada Real
      role: Consultant neurologist
      registration: {body: General Medical Council, number: "7654321"}
      conflicts_of_interest: None declared""",
    ),
    Rule(
        "REVIEW002",
        ERROR,
        what="A review record in reviews.yml is malformed: not YAML, a field missing or unknown, a date that is "
        "not YYYY-MM-DD or lies in the future, a next review date not after the review, or a fingerprint "
        "that is not 'sha256:' and 64 hexadecimal digits.",
        why="A record is the proof that a clinician read exactly this text; one that cannot be read proves nothing, "
        "so the page does not show it.",
        fix="Do not edit records by hand: remove the faulty item and run `make review PAGE=docs/page.md REVIEWER=id` again; from the browser, delete the item in reviews.yml and ask for a new review in the pull request.",
        where=RECORDS,
        bad=example_record(date="2026-13-01", fingerprint="sha256:1234"),
        good=example_record(),
    ),
    Rule(
        "REVIEW003",
        ERROR,
        what="A review record in reviews.yml names a page that does not exist.",
        why="A review of a page that was moved or deleted must not be carried over to other text.",
        fix="If the page was moved, review it again at its new place (`make review PAGE=docs/new.md REVIEWER=id`); "
        "remove records of deleted pages (from the browser: edit reviews.yml in the pull request, and ask there for the new review).",
        where=RECORDS,
        bad=example_record(page="docs/gone.md"),
        good=example_record(),
    ),
    Rule(
        "REVIEW004",
        ERROR,
        what="A review record in reviews.yml names a reviewer who is not a complete entry of mkdocs.yml extra.editorial_team.",
        why="Never invent a reviewer: only a listed clinician who agreed to be named can sign a page off.",
        fix="Record the review under the reviewer's id from extra.editorial_team; a maintainer adds a new reviewer "
        "there first, with their agreement.",
        where=RECORDS,
        bad=example_record(reviewer="dr-invented"),
        good=example_record(),
    ),
)

FIELDS = ("page", "reviewer", "date", "next_review_due", "fingerprint")
OPTIONAL = ("approval",)  # where the review came from, when it was a pull-request approval (a URL)
FINGERPRINT = re.compile(r"^sha256:[0-9a-f]{64}$")
TEAM_FIELDS = ("id", "name", "role", "conflicts_of_interest")


@dataclass(frozen=True)
class Reviewer:
    """A member of the clinical review team, with registration and declared conflicts of interest."""

    id: str
    name: str
    role: str
    registration_body: str
    registration_number: str
    conflicts_of_interest: str
    github: str = ""


@dataclass(frozen=True)
class Record:
    """One clinical review of a page: who, when, the next due date, and the fingerprint of the text reviewed."""

    page: str  # project-relative, as `make review PAGE=` takes it: docs/about-ms/symptoms.md
    reviewer: str  # the reviewer's id
    date: dt.date
    next_review_due: dt.date
    fingerprint: str
    line: int
    approval: str = ""


@dataclass(frozen=True)
class ReviewState:
    """What a page may say about its clinical review."""

    status: str  # NONE, HOLDS or CHANGED
    record: Record | None = None
    reviewer: Reviewer | None = None


NONE, HOLDS, CHANGED = "none", "holds", "changed"


@dataclass
class Reviews:
    """The review team and the review records, as read from the reviews file, with what was wrong in it."""

    team: dict[str, Reviewer] = field(default_factory=dict)  # id -> complete entries only
    records: list[Record] = field(default_factory=list)  # valid records, in file order
    problems: list[Diagnostic] = field(default_factory=list)

    def latest(self, page_rel: str) -> Record | None:
        """The page's last valid record in the file (the command appends, so the newest)."""
        return next((r for r in reversed(self.records) if r.page == page_rel), None)

    def state_of(self, page_rel: str, fingerprint: str) -> ReviewState:
        record = self.latest(page_rel)
        if record is None:
            return ReviewState(NONE)
        if record.fingerprint != fingerprint:
            return ReviewState(CHANGED, record, self.team.get(record.reviewer))
        return ReviewState(HOLDS, record, self.team.get(record.reviewer))


# --- the reviewers ---------------------------------------------------------------------------------


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_team(
    value, lines: list[int] | None = None, path: str = settings.MKDOCS
) -> tuple[dict[str, Reviewer], list[Diagnostic]]:
    """The complete entries of extra.editorial_team by id, and REVIEW001 for each incomplete one."""
    team: dict[str, Reviewer] = {}
    problems: list[Diagnostic] = []
    items = value if isinstance(value, list) else []
    if value not in (None, []) and not isinstance(value, list):
        return team, [
            Diagnostic(
                "REVIEW001",
                "extra.editorial_team must be a list of reviewers",
                path,
                (lines or [None])[0],
                hint="write editorial_team: [] until a clinician has agreed to be listed",
            )
        ]
    for n, item in enumerate(items):
        line = lines[n] if lines and n < len(lines) else None
        if not isinstance(item, dict):
            problems.append(Diagnostic("REVIEW001", "an editorial_team entry must be a set of fields", path, line))
            continue
        registration = item.get("registration") if isinstance(item.get("registration"), dict) else {}
        missing = [f for f in TEAM_FIELDS if not _text(item.get(f))]
        missing += [f"registration.{f}" for f in ("body", "number") if not _text(str(registration.get(f) or ""))]
        who = _text(item.get("name")) or _text(item.get("id")) or f"entry {n + 1}"
        if missing:
            problems.append(
                Diagnostic(
                    "REVIEW001",
                    f"reviewer '{who}' lacks {', '.join(missing)}",
                    path,
                    line,
                    target=who,
                    hint="add the person's own details; conflicts_of_interest: None declared when they declare none",
                )
            )
            continue
        member = Reviewer(
            _text(item["id"]),
            _text(item["name"]),
            _text(item["role"]),
            _text(str(registration["body"])),
            _text(str(registration["number"])),
            _text(item["conflicts_of_interest"]),
            _text(item.get("github")),
        )
        if member.id in team:
            problems.append(
                Diagnostic(
                    "REVIEW001",
                    f"two reviewers have the id '{member.id}'",
                    path,
                    line,
                    target=member.id,
                    hint="give each reviewer an id of their own",
                )
            )
            continue
        team[member.id] = member
    return team, problems


def _team_lines(root: Path) -> list[int]:
    """The line of each extra.editorial_team item in mkdocs.yml ([] when it cannot be read: GATE003 says why)."""
    try:
        node = settings.compose_mkdocs((root / settings.MKDOCS).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    for key, value in getattr(node, "value", []) if isinstance(node, yaml.MappingNode) else []:
        if getattr(key, "value", None) == "extra" and isinstance(value, yaml.MappingNode):
            for k, v in value.value:
                if getattr(k, "value", None) == "editorial_team":
                    return (
                        [i.start_mark.line + 1 for i in v.value]
                        if isinstance(v, yaml.SequenceNode)
                        else [k.start_mark.line + 1]
                    )
    return []


# --- the records -----------------------------------------------------------------------------------


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def _record(
    item: yamlsource.Located, team: dict, pages: set[str] | None, today: dt.date | None, path: str
) -> tuple[Record | None, list[Diagnostic]]:
    value, at = item.value, item.key_lines
    if not isinstance(value, dict):
        return None, [
            Diagnostic(
                "REVIEW002",
                "a review record must be a set of fields",
                path,
                item.line,
                hint="run `make review` rather than writing records by hand",
            )
        ]
    problems = []

    def bad(code: str, message: str, key: str, hint: str = "") -> None:
        problems.append(
            Diagnostic(
                code,
                message,
                path,
                at.get(key, item.line),
                target=str(value.get(key) or key),
                hint=hint or "remove the item and run `make review PAGE=... REVIEWER=...` again",
            )
        )

    for name in FIELDS:
        if not _text(value.get(name)):
            bad("REVIEW002", f"the review record lacks '{name}'", name)
    for name in value:
        if name not in FIELDS + OPTIONAL:
            bad(
                "REVIEW002",
                f"unknown field '{name}' in a review record",
                str(name),
                f"use only: {', '.join(FIELDS + OPTIONAL)}",
            )
    if problems:
        return None, problems
    date, due = _date(value["date"]), _date(value["next_review_due"])
    for name, day in (("date", date), ("next_review_due", due)):
        if day is None:
            bad("REVIEW002", f"'{name}' is not an ISO date: {value[name]!r}", name)
    if date and today and date > today:
        bad("REVIEW002", f"the review date {date} is in the future", "date")
    if date and due and due <= date:
        bad("REVIEW002", f"next_review_due {due} is not after the review date {date}", "next_review_due")
    fingerprint = _text(value["fingerprint"])
    if not FINGERPRINT.match(fingerprint):
        bad(
            "REVIEW002",
            f"the fingerprint {fingerprint[:20]!r} is not 'sha256:' and 64 hexadecimal digits",
            "fingerprint",
        )
    page = _text(value["page"])
    if pages is not None and page not in pages:
        bad(
            "REVIEW003",
            f"the review record names the page '{page}', which does not exist",
            "page",
            "review the page at its new place with `make review`, or remove the record of a deleted page",
        )
    reviewer = _text(value["reviewer"])
    if reviewer not in team:
        bad(
            "REVIEW004",
            f"the review record names the reviewer '{reviewer}', who is not a complete entry of "
            "mkdocs.yml extra.editorial_team",
            "reviewer",
            f"use a listed reviewer's id ({', '.join(sorted(team)) or 'none is listed'})",
        )
    if problems:
        return None, problems
    return Record(page, reviewer, date, due, fingerprint, item.line, _text(value.get("approval"))), []


def parse_records(
    text: str, team: dict, *, pages: set[str] | None = None, today: dt.date | None = None, path: str = RECORDS
) -> tuple[list[Record], list[Diagnostic]]:
    """The valid records and a diagnostic for each faulty one. `pages` (project-relative) and `today`,
    when given, also refuse a record of a missing page or dated in the future."""
    try:
        node = yamlsource.compose(text, path, code="REVIEW002")
        if node is None:
            return [], []
        if not isinstance(node, yaml.SequenceNode):
            return [], [
                Diagnostic(
                    "REVIEW002",
                    "reviews.yml must be a list of review records",
                    path,
                    node.start_mark.line + 1,
                    hint="each record starts with '- page: docs/...'; `make review` writes them",
                )
            ]
        items = yamlsource.located_items(node, path, code="REVIEW002")
    except DiagnosticError as exc:
        return [], list(exc.diagnostics)
    records, problems = [], []
    for item in items:
        record, found = _record(item, team, pages, today, path)
        problems += found
        if record:
            records.append(record)
    return records, problems


def load(
    root: Path, extra: dict, *, pages: set[str] | None = None, today: dt.date | None = None, with_lines: bool = True
) -> Reviews:
    """The team from `extra` (mkdocs.yml's, as read) and the records of reviews.yml, with their faults."""
    team, problems = parse_team(extra.get("editorial_team"), _team_lines(root) if with_lines else None)
    path = root / RECORDS
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Reviews(team, [], problems)
    except (OSError, UnicodeDecodeError) as exc:
        return Reviews(team, [], [*problems, Diagnostic("REVIEW002", f"cannot read {RECORDS}: {exc}", RECORDS)])
    records, found = parse_records(text, team, pages=pages, today=today)
    return Reviews(team, records, problems + found)
