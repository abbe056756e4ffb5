"""`make pr-comment`: one comment on the pull request with what the checks found, kept up to date.

Errors come first, each with the Markdown file and line and how to fix it;
warnings are folded away under <details>; the preview link opens the changed
pages in the browser. The comment carries a hidden marker, so each new push
edits the same comment instead of adding another.

The GitHub REST API is called with the workflow's own token (GITHUB_TOKEN);
its base URL comes from GITHUB_API_URL, so the tests point it at a local server.
A pull request from a fork gets a read-only token: then the same text goes to
the job summary, the step still succeeds (the gate step decides), and the results written with
--results-dir (uploaded as an artifact) let the privileged workflow post the same comment
(medsite.tools.review.fork_comment, .github/workflows/pull-request-comment.yml).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, Severity
from medsite.core.report_escape import markdown_code, markdown_text, workflow_data
from medsite.gate.quiet_warnings import for_display
from medsite.tools.review.event import EventError, PullRequest, from_env
from medsite.tools.review.github_api import GitHub, GitHubError
from medsite.verify.services import ConfigError, read_mkdocs

MARKER = "<!-- medsite-pr-review -->"
MAX_WARNINGS = 100  # a comment holds at most 65,536 characters


def load_diagnostics(path: str | Path) -> list[Diagnostic] | None:
    """The gate's diagnostics from --json-file, or None if the build stopped before writing them."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = (Diagnostic.from_dict(d) for d in (data if isinstance(data, list) else []))
    return [d for d in found if d is not None]


def _item(d: Diagnostic) -> str:
    """One list item; every quoted value escaped (core.report_escape): a backtick in a file name or a
    newline in a message cannot close the code span, add a link, a heading or an @mention."""
    where = markdown_code(d.where_to_edit)  # the Markdown line an editor changes, when the fault is in built HTML
    fix = f"<br>Fix: {markdown_text(d.hint)}" if d.hint else ""  # the <br> is ours: GitHub renders HTML in comments
    return f"- {where} **{markdown_text(d.code)}** {markdown_text(d.message)}{fix}"


def render(diagnostics: list[Diagnostic] | None, *, preview_url: str | None, run_url: str | None,
           shown: list[Diagnostic] | None = None) -> str:
    """The comment's Markdown (GitHub renders the <details> and <br> in it).

    `diagnostics` are counted; `shown` (default: the same) are listed, e.g. with the
    never-verified warnings folded into one line.
    """
    lines = [MARKER]
    if diagnostics is None:
        lines += ["## Checks did not finish: not published", "",
                  "The build stopped before the checks could report. Open the log below to see why."]
    else:
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
        if errors:
            lines += [f"## Checks failed: {len(errors)} error(s), {len(warnings)} warning(s). Not published", "",
                      "Nothing from this pull request can be published until every error below is fixed."]
        else:
            lines += [f"## Checks passed: {len(warnings)} warning(s)", "",
                      "This pull request can be published once a clinical reviewer approves it."]
    if preview_url:
        lines += ["", f"**Preview:** [open the pages this pull request changes]({preview_url}) "
                      "in your browser (sign in to GitHub first). It is a preview only, marked \"not published\"."]
    listed = diagnostics if shown is None else shown
    if listed:
        errors = [d for d in listed if d.severity is Severity.ERROR]
        warnings = [d for d in listed if d.severity is Severity.WARNING]
        if errors:
            lines += ["", "### Errors", ""] + [_item(d) for d in errors]
        if warnings:
            shown = warnings[:MAX_WARNINGS]
            total = sum(d.severity is Severity.WARNING for d in diagnostics or [])
            folded = (f", in {len(warnings)} line(s): repeated warnings nobody here can act on are one line each "
                      "(`make site VERBOSE=1` lists every one)" if len(warnings) < total else "")
            lines += ["", f"<details><summary>{total} warning(s){folded}: worth a look, they do not stop publishing"
                          "</summary>", ""]
            lines += [_item(d) for d in shown]
            if len(warnings) > len(shown):
                lines.append(f"- … and {len(warnings) - len(shown)} more in the job summary")
            lines += ["", "</details>"]
    footer = "Every code is explained in GATE-CODES.md."
    if run_url:
        footer = f"[Log of this check]({run_url}). " + footer
    lines += ["", footer, ""]
    return "\n".join(lines)


def github_for(pr: PullRequest, token: str) -> GitHub:
    return GitHub(pr.api_url, pr.repo, token, "medsite-pr-review")


def upsert(pr: PullRequest, token: str, body: str) -> str:
    """Edit our earlier comment if there is one, else add it. Returns 'updated' or 'created'."""
    return github_for(pr, token).keep_comment(pr.number, MARKER, body)


def _display(diagnostics):
    """Never-verified warnings folded into one line, as in the terminal (gate/quiet_warnings.py)."""
    if not diagnostics:
        return diagnostics
    try:
        bibliography = read_mkdocs("mkdocs.yml").bibliography
    except ConfigError:
        bibliography = None
    return for_display(diagnostics, Path("."), bibliography, verbose=False)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="make pr-comment", description=__doc__.splitlines()[0])
    p.add_argument("--diagnostics", default="gate.json", help="the gate's --json-file (default: %(default)s)")
    p.add_argument("--preview-url", default=os.environ.get("PREVIEW_URL") or None)
    p.add_argument("--results-dir", default=os.environ.get("PR_RESULTS") or None,
                   help="also write the results there, as data for the privileged comment workflow (forks)")
    args = p.parse_args(argv)
    try:
        pr = from_env()
    except EventError as exc:
        print(f"pr-comment: {exc}", file=sys.stderr)
        return 2
    diagnostics = load_diagnostics(args.diagnostics)
    shown = _display(diagnostics)
    body = render(diagnostics, preview_url=args.preview_url, run_url=pr.run_url, shown=shown)
    if args.results_dir:
        from medsite.tools.review.results import write

        write(Path(args.results_dir), pr, diagnostics, shown, args.preview_url)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(body.replace(MARKER, "") + "\n")
    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        print("pr-comment: no GITHUB_TOKEN; the report is in the job summary only", file=sys.stderr)
        return 0
    try:
        done = upsert(pr, token, body)
    except GitHubError as exc:
        # Forks get a read-only token; the comment is a convenience, the gate step decides the check.
        print(f"::warning title=pull-request comment::{workflow_data(f'could not comment ({exc}); the same report is in the job summary')}")
        return 0
    print(f"pr-comment: {done} the comment on pull request #{pr.number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
