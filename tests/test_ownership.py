"""The trust boundary in CI: a pull request touching a maintainer-owned file fails without a maintainer's approval.

.github/CODEOWNERS is the one list; the check (medsite.tools.review.ownership) reads it, the changed files
and the reviews as data, from a recorded pull_request_target event and a local server playing GitHub's API.
The workflow that runs it never checks out the pull request's code.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from conftest import ROOT
from medsite.tools.review import ownership

CODEOWNERS = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
WORKFLOW = ROOT / ".github" / "workflows" / "maintainer-files.yml"
REPO = "acme/ms-site"
NUMBER = 9
HEAD = "b" * 40
OLD = "a" * 40

EDITORS = ["docs/about-ms/symptoms.md", "docs/stem-cells/new-page.md", "includes/abbreviations.md",
           "docs/references.yaml", "data/clinic-offer.yaml", "docs/assets/figures/nerve.svg", "docs/assets/figures/a.png",
           "reviews.yml"]  # clinical review records: a clinical reviewer signs them off (the reviewers list is mkdocs.yml's)
MAINTAINERS = ["mkdocs.yml", "gate.yml", "overrides/main.html", "overrides/partials/footer.html",
               "scripts/mkdocs_hooks.py", "scripts/medsite/sources/config_lock.py", "docs/assets/site.css",
               "docs/assets/editor.css", "docs/extra.js", "docs/assets/deep/x.mjs", ".github/workflows/pull-request.yml",
               ".github/CODEOWNERS", "requirements.txt", "requirements.in", "requirements-installer.txt", "Makefile", "pyproject.toml",
               "package.json", "package-lock.json", ".ci/run.sh", "tests/test_gate.py", ".pre-commit-config.yaml"]


def rules():
    return ownership.parse_codeowners(CODEOWNERS)


@pytest.mark.parametrize("path", EDITORS)
def test_editors_files_are_not_maintainer_owned(path):
    assert ownership.maintainer_owned(rules(), [path]) == []


@pytest.mark.parametrize("path", MAINTAINERS)
def test_maintainers_files_are_maintainer_owned(path):
    assert ownership.maintainer_owned(rules(), [path]) == [path]


def test_the_maintainers_are_the_owners_of_codeowners():
    assert ownership.maintainers(rules()) == ("@zignagenix/maintainers",)


def review(login, state, commit=HEAD):
    return {"user": {"login": login}, "state": state, "commit_id": commit}


def no_role(_login):
    return False


def test_decisions():
    decide = ownership.decide
    assert decide(CODEOWNERS, EDITORS, [], HEAD, no_role) == []  # content only: no maintainer needed
    [d] = decide(CODEOWNERS, ["docs/index.md", "mkdocs.yml", "docs/assets/site.css"], [], HEAD, no_role)
    assert d.code == "GATE012" and "docs/assets/site.css, mkdocs.yml" in d.message and "docs/index.md" not in d.message
    approved = [review("maya", "APPROVED")]
    assert decide(CODEOWNERS, ["mkdocs.yml"], approved, HEAD, lambda login: login == "maya") == []
    assert decide(CODEOWNERS, ["mkdocs.yml"], approved, HEAD, no_role)  # an approval by someone not a maintainer
    assert decide(CODEOWNERS, ["mkdocs.yml"], [review("maya", "APPROVED", OLD)], HEAD, lambda _: True)  # a later push
    assert decide(CODEOWNERS, ["mkdocs.yml"], [*approved, review("maya", "CHANGES_REQUESTED")], HEAD, lambda _: True)
    assert decide(CODEOWNERS, ["mkdocs.yml"], [review("maya", "COMMENTED")], HEAD, lambda _: True)
    # A person named in CODEOWNERS beside the team counts without a role.
    named = CODEOWNERS.replace("/.github/                   @zignagenix/maintainers",
                               "/.github/                   @zignagenix/maintainers @maya")
    assert decide(named, [".github/CODEOWNERS"], approved, HEAD, no_role) == []


def serve_pull(github, files, reviews, roles):
    base = f"/repos/{REPO}"
    listed = [{"filename": f, "status": "modified"} for f in files]
    # Two pages of files, as GitHub pages them (100 per page): the check must read both.
    github.expect_request(f"{base}/pulls/{NUMBER}/files", query_string={"per_page": "100", "page": "1"}).respond_with_json(
        [{"filename": f"docs/page-{i}.md"} for i in range(100)])
    github.expect_request(f"{base}/pulls/{NUMBER}/files", query_string={"per_page": "100", "page": "2"}).respond_with_json(listed)
    github.expect_request(f"{base}/pulls/{NUMBER}/reviews").respond_with_json(reviews)
    for login, role in roles.items():
        github.expect_request(f"{base}/collaborators/{login}/permission").respond_with_json({"role_name": role})


def run_check(tmp_path, github, token="test-token"):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": NUMBER, "repository": {"full_name": REPO},
                                 "pull_request": {"number": NUMBER, "head": {"sha": HEAD}, "base": {"sha": OLD}}}))
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "scripts"), "GITHUB_EVENT_PATH": str(event),
           "GITHUB_API_URL": github.url_for("/").rstrip("/"), "GITHUB_TOKEN": token}
    # As the workflow runs it: the system's Python, nothing installed, in the base branch's checkout.
    return subprocess.run(["python3", "-m", "medsite.tools.review.ownership", "--codeowners", ".github/CODEOWNERS"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_pull_request_changing_mkdocs_yml_fails_without_a_maintainers_approval(tmp_path, github):
    serve_pull(github, ["docs/about-ms/symptoms.md", "mkdocs.yml", ".github/workflows/pull-request.yml"],
               [review("eddie", "APPROVED")], {"eddie": "write"})
    result = run_check(tmp_path, github)
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    assert line.startswith(".github/workflows/pull-request.yml: GATE012 changed without a maintainer's approval of commit bbbbbbb")
    assert "(maintainer-owned: .github/workflows/pull-request.yml, mkdocs.yml)" in line
    assert "symptoms" not in line and "Traceback" not in result.stderr
    assert any(req.headers.get("Authorization") == "Bearer test-token" for req, _ in github.log)


def test_the_same_pull_request_passes_once_a_maintainer_approved_its_head(tmp_path, github):
    serve_pull(github, ["mkdocs.yml"], [review("eddie", "APPROVED"), review("maya", "APPROVED")],
               {"eddie": "write", "maya": "maintain"})
    result = run_check(tmp_path, github)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 maintainer-owned file(s) changed, approved by a maintainer" in result.stdout


def test_a_content_only_pull_request_needs_no_maintainer(tmp_path, github):
    serve_pull(github, EDITORS, [], {})
    result = run_check(tmp_path, github)
    assert result.returncode == 0 and "0 maintainer-owned file(s) changed" in result.stdout, result.stdout + result.stderr


def test_a_renamed_maintainer_file_counts_by_its_old_name(tmp_path, github):
    base = f"/repos/{REPO}"
    github.expect_request(f"{base}/pulls/{NUMBER}/files").respond_with_json(
        [{"filename": "docs/assets/hook.txt", "previous_filename": "scripts/mkdocs_hooks.py", "status": "renamed"}])
    github.expect_request(f"{base}/pulls/{NUMBER}/reviews").respond_with_json([])
    result = run_check(tmp_path, github)
    assert result.returncode == 1 and "scripts/mkdocs_hooks.py" in result.stdout


def test_when_github_cannot_be_read_the_check_fails_with_one_line(tmp_path, github):
    github.expect_request(f"/repos/{REPO}/pulls/{NUMBER}/files").respond_with_data("no", status=403)
    result = run_check(tmp_path, github)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "GATE012 the check could not decide: GitHub answered 403" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_workflow_never_runs_the_pull_requests_code():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = workflow.pop(True, workflow.get("on"))
    assert list(on) == ["pull_request_target"]  # the base branch's workflow: a pull request cannot rewrite it
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read"}
    (job,) = workflow["jobs"].values()
    for step in job["steps"]:
        if str(step.get("uses", "")).startswith("actions/checkout"):
            assert set(step.get("with") or {}) == {"persist-credentials"}  # no ref: the base branch, never the head
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "github.event.pull_request.head" not in text and "secrets." not in text
    scripts = " ".join(str(step.get("run", "")) for step in job["steps"])
    assert "make " not in scripts and "pip" not in scripts  # nothing installed or built
    assert scripts.strip().endswith("python3 -m medsite.tools.review.ownership --codeowners .github/CODEOWNERS")


def test_the_patterns_follow_githubs_rules():
    owned = ownership.parse_codeowners("/.github/ @m\n/docs/ @e\n*.css @m\n/docs/x/ @e\n/a/**/b.txt @m\nlogs/ @m\n")
    assert ownership.owners_of(owned, "docs/x/y.css") == ("@e",)  # the last matching line wins
    assert ownership.owners_of(owned, "docs/y.css") == ("@m",)
    assert ownership.owners_of(owned, "a/b.txt") == ("@m",) and ownership.owners_of(owned, "a/q/r/b.txt") == ("@m",)
    assert ownership.owners_of(owned, "src/logs/1") == ("@m",)  # a slash at the end only: a folder anywhere
    assert ownership.owners_of(owned, "src/logs") == ()  # ...and only a folder
    with pytest.raises(ownership.OwnershipError):
        ownership.parse_codeowners("!docs/ @m\n")
