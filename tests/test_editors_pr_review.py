"""A simulated pull request: the workflow's own steps (gate, one-file preview, comment), run on a copy of the
project with a failing change, a recorded pull_request event payload, and a local server playing the GitHub API."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import copy_project
from medsite.tools.review.comment import MARKER
from project_facts import editable_page
from test_workflows import REPO, make_env, steps, the_workflow

PAGE = editable_page()

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

REPO_NAME = "acme/ms-site"
NUMBER = 7
PREVIEW_URL = "https://github.com/acme/ms-site/actions/runs/42/artifacts/4242"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(root, *args) -> str:
    return subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, check=True,
                          capture_output=True, text=True).stdout.strip()


def gate_job() -> list[dict]:
    _, workflow = the_workflow("pull_request")
    return steps(workflow["jobs"]["gate"])


def step_running(command: str) -> dict:
    return next(s for s in gate_job() if str(s.get("run", "")).startswith(command))


def expand(value: str, outputs: dict) -> str:
    """The few `${{ }}` expressions our steps use, as GitHub would fill them in."""
    return re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: outputs[m.group(1)], value)


@pytest.fixture
def pull_request(tmp_path):
    """A repository whose pull request adds a word to avoid to a condition page (PAGE); its event payload."""
    (tmp_path / "project").mkdir()
    root = copy_project(tmp_path / "project")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    base = git(root, "rev-parse", "HEAD")
    page = root / PAGE.rel
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.strip() == "---"][1] + 1
    lines.insert(at, "Our treatment is a miracle for people with MS.\n\n")
    page.write_text("".join(lines), encoding="utf-8")
    git(root, "commit", "-qam", "change")
    payload = {"action": "synchronize", "number": NUMBER,
               "pull_request": {"number": NUMBER, "base": {"sha": base}, "head": {"sha": git(root, "rev-parse", "HEAD")}},
               "repository": {"full_name": REPO_NAME}}
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload))
    return root, event, at + 1


def run_step(root: Path, step: dict, env: dict) -> subprocess.CompletedProcess:
    """One workflow step as written, with `make` pointed at this repository's Makefile and installed venv."""
    venv = Path(sys.prefix)
    shim = (f'make() {{ command make -f {shlex.quote(str(REPO / "Makefile"))} '
            f'-o {shlex.quote(str(venv / ".installed"))} VENV={shlex.quote(str(venv))} "$@"; }}\n')
    return subprocess.run(["bash", "-eo", "pipefail", "-c", shim + step["run"]], cwd=root,
                          env=make_env(NO_MKDOCS_2_WARNING="1", **env), capture_output=True, text=True, timeout=300)


def comment_env(step: dict, github: HTTPServer, event: Path, summary: Path) -> dict:
    outputs = {"github.token": "test-token", "steps.preview.outputs.artifact-url": PREVIEW_URL}
    env = {k: expand(str(v), outputs) for k, v in (step.get("env") or {}).items()}
    return {**env, "GITHUB_EVENT_PATH": str(event), "GITHUB_API_URL": github.url_for("/").rstrip("/"),
            "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42", "GITHUB_STEP_SUMMARY": str(summary)}


