"""`make notice-issue`: one GitHub issue, opened then kept up to date, when a cited work gets a new notice
(against the local stand-in for GitHub's API, tests/conftest.py `github`)."""

from __future__ import annotations

import json

from werkzeug import Request, Response

from medsite.tools import notice_issue
from test_gate import BIB
from test_gate import make_project as make_in


def make_project(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    return make_in(folder, files)


REPO = "acme/ms-site"
EMPTY = {"version": 1, "items": []}


def lock(*updates) -> dict:
    """smith2020's DOI (cited by the fixture page) with these Crossref updates; jones2021's without any."""
    return {
        "version": 1,
        "items": [
            {
                "kind": "doi",
                "id": "10.1000/abc123",
                "checked": "2026-11-20",
                "status": "ok",
                "evidence": {"registered_titles": ["A study of MS"], "updates": list(updates)},
            },
            {
                "kind": "doi",
                "id": "10.1000/xyz789",
                "checked": "2026-11-20",
                "status": "ok",
                "evidence": {"registered_titles": ["Another study"]},
            },
        ],
    }


CORRECTION = {"type": "correction", "doi": "10.1000/fix1", "date": "2026-11-18", "source": "publisher"}
RETRACTION = {"type": "retraction", "doi": "10.1000/ret1", "date": "2026-11-19", "source": "retraction-watch"}


def project(tmp_path, now: dict, before: dict):
    root = make_project(tmp_path / "project", {"verification.lock.json": json.dumps(now)})
    previous = tmp_path / "previous.lock.json"  # beside the project: the lock before this week's check
    previous.write_text(json.dumps(before))
    return root, previous


def run(root, previous, github, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("GITHUB_API_URL", github.url_for("/").rstrip("/"))
    monkeypatch.delenv("GITHUB_RUN_ID", raising=False)
    status = notice_issue.main(["--root", str(root), "--previous", str(previous), "--post"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_a_new_notice_opens_one_issue_then_updates_it(tmp_path, github, monkeypatch, capsys):
    root, previous = project(tmp_path, lock(CORRECTION), EMPTY)
    posted = []

    def create(request: Request) -> Response:
        assert request.headers["Authorization"] == "Bearer test-token"
        posted.append(request.get_json())
        return Response(json.dumps({"number": 7}), status=201, content_type="application/json")

    issues = f"/repos/{REPO}/issues"
    github.expect_ordered_request(issues, method="GET").respond_with_json(
        [{"number": 3, "body": "Another issue", "title": "Something else"}]
    )
    github.expect_ordered_request(issues, method="POST").respond_with_handler(create)
    status, out = run(root, previous, github, monkeypatch, capsys)
    assert status == 0 and "opened issue #7" in out
    github.check_assertions()
    [sent] = posted
    assert sent["title"] == notice_issue.TITLE
    body = sent["body"]
    assert body.startswith(notice_issue.MARKER)
    assert "- **New:** Corrected on 18 November 2026: [correction](<https://doi.org/10.1000/fix1>)." in body
    assert "Cited at: `docs/page.md:" in body and "jones2021" not in body  # a work without a notice is not listed

    # The week after, a retraction: the same issue is edited, not a second one opened.
    root, previous = project(tmp_path / "week2", lock(CORRECTION, RETRACTION), lock(CORRECTION))
    github.clear()
    edited = []
    github.expect_ordered_request(issues, method="GET").respond_with_json([{"number": 7, "body": body, "user": {"login": "github-actions[bot]", "type": "Bot"}}])
    github.expect_ordered_request(f"{issues}/7", method="PATCH").respond_with_handler(
        lambda r: (edited.append(r.get_json()), Response("{}", content_type="application/json"))[1]
    )
    status, out = run(root, previous, github, monkeypatch, capsys)
    assert status == 0 and "updated issue #7" in out
    assert not any(r.method == "POST" for r, _ in github.log)
    new = edited[0]["body"]
    assert "- **New:** Retracted on 19 November 2026: [retraction notice](<https://doi.org/10.1000/ret1>)." in new
    assert "- Corrected on 18 November 2026" in new  # known since last week: listed, not marked new


def test_no_new_notice_sends_no_request(tmp_path, github, monkeypatch, capsys):
    root, previous = project(tmp_path, lock(CORRECTION), lock(CORRECTION))
    status, out = run(root, previous, github, monkeypatch, capsys)
    assert status == 0 and "no new notice for a cited work" in out
    assert github.log == []
    # The work was found, cited, with its notice: "nothing new" is not an unread bibliography.
    works = notice_issue.cited_works(root, notice_issue.worknotices.load(root), notice_issue.worknotices.read(previous))
    assert [w.key for w in works] == ["smith2020"] and works[0].notices and not any(w.new for w in works)


def test_an_unreadable_bibliography_fails_the_step_instead_of_finding_nothing(tmp_path, github, monkeypatch, capsys):
    root, previous = project(tmp_path, lock(RETRACTION), lock())
    (root / "docs" / "references.yaml").write_text("- id: broken\n  title: [unclosed\n")
    status, out = run(root, previous, github, monkeypatch, capsys)
    assert status == 1 and "the bibliography cannot be read" in out and "REF002" in out and github.log == []


def test_a_notice_for_a_work_no_page_cites_opens_nothing(tmp_path, github, monkeypatch, capsys):
    uncited = BIB + "- id: lee2019\n  type: book\n  title: A book\n  DOI: 10.1000/lee\n"
    now = {
        "version": 1,
        "items": [
            {
                "kind": "doi",
                "id": "10.1000/lee",
                "checked": "2026-11-20",
                "status": "retracted",
                "evidence": {"updates": [RETRACTION]},
            }
        ],
    }
    root = make_project(
        tmp_path / "project", {"verification.lock.json": json.dumps(now), "docs/references.yaml": uncited}
    )
    (tmp_path / "previous.lock.json").write_text(json.dumps(EMPTY))
    status, out = run(root, tmp_path / "previous.lock.json", github, monkeypatch, capsys)
    assert status == 0 and "no new notice" in out and github.log == []


def test_a_refused_api_call_is_one_line_and_a_failed_step(tmp_path, github, monkeypatch, capsys):
    root, previous = project(tmp_path, lock(RETRACTION), EMPTY)
    github.expect_request(f"/repos/{REPO}/issues", method="GET").respond_with_json(
        {"message": "Bad credentials"}, status=401
    )
    status, out = run(root, previous, github, monkeypatch, capsys)
    assert status == 1
    assert (
        out.strip()
        == f"notice-issue: could not open or update the issue: GitHub API answered HTTP 401 to GET {REPO}/issues"
    )
