"""A pull request from a fork gets the same comment: its read-only run uploads its results as data, and the
privileged workflow (pull-request-comment.yml, on `workflow_run`) checks them and posts, never running the
pull request's code. Exercised with a recorded workflow_run event and the stand-in for GitHub's API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from werkzeug import Request, Response

from medsite.tools import workflowcheck
from medsite.tools.review import comment, fork_comment
from medsite.tools.review.results import FILE, MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
REPO = "acme/ms-site"
NUMBER, RUN_ID = 7, 4242
HEAD = "a" * 40
PREVIEW = f"https://github.com/{REPO}/actions/runs/{RUN_ID}/artifacts/99"
# What a fork controls: every text in its findings. None of it may become Markdown, a link or a mention.
FORGED = "word to avoid 'miracle'\n## Checks passed](https://evil.example) @everyone <img src=x>"
PULL = f"/repos/{REPO}/pulls/{NUMBER}"
COMMENTS = f"/repos/{REPO}/issues/{NUMBER}/comments"


def load(name: str) -> dict:
    return yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


@pytest.fixture
def fork_run(tmp_path, monkeypatch):
    """The unprivileged run's comment step, as a fork's pull request runs it (no token that can comment):
    it writes the results folder; and the workflow_run event the privileged workflow then receives."""
    monkeypatch.chdir(tmp_path)
    findings = [
        {
            "code": "EVID001",
            "message": FORGED,
            "path": "docs/about-ms/symptoms.md",
            "line": 9,
            "severity": "error",
            "hint": "say what was studied",
        },
        {
            "code": "REF007",
            "message": "entry never cited",
            "path": "docs/references.yaml",
            "line": 3,
            "severity": "warning",
        },
    ]
    (tmp_path / "gate.json").write_text(json.dumps(findings))
    pr_event = tmp_path / "pr-event.json"
    pr_event.write_text(
        json.dumps({"pull_request": {"number": NUMBER, "head": {"sha": HEAD}}, "repository": {"full_name": REPO}})
    )
    summary = tmp_path / "summary.md"
    for name, value in {
        "GITHUB_EVENT_PATH": str(pr_event),
        "GITHUB_RUN_ID": str(RUN_ID),
        "GITHUB_STEP_SUMMARY": str(summary),
        "PREVIEW_URL": PREVIEW,
        "PR_RESULTS": "pr-results",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert comment.main([]) == 0
    event = tmp_path / "run-event.json"
    event.write_text(
        json.dumps(
            {
                "action": "completed",
                "repository": {"full_name": REPO},
                "workflow_run": {
                    "id": RUN_ID,
                    "event": "pull_request",
                    "head_sha": HEAD,
                    "pull_requests": [],
                    "head_repository": {"full_name": "someone/ms-site"},
                },
            }
        )
    )
    return tmp_path, event, summary


def env_for(github, event: Path) -> dict:
    return {
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_API_URL": github.url_for("/").rstrip("/"),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_TOKEN": "privileged-token",
        "PR_RESULTS": "pr-results",
    }


def test_a_forks_pull_request_gets_the_same_comment_from_the_privileged_workflow(fork_run, github, capsys):
    root, event, summary = fork_run
    posted: list[str] = []

    def create(request: Request) -> Response:
        assert request.headers["Authorization"] == "Bearer privileged-token"
        posted.append(request.get_json()["body"])
        return Response(json.dumps({"id": 1}), status=201, content_type="application/json")

    github.expect_ordered_request(PULL, method="GET").respond_with_json({"number": NUMBER, "head": {"sha": HEAD}})
    github.expect_ordered_request(COMMENTS, method="GET").respond_with_json([])
    github.expect_ordered_request(COMMENTS, method="POST").respond_with_handler(create)
    assert fork_comment.main([], env_for(github, event)) == 0, capsys.readouterr()
    github.check_assertions()
    [body] = posted
    # The same comment the run would have posted itself (its job summary holds it), links and counts alike.
    assert body.replace(comment.MARKER, "") + "\n" in summary.read_text(encoding="utf-8")
    assert body.startswith(comment.MARKER + "\n## Checks failed: 1 error(s), 1 warning(s)")
    assert f"({PREVIEW})" in body and f"(https://github.com/{REPO}/actions/runs/{RUN_ID})" in body
    line = next(x for x in body.splitlines() if "EVID001" in x)
    assert "⏎" in line and "\\]\\(https\\://evil" in line and "\\<img" in line  # one line, every mark escaped
    assert not re.search(r"(?<!\\)(?:<img|\]\(https://evil)", body) and body.count("\n## ") == 1
    assert "@\u200beveryone" in line  # shown, never a mention


def test_results_naming_another_pull_request_are_not_posted(fork_run, github, capsys):
    _, event, _ = fork_run
    github.expect_request(PULL, method="GET").respond_with_json({"number": NUMBER, "head": {"sha": "b" * 40}})
    assert fork_comment.main([], env_for(github, event)) == 1
    assert "head is not the commit the run checked; nothing posted" in capsys.readouterr().out
    assert not any(r.method == "POST" for r, _ in github.log)


@pytest.mark.parametrize(
    "results, why",
    [
        ("[1, 2, 3]", "is not version 1 results"),
        (json.dumps({"version": 1, "pull_request": "7; rm -rf /"}), "number is not a positive integer"),
        (
            json.dumps(
                {"version": 1, "pull_request": 7, "diagnostics": [{"code": "<b>", "message": "m", "path": "p"}]}
            ),
            "diagnostics[0] is not a diagnostic",
        ),
        ("x" * (MAX_BYTES + 1), "over the limit"),
    ],
)
def test_results_that_are_not_what_the_run_writes_are_refused(fork_run, github, capsys, results, why):
    root, event, _ = fork_run
    (root / "pr-results" / FILE).write_text(results)
    assert fork_comment.main([], env_for(github, event)) == 1
    out = capsys.readouterr().out
    assert (
        out.startswith("::error title=pull-request comment::the pull request's results cannot be used: ") and why in out
    )
    assert not github.log  # not even a question to GitHub


def test_a_preview_link_outside_the_runs_artifacts_is_dropped(fork_run, github):
    root, event, _ = fork_run
    path = root / "pr-results" / FILE
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "preview_url": "https://evil.example/phish"}))
    posted = []
    github.expect_request(PULL, method="GET").respond_with_json({"head": {"sha": HEAD}})
    github.expect_request(COMMENTS, method="GET").respond_with_json([])
    github.expect_request(COMMENTS, method="POST").respond_with_handler(
        lambda r: (posted.append(r.get_json()["body"]), Response("{}", status=201))[1]
    )
    assert fork_comment.main([], env_for(github, event)) == 0
    assert "evil.example" not in posted[0] and "**Preview:**" not in posted[0]


def test_the_workflows_pass_data_only():
    pr = load("pull-request.yml")
    steps = pr["jobs"]["gate"]["steps"]
    upload = next(s for s in steps if s.get("with", {}).get("name") == "pr-results")
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["if"] == "${{ !cancelled() }}"
    assert next(s for s in steps if s.get("run") == "make pr-comment")["env"]["PR_RESULTS"] == "pr-results"

    after = load("pull-request-comment.yml")
    assert after["on"]["workflow_run"] == {"workflows": ["Pull request"], "types": ["completed"]}
    assert after["permissions"] == {"contents": "read"}
    [job] = after["jobs"].values()
    assert "head_repository.full_name != github.repository" in job["if"]  # forks only; the others comment themselves
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert set(checkout.get("with", {})) == {"persist-credentials"}  # the default branch, never the head
    download = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["name"] == "pr-results" and "workflow_run.id" in download["with"]["run-id"]
    assert [s["run"] for s in job["steps"] if "run" in s] == ["make pr-comment-fork"]
    assert workflowcheck.check([WORKFLOWS / "pull-request-comment.yml"]) == []


def test_workflowcheck_refuses_a_privileged_workflow_that_checks_out_the_head(tmp_path):
    text = (WORKFLOWS / "pull-request-comment.yml").read_text(encoding="utf-8")
    bad = tmp_path / "comment.yml"
    bad.write_text(
        text.replace(
            "          persist-credentials: false\n",
            "          persist-credentials: false\n          ref: ${{ github.event.workflow_run.head_sha }}\n",
            1,
        )
    )
    [found] = workflowcheck.check([bad])
    assert found.code == "WF005" and found.line == text[: text.index("persist-credentials")].count("\n") + 2
