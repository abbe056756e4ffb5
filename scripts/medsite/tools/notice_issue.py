"""`make notice-issue`: one GitHub issue, opened or updated, when the weekly check finds a new notice for a cited work.

The scheduled verification (.github/workflows/verify-references.yml) refreshes verification.lock.json,
then runs this with the lock as it was before (`--previous`, from git). A retraction, an expression of
concern or a correction (medsite.sources.worknotices) that a cited work has now and did not have before
is new: the issue's body then lists every notice of every cited work, the new ones marked, with the
pages and lines that cite it and what to do. One issue, found again by a hidden marker: a later run
edits its body instead of opening another. Nothing new: no request is sent.

The GitHub REST API is called with the workflow's token (GITHUB_TOKEN) at GITHUB_API_URL (the tests
point it at a local server), for the repository GITHUB_REPOSITORY.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from medsite.core.diagnostics import DiagnosticError
from medsite.core.report_escape import markdown_code, markdown_text
from medsite.markdown import citations
from medsite.sources import bibliography, worknotices
from medsite.sources.pagemeta import human_date
from medsite.sources.site import Site
from medsite.tools.review.github_api import GitHub, GitHubError

MARKER = "<!-- medsite-notices -->"
TITLE = "Cited works with a new retraction, correction or expression of concern"
ADVICE = {
    worknotices.RETRACTION: "a retracted work is no evidence: cite another work, or say in the sentence that it was "
    "retracted (the build refuses it otherwise, VER012)",
    worknotices.CONCERN: "read the journal's notice and check that each sentence still holds (VER013)",
    worknotices.CORRECTION: "read the correction and check that each sentence, and its numbers, still hold (VER013)",
}


@dataclass
class CitedWork:
    key: str
    title: str
    notices: list = field(default_factory=list)
    new: list = field(default_factory=list)
    places: list = field(default_factory=list)  # "docs/page.md:12"


def cited_works(root: Path, now: dict, before: dict) -> list[CitedWork]:
    """Every cited work that has a notice now, with which of its notices are new and where it is cited."""
    site, _ = Site.load(root)
    # An unreadable bibliography raises (DiagnosticError): "no new notice" would hide a retraction.
    bib = bibliography.load(site.bibliography_path, root, site.limits)
    works: dict[str, CitedWork] = {}
    for page in site.pages:
        try:
            parsed = site.front_matter(page)
        except DiagnosticError:
            continue
        for group in citations.find(parsed.body, first_line=parsed.body_line):
            for cite in group.cites:
                entry = bib.get(cite.key)
                if entry is None:
                    continue
                if entry.id not in works:
                    found = worknotices.of_entry(now, entry)
                    if not found:
                        works[entry.id] = None
                        continue
                    old = set(worknotices.of_entry(before, entry))
                    works[entry.id] = CitedWork(
                        entry.id, entry.title or entry.id, found, [n for n in found if n not in old]
                    )
                if works[entry.id] is not None:
                    works[entry.id].places.append(f"{page.rel}:{cite.line}")
    return [w for w in works.values() if w is not None]


def _notice(notice: worknotices.Notice) -> str:
    """'Retracted on 19 November 2026: [retraction notice](<https://doi.org/...>).' Our words; the address is
    a doi.org one that worknotices checked holds no space, quote or angle bracket, so it cannot leave the link."""
    when = f" on {human_date(notice.day)}" if notice.day else ""
    link = f": [{notice.link_text}](<{notice.url}>)" if notice.url else ""
    return f"{notice.headline}{when}{link}."


def render(works: list[CitedWork], run_url: str | None = None) -> str:
    lines = [
        MARKER,
        "The weekly check of the references (`make verify`) found notices about works the site cites. "
        "Readers already see each notice beside the reference, in the footnote and on the References page; "
        "the sentences that cite the work need an editor.",
        "",
    ]
    for work in works:
        lines.append(f"### {markdown_text(work.title)} ({markdown_code(work.key)})")
        lines.append("")
        for notice in work.notices:
            flag = "**New:** " if notice in work.new else ""
            lines.append(f"- {flag}{_notice(notice)} What to do: {ADVICE[notice.kind]}.")
        lines.append("- Cited at: " + ", ".join(markdown_code(p) for p in dict.fromkeys(work.places)))
        lines.append("")
    if run_url:
        lines.append(f"[Log of this check]({run_url}).")
    lines.append('CONTRIBUTING.md, "Cite a source", explains the fixes; a clinical reviewer signs off the change.')
    return "\n".join(lines) + "\n"


def upsert(api_url: str, repo: str, token: str, body: str) -> tuple[str, int]:
    """Edit our open issue if there is one, else open it: ('updated' or 'opened', its number)."""
    github = GitHub(api_url, repo, token, "medsite-notice-issue")
    done, number = github.keep_issue(MARKER, TITLE, body, retitle=False)
    return ("opened" if done == "created" else done), number


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="make notice-issue", description=__doc__.splitlines()[0])
    p.add_argument("--previous", required=True, help="the lock file as it was before the check (missing: no notices)")
    p.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--body-file", help="also write the issue's text here")
    p.add_argument("--post", action="store_true", help="open or update the issue on GitHub")
    args = p.parse_args(argv)
    root = Path(args.root)
    try:
        works = cited_works(root, worknotices.load(root), worknotices.read(args.previous))
    except DiagnosticError as exc:  # the weekly job goes red: which works are cited cannot be known
        for d in exc.diagnostics:
            print(f"::error title=notice-issue::{d.text()}")
        print("notice-issue: the bibliography cannot be read, so new notices of cited works cannot be looked for")
        return 1
    if not any(w.new for w in works):
        print("notice-issue: no new notice for a cited work")
        return 0
    server, repo, run = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    body = render(works, f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None)
    if args.body_file:
        Path(args.body_file).write_text(body, encoding="utf-8")
    if not args.post:
        print(body, end="")
        return 0
    token, api = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN"), os.environ.get("GITHUB_API_URL")
    if not (token and repo and api):
        print("notice-issue: GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL are needed to post", file=sys.stderr)
        return 2
    try:
        done, number = upsert(api, repo, token, body)
    except GitHubError as exc:
        print(f"notice-issue: could not open or update the issue: {exc}", file=sys.stderr)
        return 1
    print(f"notice-issue: {done} issue #{number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
