"""The pull request a workflow run is about, from GitHub's event payload ($GITHUB_EVENT_PATH)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


class EventError(Exception):
    pass


@dataclass(frozen=True)
class PullRequest:
    repo: str  # owner/name
    number: int
    base_sha: str | None
    head_sha: str | None
    api_url: str  # https://api.github.com, or a local server in tests
    server_url: str  # https://github.com
    run_id: str | None

    @property
    def run_url(self) -> str | None:
        return f"{self.server_url}/{self.repo}/actions/runs/{self.run_id}" if self.run_id else None


def payload(env, workflow: str) -> tuple[dict, str | None]:
    """The event payload ($GITHUB_EVENT_PATH) and its repository's owner/name; `workflow` says where this runs."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        raise EventError(f"GITHUB_EVENT_PATH is not set: this runs inside {workflow}")
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EventError(f"cannot read the event payload {path}: {exc}") from None
    if not isinstance(event, dict):
        return {}, None
    return event, (event.get("repository") or {}).get("full_name")


def from_env(env=None) -> PullRequest:
    env = os.environ if env is None else env
    event, repo = payload(env, "a pull-request workflow")
    pr = event.get("pull_request")
    if not isinstance(pr, dict) or not isinstance(pr.get("number"), int) or not repo:
        raise EventError("the event payload is not a pull request's (no pull_request.number or repository.full_name)")
    return PullRequest(
        repo=repo,
        number=pr["number"],
        base_sha=(pr.get("base") or {}).get("sha"),
        head_sha=(pr.get("head") or {}).get("sha"),
        api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
        server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
        run_id=env.get("GITHUB_RUN_ID"),
    )
