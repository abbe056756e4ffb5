"""`make review-due`: the pages whose review is due within 30 days (or overdue), as one issue's text.

Printed as Markdown (the issue body); with --issue, the weekly workflow keeps ONE open issue up to date
with it through the GitHub REST API: the open issue carrying the label `review-due` and the hidden marker
is edited, or created when there is none; when no page is due any more, it is closed. The days come from
gate.yml (currency.review_due_warning_days, the same as the build's warning, CUR005); "today" from
--today or MEDSITE_TODAY (medsite.core.clock), so the tests pin it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from medsite.core import clock
from medsite.core.report_escape import markdown_code, markdown_text, workflow_data
from medsite.gate.checks.currency import settings as currency_settings
from medsite.gate.project import Project
from medsite.sources.pagemeta import to_date
from medsite.tools.review.github_api import GitHub, GitHubError

MARKER = "<!-- medsite-review-due -->"
LABEL = "review-due"
TITLE = "Pages due for review within {days} days"


@dataclass(frozen=True)
class Due:
    rel: str  # docs/...
    title: str
    due: dt.date
    reviewed_by: str


def pages_due(project: Project, days: int) -> list[Due]:
    """Pages whose next_review_due is at most `days` away, overdue ones included, soonest first."""
    out = []
    for page in project.pages:
        if page.page is None:
            continue
        due = to_date(page.page.meta.get("next_review_due"))
        if due is not None and (due - project.today).days <= days:
            meta = page.page.meta
            out.append(
                Due(page.rel, str(meta.get("title") or page.uri), due, str(meta.get("reviewed_by") or "").strip())
            )
    return sorted(out, key=lambda d: (d.due, d.rel))


def render(found: list[Due], today: dt.date, days: int) -> str:
    lines = [MARKER, f"Pages whose review is due within {days} days of {today} (`make review-due`).", ""]
    if not found:
        return "\n".join(lines + ["No page is due. This issue closes itself.", ""])
    lines += ["| Page | Review due | Reviewer |", "| --- | --- | --- |"]
    for d in found:
        left = (d.due - today).days
        when = (
            f"{d.due} (overdue: the build fails)" if left < 0 else f"{d.due} (in {left} day{'s' if left != 1 else ''})"
        )
        cell = (markdown_text(v) for v in (d.title, d.reviewed_by or "not yet reviewed"))  # escapes | too
        title, reviewer = cell
        lines.append(f"| {title} ({markdown_code(d.rel)}) | {when} | {reviewer} |")
    lines += [
        "",
        "Review the whole page, then update `last_reviewed` and `next_review_due` in its front matter "
        '(CONTRIBUTING.md, "Review dates"). An overdue page stops every build (META005).',
        "",
    ]
    return "\n".join(lines)


def upsert_issue(api_url: str, repo: str, token: str, title: str, body: str, *, anything_due: bool) -> str:
    """Edit the one open review-due issue, create it, or close it when nothing is due.
    Returns what was done: 'updated', 'created', 'closed' or 'nothing to do'."""
    github = GitHub(api_url, repo, token, "medsite-review-due")
    done, _ = github.keep_issue(MARKER, title, body, label=LABEL, close=not anything_due)
    return done


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="make review-due", description=__doc__.splitlines()[0])
    p.add_argument("--root", default=".")
    p.add_argument(
        "--today", type=dt.date.fromisoformat, help="the day to count from (default: MEDSITE_TODAY or today)"
    )
    p.add_argument("--days", type=int, help="how far ahead (default: gate.yml currency.review_due_warning_days)")
    p.add_argument(
        "--issue",
        action="store_true",
        help="keep the repository's one review-due issue up to date (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)",
    )
    args = p.parse_args(argv)
    try:
        today = args.today or clock.today()
    except clock.BadToday as exc:
        print(f"review-due: {exc}", file=sys.stderr)
        return 2
    project = Project(Path(args.root), None, today=today)
    days = args.days if args.days is not None else currency_settings(project).review_due_warning_days
    found = pages_due(project, days)
    body = render(found, today, days)
    print(body)
    if not args.issue:
        return 0
    token, repo = os.environ.get("GITHUB_TOKEN"), os.environ.get("GITHUB_REPOSITORY")
    if not token or not repo:
        print("review-due: --issue needs GITHUB_TOKEN and GITHUB_REPOSITORY", file=sys.stderr)
        return 2
    api_url = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    try:
        done = upsert_issue(api_url, repo, token, TITLE.format(days=days), body, anything_due=bool(found))
    except GitHubError as exc:
        print(f"::error title=review-due issue::{workflow_data(str(exc))}")
        return 1
    print(f"review-due: {done} the issue ({len(found)} page(s) due)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
