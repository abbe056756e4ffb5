"""`python -m medsite.tools.review.ownership`: a pull request that touches a maintainer's file needs a maintainer's approval.

The trust boundary (CONTRIBUTING.md, "Who changes what") is written once, in .github/CODEOWNERS: the
maintainers are the owners of .github/CODEOWNERS itself, and a file is maintainer-owned when the
last CODEOWNERS line that matches it (GitHub's rule) names them. This module reads that file, the
pull request's changed files and its reviews (GitHub's REST API, with the workflow's own token),
lists every maintainer-owned file the change touches, and fails (GATE012) unless a maintainer
approved the pull request's current head commit: an approval given before a later push does not count.

A maintainer is a person named among those owners, or anyone whose role on the repository is Admin or
Maintain (GitHub's built-in token cannot read a team's members, so give the maintainers' team that
role). It runs from .github/workflows/maintainer-files.yml on `pull_request_target`, with the
base branch's code only: it never checks out or runs the pull request's files, which it reads as data.

Only the standard library: the workflow runs it without installing anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

RULES = declare(
    Rule("GATE012", ERROR,
         what="A pull request changes a maintainer-owned file (mkdocs.yml, gate.yml, overrides/, scripts/, CSS or "
              "JavaScript, workflows, requirements...) and no maintainer has approved its latest commit.",
         why="Those files are code: the engine and the build run them, on the build machine and in readers' "
             "browsers. A change to them must be read by someone who owns that code.",
         fix="Ask a maintainer (the owners of .github/CODEOWNERS) to review and approve the pull request, then re-run "
             "the failed 'Maintainer approval' job; or move the change out of the maintainers' files.",
         where="a pull request (its changed files and reviews, as GitHub's API lists them)",
         bad="""\
{"head": "b7e3f0c", "files": ["docs/index.md", "mkdocs.yml"],
 "reviews": [{"user": {"login": "eddie"}, "state": "APPROVED", "commit_id": "b7e3f0c"}],
 "maintainer_roles": []}""",
         good="""\
{"head": "b7e3f0c", "files": ["docs/index.md", "mkdocs.yml"],
 "reviews": [{"user": {"login": "maya"}, "state": "APPROVED", "commit_id": "b7e3f0c"}],
 "maintainer_roles": ["maya"]}"""),
)
PULL_REQUEST = RULES["GATE012"].where


def decide_example(codeowners: str, example: str) -> list[Diagnostic]:
    """The rule's documented example (a pull request as JSON) decided as the check decides a real one."""
    pull = json.loads(example)
    return decide(codeowners, pull["files"], pull["reviews"], pull["head"], lambda login: login in pull["maintainer_roles"])

CODE = "GATE012"
CODEOWNERS = ".github/CODEOWNERS"
MAINTAINER_ROLES = {"admin", "maintain"}
TIMEOUT = 30
PER_PAGE = 100
MAX_PAGES = 30  # GitHub lists at most 3,000 files of a pull request


class OwnershipError(Exception):
    """CODEOWNERS or the API could not be read: the check cannot say yes."""


@dataclass(frozen=True)
class OwnersLine:
    pattern: str
    owners: tuple[str, ...]
    regex: re.Pattern


def _regex(pattern: str) -> re.Pattern:
    """A CODEOWNERS pattern (gitignore rules, without `!` or `[...]`) as a regex over a repository path."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    directory = pattern.endswith("/")
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    # A name matches itself and, as a folder, everything below it; a pattern ending in / only folders.
    suffix = "/.*" if directory else "(?:/.*)?"
    return re.compile(f"{prefix}{''.join(out)}{suffix}")


def parse_codeowners(text: str) -> list[OwnersLine]:
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        if pattern.startswith("!") or "[" in pattern:
            raise OwnershipError(f"{CODEOWNERS}:{number}: GitHub does not support the pattern {pattern!r}")
        rules.append(OwnersLine(pattern, tuple(o.lower() for o in owners), _regex(pattern)))
    return rules


def owners_of(rules: list[OwnersLine], path: str) -> tuple[str, ...]:
    """The owners of a path: the last matching line wins, as on GitHub."""
    found: tuple[str, ...] = ()
    for rule in rules:
        if rule.regex.fullmatch(path):
            found = rule.owners
    return found


def maintainers(rules: list[OwnersLine]) -> tuple[str, ...]:
    """The maintainers: whoever owns CODEOWNERS itself."""
    found = owners_of(rules, CODEOWNERS)
    if not found:
        raise OwnershipError(f"{CODEOWNERS} names no owner for itself: the maintainers are unknown")
    return found


def maintainer_owned(rules: list[OwnersLine], files: list[str]) -> list[str]:
    keepers = set(maintainers(rules))
    return sorted({f for f in files if keepers & set(owners_of(rules, f))})


def approvers(reviews: list[dict], head_sha: str) -> set[str]:
    """Who approved the head commit: each reviewer's latest approval or change request counts (comments do not)."""
    latest: dict[str, dict] = {}
    for review in reviews:
        login = ((review.get("user") or {}).get("login") or "").lower()
        if login and review.get("state") in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[login] = review
    return {login for login, r in latest.items() if r.get("state") == "APPROVED" and r.get("commit_id") == head_sha}


