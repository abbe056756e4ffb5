"""GitHub's REST API for the workflow tools that keep one issue or comment up to date.

One session with the workflow's token; every call's failure becomes a GitHubError whose message names the
call (never the token); the tool's own issue or comment is found again by the hidden marker in its body,
page after page, then edited, created or closed. Used by `make review-due` (tools/review/due.py),
`make notice-issue` (tools/notice_issue.py) and the pull-request comment (tools/review/comment.py,
fork_comment.py). The API's address comes from GITHUB_API_URL, so the tests point it at a local server.
"""

from __future__ import annotations

import os

import requests

TIMEOUT = (10, 30)  # connect, read (seconds)
PER_PAGE = 100
# Who the workflow's token writes as. Anyone can paste a marker into an issue or a comment, so only what this
# login wrote is ours to edit (MEDSITE_BOT_LOGIN names another, e.g. a GitHub App's "name[bot]").
BOT_LOGIN = "github-actions[bot]"


class GitHubError(Exception):
    pass


class GitHub:
    def __init__(self, api_url: str, repo: str, token: str, user_agent: str, bot_login: str | None = None):
        self.base = f"{api_url.rstrip('/')}/repos/{repo}"
        self.bot_login = bot_login or os.environ.get("MEDSITE_BOT_LOGIN") or BOT_LOGIN
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": user_agent,
            }
        )

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """`path` is under the repository's URL, e.g. "/issues"."""
        try:
            response = self.session.request(method, self.base + path, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise GitHubError(f"GitHub API unreachable ({type(exc).__name__})") from None
        if response.status_code >= 400:
            where = (self.base + path).split("/repos/")[-1]
            raise GitHubError(f"GitHub API answered HTTP {response.status_code} to {method} {where}")
        return response

    def find(self, path: str, marker: str, what: str, params: dict | None = None, *, also=None) -> dict | None:
        """The first item listed at `path` whose body holds `marker` (and passes `also`), or None."""
        page = 1
        while True:
            items = self.call("GET", path, params={**(params or {}), "per_page": PER_PAGE, "page": page}).json()
            if not isinstance(items, list):
                raise GitHubError(f"GitHub API gave an unexpected answer to the list of {what}")
            found = next(
                (
                    i
                    for i in items
                    if isinstance(i, dict) and marker in str(i.get("body") or "") and (also is None or also(i))
                ),
                None,
            )
            if found is not None or len(items) < PER_PAGE:
                return found
            page += 1

    def written_by_us(self, item: dict) -> bool:
        return (item.get("user") or {}).get("login") == self.bot_login

    def keep_issue(
        self, marker: str, title: str, body: str, *, label: str | None = None, retitle: bool = True,
        close: bool = False,
    ) -> tuple[str, int]:
        """Our one open issue (its body holds `marker`; it has `label` if one is given) edited, or created when
        there is none; with close=True it is closed instead, and none is created.
        Returns what was done ('updated', 'created', 'closed' or 'nothing to do') and the issue's number (0: none)."""
        params = {"state": "open", **({"labels": label} if label else {})}
        ours = self.find("/issues", marker, "issues", params,
                         also=lambda i: "pull_request" not in i and self.written_by_us(i))
        if ours is not None:
            change = {"title": title, "body": body} if retitle else {"body": body}
            if close:
                change["state"] = "closed"
            self.call("PATCH", f"/issues/{ours['number']}", json=change)
            return ("closed" if close else "updated"), ours["number"]
        if close:
            return "nothing to do", 0
        created = self.call(
            "POST", "/issues", json={"title": title, "body": body, **({"labels": [label]} if label else {})}
        ).json()
        return "created", int(created.get("number", 0)) if isinstance(created, dict) else 0

    def keep_comment(self, number: int, marker: str, body: str) -> str:
        """Our comment on issue or pull request `number` edited, or added when there is none: 'updated' or
        'created'. Only the workflow token's own comment is ours: anyone can paste the marker, and another
        bot is not us either."""
        mine = self.find(f"/issues/{number}/comments", marker, "comments", also=self.written_by_us)
        if mine is not None:
            self.call("PATCH", f"/issues/comments/{mine['id']}", json={"body": body})
            return "updated"
        self.call("POST", f"/issues/{number}/comments", json={"body": body})
        return "created"
