"""`make pr-comment-fork` (the privileged workflow only): post a pull request's comment from its run's results.

A pull request from a fork runs its workflow with a read-only token, so that run uploads its results
(medsite.tools.review.results) and this runs afterwards, in .github/workflows/pull-request-comment.yml
(`workflow_run`), with the right to comment. It runs the default branch's code, never the pull
request's: the results are data, checked by results.read, rendered and escaped by comment.render,
exactly as the comment of a pull request from this repository is. The pull request is the one the
results name only if GitHub says its head is the commit the finished run checked: an artifact cannot
send the comment to another pull request.

Exit status: 0 posted (or nothing to do), 1 the results or the pull request do not check out, 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from medsite.core.report_escape import workflow_data
from medsite.tools.review.comment import github_for, render, upsert
from medsite.tools.review.event import EventError, PullRequest, payload
from medsite.tools.review.github_api import GitHubError
from medsite.tools.review.results import ResultsError, read


def finished_run(env) -> dict:
    """The `workflow_run` event's run (id, head_sha, event) and the repository, from $GITHUB_EVENT_PATH."""
    event, repo = payload(env, "the workflow_run workflow")
    run = event.get("workflow_run")
    if (
        not isinstance(run, dict)
        or not isinstance(run.get("id"), int)
        or not isinstance(run.get("head_sha"), str)
        or not isinstance(repo, str)
    ):
        raise EventError("the event payload is not a workflow_run's (no workflow_run.id, head_sha or repository)")
    return {"id": run["id"], "head_sha": run["head_sha"], "event": run.get("event"), "repo": repo}


def _fail(message: str) -> int:
    print(f"::error title=pull-request comment::{workflow_data(message)}")
    return 1


def main(argv=None, env=None) -> int:
    env = os.environ if env is None else env
    p = argparse.ArgumentParser(prog="make pr-comment-fork", description=__doc__.splitlines()[0])
    p.add_argument("--results-dir", default=env.get("PR_RESULTS") or "pr-results")
    args = p.parse_args(argv)
    try:
        run = finished_run(env)
    except EventError as exc:
        print(f"pr-comment-fork: {exc}", file=sys.stderr)
        return 2
    if run["event"] != "pull_request":
        print(
            f"pr-comment-fork: the finished run was for a {run['event']!r} event, not a pull request; nothing to post"
        )
        return 0
    api = (env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    try:
        results = read(Path(args.results_dir), repo=run["repo"], server_url=server, run_id=run["id"])
    except ResultsError as exc:
        return _fail(f"the pull request's results cannot be used: {exc}")
    token = env.get("GITHUB_TOKEN")
    if not token:
        return _fail("no GITHUB_TOKEN: the privileged workflow passes it")
    pr = PullRequest(
        repo=run["repo"],
        number=results.number,
        base_sha=None,
        head_sha=run["head_sha"],
        api_url=api,
        server_url=server,
        run_id=str(run["id"]),
    )
    try:
        pull = github_for(pr, token).call("GET", f"/pulls/{pr.number}").json()
        head = ((pull if isinstance(pull, dict) else {}).get("head") or {}).get("sha")
        if head != run["head_sha"]:
            return _fail(f"pull request #{pr.number}'s head is not the commit the run checked; nothing posted")
        body = render(results.diagnostics, preview_url=results.preview_url, run_url=pr.run_url, shown=results.shown)
        done = upsert(pr, token, body)
    except GitHubError as exc:
        return _fail(f"could not comment: {exc}")
    print(f"pr-comment-fork: {done} the comment on pull request #{pr.number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