def decide(codeowners: str, files: list[str], reviews: list[dict], head_sha: str, is_maintainer) -> list[Diagnostic]:
    """GATE012 when maintainer-owned files changed and no maintainer approved `head_sha`; [] otherwise.

    `is_maintainer(login)` says whether a person not named in CODEOWNERS has a maintainer's role."""
    rules = parse_codeowners(codeowners)
    owned = maintainer_owned(rules, files)
    if not owned:
        return []
    named = {o.lstrip("@") for o in maintainers(rules) if "/" not in o}  # people, not teams
    if any(login in named or is_maintainer(login) for login in sorted(approvers(reviews, head_sha))):
        return []
    listed = ", ".join(owned[:20]) + (f" and {len(owned) - 20} more" if len(owned) > 20 else "")
    return [Diagnostic(CODE, f"changed without a maintainer's approval of commit {head_sha[:7]} (maintainer-owned: {listed})",
                       owned[0], target=owned[0],
                       hint=f"ask a maintainer ({', '.join(maintainers(rules))}) to approve the latest commit, then re-run this job")]


# --- GitHub --------------------------------------------------------------------------------------


class GitHub:
    def __init__(self, api_url: str, repo: str, token: str | None):
        self.base = f"{api_url.rstrip('/')}/repos/{repo}"
        self.token = token

    def get(self, path: str) -> object:
        request = urllib.request.Request(self.base + path, headers={
            "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "medsite-ownership-check", **({"Authorization": f"Bearer {self.token}"} if self.token else {})})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.loads(response.read(10_000_000).decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise OwnershipError(f"GitHub answered {exc.code} to GET {path}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise OwnershipError(f"cannot read GET {path} from GitHub: {exc}") from None

    def pages(self, path: str) -> list:
        found: list = []
        for page in range(1, MAX_PAGES + 1):
            batch = self.get(f"{path}?per_page={PER_PAGE}&page={page}")
            if not isinstance(batch, list):
                raise OwnershipError(f"GitHub's answer to GET {path} is not a list")
            found += batch
            if len(batch) < PER_PAGE:
                break
        return found

    def changed_files(self, number: int) -> list[str]:
        files = []
        for item in self.pages(f"/pulls/{number}/files"):
            files += [p for p in (item.get("filename"), item.get("previous_filename")) if isinstance(p, str)]
        return files

    def reviews(self, number: int) -> list[dict]:
        return self.pages(f"/pulls/{number}/reviews")

    def is_maintainer(self, login: str) -> bool:
        try:
            answer = self.get(f"/collaborators/{urllib.parse.quote(login, safe='')}/permission")
        except OwnershipError:
            return False
        return isinstance(answer, dict) and answer.get("role_name") in MAINTAINER_ROLES


def _event(env) -> tuple[str, int, str]:
    try:
        event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        pr = event["pull_request"]
        return event["repository"]["full_name"], int(pr["number"]), str(pr["head"]["sha"])
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise OwnershipError(f"cannot read the pull request from GITHUB_EVENT_PATH: {exc!r}") from None


def main(argv=None, env=None) -> int:
    env = os.environ if env is None else env
    p = argparse.ArgumentParser(prog="medsite.tools.review.ownership", description=__doc__.splitlines()[0])
    p.add_argument("--codeowners", default=CODEOWNERS, help="the CODEOWNERS file of the base branch")
    args = p.parse_args(argv)
    try:
        repo, number, head = _event(env)
        github = GitHub(env.get("GITHUB_API_URL") or "https://api.github.com", repo, env.get("GITHUB_TOKEN"))
        try:
            codeowners = Path(args.codeowners).read_text(encoding="utf-8")
        except OSError as exc:
            raise OwnershipError(f"cannot read {args.codeowners}: {exc.strerror or exc}") from None
        files = github.changed_files(number)
        found = decide(codeowners, files, github.reviews(number), head, github.is_maintainer)
    except OwnershipError as exc:
        print(f"{CODEOWNERS}: {CODE} the check could not decide: {exc}; fix: re-run the job; if it fails again, "
              "a maintainer reads the pull request by hand", file=sys.stderr)
        return 1
    for d in found:
        print(d.text())
    if not found:
        owned = maintainer_owned(parse_codeowners(codeowners), files)
        print(f"ownership: {len(owned)} maintainer-owned file(s) changed" + (", approved by a maintainer" if owned else ""))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