def test_a_failing_pull_request_gets_a_preview_and_one_comment_kept_up_to_date(pull_request, github, tmp_path):
    root, event, line = pull_request
    summary = tmp_path / "summary.md"

    gate = run_step(root, step_running("make site"), {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_EVENT_PATH": str(event)})
    assert gate.returncode != 0 and (root / "gate.json").is_file()

    # The preview: one self-contained file, made although the gate failed.
    preview = run_step(root, step_running("make pr-preview"), {"GITHUB_EVENT_PATH": str(event)})
    assert preview.returncode == 0, preview.stdout + preview.stderr
    html = (root / "preview.html").read_text(encoding="utf-8")
    assert f"PREVIEW of pull request #{NUMBER}: NOT PUBLISHED" in html and "the checks FAILED" in html
    assert "Our treatment is a miracle for people with" in html  # the changed page, as built
    assert "EVID001" in html  # its error, above the page
    assert "<script" not in html and "<link" not in html and not re.search(r"<[^>]+\son\w+=", html)
    assert not re.search(r'<(?:img|a)\b[^>]*\b(?:src|href)="(?!data:|https?:|mailto:|#)', html), "a link to another file"

    # The comment: created the first time...
    posted: list[dict] = []

    def create(request: Request) -> Response:
        assert request.headers["Authorization"] == "Bearer test-token"
        posted.append(request.get_json())
        return Response(json.dumps({"id": 99}), status=201, content_type="application/json")

    comments = f"/repos/{REPO_NAME}/issues/{NUMBER}/comments"
    # The marker pasted by a person, or by another bot, does not make a comment ours: ours is created.
    github.expect_ordered_request(comments, method="GET").respond_with_json([
        {"id": 5, "body": "Looks good to me", "user": {"login": "reviewer", "type": "User"}},
        {"id": 6, "body": MARKER + "\nforged", "user": {"login": "reviewer", "type": "User"}},
        {"id": 7, "body": MARKER + "\nanother app", "user": {"login": "some-app[bot]", "type": "Bot"}}])
    github.expect_ordered_request(comments, method="POST").respond_with_handler(create)
    step = step_running("make pr-comment")
    first = run_step(root, step, comment_env(step, github, event, summary))
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"created the comment on pull request #{NUMBER}" in first.stdout
    [body] = [p["body"] for p in posted]
    assert body.startswith(MARKER + "\n## Checks failed: ")
    assert "Not published" in body and f"[open the pages this pull request changes]({PREVIEW_URL})" in body
    errors_at, details_at = body.index("### Errors"), body.index("<details>")
    assert errors_at < details_at  # errors first, warnings folded after them
    error = next(x for x in body.splitlines() if "EVID001" in x)
    assert error.startswith(f"- `{PAGE.rel}:{line}` **EVID001** ") and "<br>Fix: " in error
    assert "sources have never been verified online" in body[details_at:]  # one folded line, not dozens
    assert body.count("VER020") == 1
    assert "[Log of this check](https://github.com/acme/ms-site/actions/runs/42)" in body
    github.check_assertions()

    # ...and edited, not repeated, on the next push.
    github.clear()
    edited: list[dict] = []
    github.expect_ordered_request(comments, method="GET").respond_with_json([
        {"id": 5, "body": "Looks good to me", "user": {"login": "reviewer", "type": "User"}},
        {"id": 99, "body": body, "user": {"login": "github-actions[bot]", "type": "Bot"}}])
    github.expect_ordered_request(f"/repos/{REPO_NAME}/issues/comments/99", method="PATCH").respond_with_handler(
        lambda r: (edited.append(r.get_json()), Response("{}", content_type="application/json"))[1])
    second = run_step(root, step, comment_env(step, github, event, summary))
    assert second.returncode == 0 and "updated the comment" in second.stdout, second.stdout + second.stderr
    assert edited and edited[0]["body"].startswith(MARKER)
    assert not any(r.method == "POST" for r, _ in github.log)
    assert "## Checks failed" in summary.read_text()


def test_a_read_only_token_still_leaves_the_report_in_the_job_summary(pull_request, github, tmp_path):
    root, event, _ = pull_request
    (root / "gate.json").write_text(json.dumps([{"code": "EVID001", "message": "word to avoid 'miracle'",
                                                 "path": "docs/about-ms/symptoms.md", "line": 9, "severity": "error",
                                                 "hint": "say what was studied"}]))
    comments = f"/repos/{REPO_NAME}/issues/{NUMBER}/comments"
    github.expect_request(comments, method="GET").respond_with_json([])
    github.expect_request(comments, method="POST").respond_with_json({"message": "Resource not accessible by integration"},
                                                                      status=403)
    summary = tmp_path / "summary.md"
    step = step_running("make pr-comment")
    result = run_step(root, step, comment_env(step, github, event, summary))
    assert result.returncode == 0
    assert "::warning title=pull-request comment::could not comment (GitHub API answered HTTP 403" in result.stdout
    text = summary.read_text()
    assert "`docs/about-ms/symptoms.md:9` **EVID001** word to avoid 'miracle'<br>Fix: say what was studied" in text
