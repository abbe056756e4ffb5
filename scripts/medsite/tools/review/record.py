"""Record a clinical review of a page: `make review PAGE=docs/x.md REVIEWER=id`.

    PYTHONPATH=scripts python -m medsite.tools.review.record --page docs/x.md --reviewer ada-real [--date YYYY-MM-DD]
    PYTHONPATH=scripts python -m medsite.tools.review.record --approval-event event.json --page docs/x.md [--page ...]

Appends one record to reviews.yml (medsite.sources.reviews): the page, the reviewer's id from mkdocs.yml
extra.editorial_team, the date, the next review date (the page type's longest review interval,
sources.pagemeta.review_months, else 12 months) and the page's content fingerprint
(medsite.markdown.fingerprint, the same computation the build and the gate use). The page then shows
"Clinically reviewed by ..." for as long as its text, includes and cited works are unchanged.

The second form turns a pull-request approval into records, in CI: GitHub's `pull_request_review`
event payload ($GITHUB_EVENT_PATH) of an approval by a listed reviewer (matched by their `github`
login in extra.editorial_team) of the pull request's current head commit, for the pages named (the
changed pages, which the workflow lists). The workflow must have checked out that commit, so the
fingerprint is of the text approved. The record keeps the approval's address.

Exit codes: 0 recorded, 1 the file could not be written, 2 bad usage or input (one line each, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from medsite.core import clock
from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.gate import formatters
from medsite.markdown import fingerprint
from medsite.sources import bibliography, reviews
from medsite.sources.pagemeta import PageMeta, add_months, review_months
from medsite.sources.site import Site

USAGE = "make review PAGE=docs/path/page.md REVIEWER=id"
DEFAULT_MONTHS = 12
HEADER = """\
# Clinical review records: one item per review, appended by `make review PAGE=... REVIEWER=...`
# (scripts/medsite/tools/review/record.py). Do not write or edit records by hand: a page shows its
# reviewer only while its text, includes and cited works still match the fingerprint recorded here.
"""


class UsageError(Exception):
    pass


def _reviewers_line(team: dict) -> str:
    if not team:
        return (
            "no reviewer is listed in mkdocs.yml extra.editorial_team yet (a maintainer adds one, with their agreement)"
        )
    return "listed reviewers: " + ", ".join(f"{m.id} ({m.name})" for m in team.values())


def record_text(record: reviews.Record) -> str:
    lines = [
        f"- page: {record.page}",
        f"  reviewer: {record.reviewer}",
        f"  date: {record.date.isoformat()}",
        f"  next_review_due: {record.next_review_due.isoformat()}",
        f"  fingerprint: {record.fingerprint}",
    ]
    if record.approval:
        lines.append(f"  approval: {json.dumps(record.approval)}")
    return "\n".join(lines) + "\n"


def make_record(
    site: Site, page_rel: str, reviewer: reviews.Reviewer, day: dt.date, approval: str = ""
) -> reviews.Record:
    """The record of `reviewer` reviewing the page today; DiagnosticError when the page cannot be reviewed."""
    page = next((p for p in site.pages if p.rel == page_rel), None)
    if page is None:
        raise DiagnosticError(
            Diagnostic(
                "REVIEW003",
                f"there is no page '{page_rel}'",
                USAGE,
                target=page_rel,
                hint="give the page's path from the project folder, e.g. PAGE=docs/about-ms/symptoms.md",
            )
        )
    parsed = site.front_matter(page)  # raises the page's own fault (META001, INPUT00x) at its line
    meta = PageMeta.from_meta(parsed.meta)
    if not meta.is_content:
        raise DiagnosticError(
            Diagnostic(
                "REVIEW003",
                f"'{page_rel}' has no page_type with a review cycle, so it shows no review",
                page_rel,
                parsed.line_of("page_type"),
                hint="review pages of type condition, treatment, clinic, guide, about or policy",
            )
        )
    try:
        bib = bibliography.load(site.bibliography_path, site.root, site.limits)
    except DiagnosticError:
        bib = None  # the gate reports it; the fingerprint then covers the keys alone, and changes once it loads
    months = review_months(meta.page_type, page.uri) or DEFAULT_MONTHS
    return reviews.Record(
        page_rel,
        reviewer.id,
        day,
        add_months(day, months),
        fingerprint.fingerprint(parsed, site.includes_dir, bib),
        0,
        approval,
    )


def append(root: Path, records: list[reviews.Record]) -> list[int]:
    """Append the records to reviews.yml (created with its header); the line of each."""
    path = root / reviews.RECORDS
    text = path.read_text(encoding="utf-8-sig") if path.exists() else HEADER
    if text.strip().splitlines() and text.strip().splitlines()[-1].strip() == "[]":
        text = text.rstrip()[:-2].rstrip() + "\n"  # an empty list written as []: the records replace it
    if text and not text.endswith("\n"):
        text += "\n"
    lines, added = [], ""
    for record in records:
        lines.append((text + added).count("\n") + 1)
        added += record_text(record)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + added, encoding="utf-8")
    tmp.replace(path)
    return lines


def _approval(event_path: str, team: dict) -> tuple[reviews.Reviewer, dt.date, str]:
    """(reviewer, date, the approval's address) from a pull_request_review event; UsageError when it is not
    an approval, by a listed reviewer, of the pull request's current head."""
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload {event_path}: {exc}") from None
    review = event.get("review") if isinstance(event, dict) else None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    if not isinstance(review, dict) or not isinstance(pull, dict):
        raise UsageError("the event payload is not a pull-request review's (no review or pull_request)")
    if str(review.get("state") or "").lower() != "approved":
        raise UsageError(f"the review is not an approval (state {review.get('state')!r}): nothing to record")
    head = (pull.get("head") or {}).get("sha")
    if not head or review.get("commit_id") != head:
        raise UsageError("the approval is of an earlier commit than the pull request's head: ask for a new approval")
    login = str((review.get("user") or {}).get("login") or "")
    reviewer = next((m for m in team.values() if m.github and m.github.lower() == login.lower()), None)
    if reviewer is None:
        raise UsageError(
            f"'{login}' is not the github login of a reviewer in mkdocs.yml extra.editorial_team: "
            "their approval is not a clinical review"
        )
    try:
        day = dt.datetime.fromisoformat(str(review.get("submitted_at") or "").replace("Z", "+00:00")).date()
    except ValueError:
        raise UsageError(f"the approval has no valid submitted_at date: {review.get('submitted_at')!r}") from None
    return reviewer, day, str(review.get("html_url") or "")


def run(root: Path, pages: list[str], reviewer_id: str, day: dt.date | None, event: str | None) -> list[reviews.Record]:
    site, _ = Site.load(root)
    found = reviews.load(root, site.extra)
    if event:
        reviewer, day, approval = _approval(event, found.team)
    else:
        if not pages or not reviewer_id:
            missing = " and ".join(n for n, v in (("PAGE", pages), ("REVIEWER", reviewer_id)) if not v)
            raise UsageError(f"give {missing}: {USAGE}\n{_reviewers_line(found.team)}")
        reviewer, approval = found.team.get(reviewer_id), ""
        if reviewer is None:
            raise DiagnosticError(
                Diagnostic(
                    "REVIEW004",
                    f"'{reviewer_id}' is not a complete entry of mkdocs.yml extra.editorial_team",
                    USAGE,
                    target=reviewer_id,
                    hint=_reviewers_line(found.team),
                )
            )
    if not pages:
        raise UsageError("name the pages the approval covers: --page docs/x.md (the pull request's changed pages)")
    today = day or clock.today()
    records = [make_record(site, page.strip(), reviewer, today, approval) for page in pages]
    lines = append(root, records)
    for record, line in zip(records, lines, strict=True):
        print(
            f"{record.page}: recorded the clinical review by {reviewer.name} on {record.date} (next review due "
            f"{record.next_review_due}) at {reviews.RECORDS}:{line}. The page shows it while its text, "
            f"includes and cited works stay as they are.\n  In its front matter, set last_reviewed: {record.date} and "
            f"next_review_due: {record.next_review_due}. Commit {reviews.RECORDS} with the page."
        )
    return records


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="make review", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--page", action="append", default=[], help="the page, from the project folder: docs/x.md")
    parser.add_argument("--reviewer", default="", help="the reviewer's id in mkdocs.yml extra.editorial_team")
    parser.add_argument("--date", default="", help="the review's date (YYYY-MM-DD; default today)")
    parser.add_argument("--approval-event", default="", help="a pull_request_review event payload (CI)")
    parser.add_argument("--root", default=".", help="the project folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        day = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"make review: DATE={args.date!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        run(
            Path(args.root),
            [p for p in args.page if p.strip()],
            args.reviewer.strip(),
            day,
            args.approval_event or None,
        )
    except UsageError as exc:
        print(f"make review: {exc}", file=sys.stderr)
        return 2
    except DiagnosticError as exc:
        print(formatters.lines(exc.diagnostics), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"make review: cannot write {reviews.RECORDS}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
