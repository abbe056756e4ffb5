"""Currency (issue 22): time-sensitive sentences rest on recent sources, superseded works are cited only for
history, bibliography dates are real, a review due soon is a warning, and the review-due issue is kept up to date.
Every test pins "today" (test_gate.TODAY, or MEDSITE_TODAY set by conftest.py)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil

import pytest
from werkzeug import Request, Response

from conftest import PINNED_TODAY, ROOT, copy_project, run_build
from medsite.core import clock
from medsite.gate import cli
from medsite.gate.project import Project
from medsite.gate.run import run
from medsite.markdown import referencespage
from medsite.markdown.extensions.citations import superseded_works
from medsite.sources import bibliography
from medsite.tools.review import due
from test_gate import BIB, BODY, TODAY, diagnose, line_of, make_project, page

PAGE = "docs/page.md"
BIBFILE = "docs/references.yaml"
# last_reviewed 2026-11-25 (test_gate.page): the window of 24 months starts on 2024-11-25.
OLD = """- id: fda2020
  type: webpage
  author: [{literal: U.S. Food and Drug Administration}]
  title: Consumer alert on stem-cell products
  container-title: FDA
  issued: {date-parts: [[2020, 7, 22]]}
  URL: https://www.fda.gov/alert
"""
NEW = """- id: fda2024
  type: webpage
  author: [{literal: U.S. Food and Drug Administration}]
  title: FDA approves the first MSC product
  container-title: FDA
  issued: {date-parts: [[2024]]}
  URL: https://www.fda.gov/news
"""


def sources(*keys: str) -> str:
    return ", ".join(["smith2020", "jones2021", *keys])


def codes_at(found, code: str) -> list[tuple[str, int]]:
    return [(d.path, d.line) for d in found if d.code == code]


def with_sentence(
    tmp_path, sentence: str, bib: str = BIB + OLD + NEW, keys=("fda2020", "fda2024"), page_type="treatment"
):
    body = BODY + "\n" + sentence + "\n"
    text = page(body, page_type=page_type, sources=sources(*keys), due="2027-11-25")
    found = diagnose(tmp_path, {PAGE: text, BIBFILE: bib})
    return found, line_of(text, sentence[:30])


# --- CUR001: time-sensitive sentences ---------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "No stem-cell product is approved for MS [@fda2020].",
        "The only approved stem-cell products come from cord blood [@fda2020].",
        "Clinics currently need a licence [@fda2020].",
    ],
)
def test_a_time_sensitive_sentence_on_an_old_source_is_an_error_at_its_line(tmp_path, sentence):
    found, line = with_sentence(tmp_path, sentence)
    assert codes_at(found, "CUR001") == [(PAGE, line)]
    message = next(d for d in found if d.code == "CUR001").message
    assert "'fda2020' (issued 22 July 2020)" in message and "2024-11-25" in message


@pytest.mark.parametrize(
    "sentence",
    [
        "No MSC product is approved for MS [@fda2024].",  # a recent source: 2024 counts to its end
        "No stem-cell product was approved for MS as of July 2020 [@fda2020].",
        "In July 2020, the FDA said no exosome product was approved [@fda2020].",
        "When we last reviewed this page, no stem-cell product was approved for MS [@fda2020].",
        "Is it approved where I live [@fda2020]?",  # a question states nothing
        "Both are approved [@fda2020; @fda2024].",  # one recent source is enough
        "Some clinics sell unapproved products [@fda2020].",  # "unapproved" names a kind of product
        "Stem-cell products are approved in some countries.",  # no source to date: the reviewer's call
    ],
)
def test_a_recent_or_dated_sentence_passes(tmp_path, sentence):
    found, _ = with_sentence(tmp_path, sentence)
    assert codes_at(found, "CUR001") == []


def test_the_window_is_read_from_gate_yml(tmp_path):
    sentence = "No stem-cell product is approved for MS [@fda2020]."
    gate = (ROOT / "gate.yml").read_text(encoding="utf-8").replace("window_months: 24", "window_months: 80")
    text = page(BODY + "\n" + sentence + "\n", page_type="treatment", sources=sources("fda2020"), due="2027-11-25")
    root = make_project(tmp_path, {PAGE: text, BIBFILE: BIB + OLD})
    (root / "gate.yml").write_text(gate, encoding="utf-8")
    assert codes_at(run(Project(root, None, today=TODAY), source_only=True), "CUR001") == []


def test_an_undated_web_page_needs_the_sentence_dated(tmp_path):
    undated = OLD.replace("  issued: {date-parts: [[2020, 7, 22]]}\n", "")
    found, line = with_sentence(
        tmp_path, "Clinics currently need a licence [@fda2020].", bib=BIB + undated, keys=("fda2020",)
    )
    assert codes_at(found, "CUR001") == [(PAGE, line)]
    assert "'fda2020' (no date)" in next(d for d in found if d.code == "CUR001").message


@pytest.mark.parametrize("field", ["accessed: {date-parts: [[2026, 6]]}", "as_of: 2026-06-01"])
def test_an_accessed_or_as_of_date_dates_the_statement(tmp_path, field):
    recent = OLD + f"  {field}\n"
    found, _ = with_sentence(
        tmp_path, "Clinics currently need a licence [@fda2020].", bib=BIB + recent, keys=("fda2020",)
    )
    assert codes_at(found, "CUR001") == []


# --- CUR002: superseded works -----------------------------------------------------------------------

SUPERSEDED = OLD + "  superseded_by: fda2024\n"


def test_citing_a_superseded_work_as_current_is_an_error(tmp_path):
    found, line = with_sentence(
        tmp_path, "Cord-blood cells are the products on the market [@fda2020].", bib=BIB + SUPERSEDED + NEW
    )
    assert codes_at(found, "CUR002") == [(PAGE, line)]
    d = next(d for d in found if d.code == "CUR002")
    assert "superseded by 'fda2024'" in d.message and "[@fda2024]" in d.hint


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2020, the FDA said cord-blood cells were the only approved products [@fda2020].",
        "Earlier, the FDA listed cord-blood cells alone [@fda2020].",
    ],
)
def test_citing_a_superseded_work_for_its_history_passes(tmp_path, sentence):
    found, _ = with_sentence(tmp_path, sentence, bib=BIB + SUPERSEDED + NEW)
    assert codes_at(found, "CUR002") == []


def test_status_superseded_with_a_reason_is_read_too(tmp_path):
    bib = BIB + OLD + "  status: superseded\n  reason: The FDA has approved more products since.\n" + NEW
    found, line = with_sentence(tmp_path, "Cord-blood cells are the products on the market [@fda2020].", bib=bib)
    assert codes_at(found, "CUR002") == [(PAGE, line)]
    assert codes_at(found, "CUR003") == []


# --- CUR003, CUR004: the bibliography's own fields -------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field, expected",
    [
        ("  superseded_by: nowhere2030\n", "superseded_by", "'nowhere2030', which is not in the bibliography"),
        ("  superseded_by: fda2020\n", "superseded_by", "names the entry itself"),
        ("  status: superseded\n", "status", "without a reason"),
        ("  status: withdrawn\n", "status", "is not one the site reads"),
    ],
)
def test_a_bad_superseded_field_is_an_error_at_its_line(tmp_path, fields, field, expected):
    bib = BIB + OLD + fields + NEW
    found, _ = with_sentence(tmp_path, "In 2020, the FDA spoke [@fda2020].", bib=bib)
    assert codes_at(found, "CUR003") == [(BIBFILE, line_of(bib, f"  {field}:"))]
    assert expected in next(d for d in found if d.code == "CUR003").message


@pytest.mark.parametrize(
    "fields, field",
    [
        ("  as_of: soon\n", "as_of"),
        ("  as_of: 2024-02-30\n", "as_of"),
        ("  accessed: {date-parts: [[2024, 13]]}\n", "accessed"),
    ],
)
def test_a_malformed_date_is_an_error_at_its_line_never_a_crash(tmp_path, fields, field):
    bib = BIB + OLD + fields
    found, _ = with_sentence(tmp_path, "Clinics currently need a licence [@fda2020].", bib=bib, keys=("fda2020",))
    assert codes_at(found, "CUR004") == [(BIBFILE, line_of(bib, f"  {field}:"))]
    assert not [d for d in found if d.code.startswith("GATE00")]


def test_the_issued_date_is_checked_too(tmp_path):
    bib = BIB + OLD.replace("[[2020, 7, 22]]", "[[2020, 7, 32]]")
    found, _ = with_sentence(tmp_path, "In 2020, the FDA spoke [@fda2020].", bib=bib, keys=("fda2020",))
    assert codes_at(found, "CUR004") == [(BIBFILE, BIB.count("\n") + line_of(OLD, "  issued:"))]


# --- CUR005: review due soon ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "due_date, expected",
    [
        ("2026-12-25", True),  # 30 days after TODAY (2026-11-25): a warning
        ("2026-12-26", False),  # 31 days: silent
        ("2026-11-24", False),  # overdue: META005's error, not a warning
    ],
)
def test_a_review_due_within_30_days_is_a_warning(tmp_path, due_date, expected):
    text = page(last="2026-01-01", due=due_date)
    found = diagnose(tmp_path, {PAGE: text})
    assert codes_at(found, "CUR005") == ([(PAGE, line_of(text, "next_review_due"))] if expected else [])
    assert ("META005" in {d.code for d in found}) == (due_date < str(TODAY))


def test_bad_currency_settings_are_one_gate003_each(tmp_path):
    gate = (ROOT / "gate.yml").read_text(encoding="utf-8")
    gate = gate.replace("window_months: 24", "window_months: soon").replace("'\\bthe only\\b'", "'(?=x)'")
    root = make_project(tmp_path, {})
    (root / "gate.yml").write_text(gate, encoding="utf-8")
    found = [d for d in run(Project(root, None, today=TODAY), source_only=True) if d.code == "GATE003"]
    assert any("currency.window_months" in d.message for d in found)
    assert any("invalid regular expression" in d.message for d in found)
    assert all(d.path == "gate.yml" and d.line == line_of(gate, "currency:") for d in found)


# --- The References page --------------------------------------------------------------------------------


def test_the_references_page_marks_a_superseded_work_and_links_the_newer_one():
    bib = bibliography.parse(
        BIB + SUPERSEDED + NEW + OLD.replace("fda2020", "old2019") + "  status: superseded\n"
        "  reason: Replaced by the *2020* alert.\n",
        BIBFILE,
    )
    uses = {key: [referencespage.Use("page.md", "A page", None, None)] for key in ("fda2020", "fda2024", "old2019")}
    listing = referencespage.render(
        uses, lambda k: f"REF {k}", from_uri="references.md", sort_key=str, superseded=superseded_works(bib, uses)
    )
    fda2020 = listing.split('id="ref-fda2020"')[1].split("</div>")[0]
    assert '<strong>Superseded</strong> by <a href="#ref-fda2024">FDA approves the first MSC product</a>.' in fda2020
    old = listing.split('id="ref-old2019"')[1].split("</div>")[0]
    assert "<strong>Superseded.</strong> Replaced by the *2020* alert." in old  # HTML: no Markdown reads a reason
    assert "Superseded" not in listing.split('id="ref-fda2024"')[1].split("</div>")[0]
    # The newer work not listed on the page: linked by its address instead.
    alone = referencespage.render(
        {"fda2020": uses["fda2020"]},
        str,
        from_uri="references.md",
        sort_key=str,
        superseded=superseded_works(bib, ["fda2020"]),
    )
    assert '<a href="https://www.fda.gov/news">FDA approves the first MSC product</a>' in alone


# --- The suite and the calendar ----------------------------------------------------------------------------


def test_the_suite_pins_today_in_one_place():
    assert os.environ[clock.ENV] == PINNED_TODAY
    assert str(clock.today()) == PINNED_TODAY
    assert str(Project(ROOT, None).today) == PINNED_TODAY


def test_a_bad_pin_is_one_line_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv(clock.ENV, "next week")
    assert cli.main(["--root", str(ROOT), "--source-only"]) == 2
    out = capsys.readouterr()
    assert "MEDSITE_TODAY='next week' is not a date" in out.out + out.err and "Traceback" not in out.out + out.err


def gate_codes(root, today: str) -> list[tuple[str, str, int | None]]:
    """`python -m medsite.gate --source-only --format json --today ...`, run in this process (no start-up to wait for)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(["--root", str(root), "--source-only", "--format", "json", "--today", today])
    text = out.getvalue()
    start = text.find("[")
    assert start >= 0, text
    return sorted((d["code"], d["path"], d.get("line")) for d in json.loads(text[start:]))


DATE_RULES = {"META005", "CUR005", "VER021"}  # overdue review, review due soon, verification results grown old


def test_a_clock_far_in_the_future_changes_only_the_date_rules(tmp_path):
    """The real site's fast gate in 2035 differs from the suite's pinned day only by the date rules: nothing
    else in the suite reads the calendar, so the suite cannot break with it."""
    root = copy_project(tmp_path)
    pinned, future = gate_codes(root, PINNED_TODAY), gate_codes(root, "2035-01-01")
    assert not [c for c in pinned if c[0] in DATE_RULES - {"VER021"}], "the pinned day has no overdue page"
    changed = set(pinned) ^ set(future)
    assert changed and {code for code, _, _ in changed} <= DATE_RULES
    assert {code for code, _, _ in changed} >= {"META005"}  # the far future finds every page overdue


# --- make review-due ---------------------------------------------------------------------------------------


def review_fixture(tmp_path):
    files = {
        "docs/soon.md": page(last="2026-01-01", due="2026-12-10").replace("title: A page", "title: Soon | now"),
        "docs/later.md": page(last="2026-11-01", due="2027-06-01"),
        "docs/late.md": page(last="2025-11-01", due="2026-11-20"),
        PAGE: page(),
    }
    return make_project(tmp_path, files)


def test_review_due_lists_the_pages_due_within_30_days_soonest_first(tmp_path, capsys):
    root = review_fixture(tmp_path)
    assert due.main(["--root", str(root), "--today", "2026-11-25"]) == 0
    body = capsys.readouterr().out
    rows = [line for line in body.splitlines() if line.startswith("| ") and "docs/" in line]
    assert [re.search(r"docs/\w+\.md", r).group(0) for r in rows] == ["docs/late.md", "docs/soon.md"]
    assert "2026-11-20 (overdue: the build fails)" in rows[0] and "2026-12-10 (in 15 days)" in rows[1]
    assert "Soon \\| now" in rows[1]  # a | in a title cannot break the table
    assert body.startswith(due.MARKER)


def test_review_due_reads_the_pinned_today(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(clock.ENV, "2026-12-07")  # the fixture's own day, whatever the suite's pin moves to
    root = review_fixture(tmp_path)
    assert due.main(["--root", str(root)]) == 0  # MEDSITE_TODAY, 2026-12-07: soon.md is due in 3 days
    assert "2026-12-10 (in 3 days)" in capsys.readouterr().out


class FakeIssues:
    """GitHub's issues API as the tool uses it: list open issues by label, edit one, create one."""

    def __init__(self, server, existing):
        self.issues, self.calls = list(existing), []
        server.expect_request(re.compile(r"/repos/owner/site/issues.*")).respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        assert request.headers["Authorization"] == "Bearer t0ken"
        self.calls.append((request.method, request.path, request.get_json(silent=True)))
        if request.method == "GET":
            assert request.args["labels"] == due.LABEL and request.args["state"] == "open"
            return Response(
                json.dumps([i for i in self.issues if i["state"] == "open"]), content_type="application/json"
            )
        if request.method == "PATCH":
            number = int(request.path.rsplit("/", 1)[1])
            issue = next(i for i in self.issues if i["number"] == number)
            issue.update(request.get_json())
            return Response(json.dumps(issue), content_type="application/json")
        new = {"number": 100 + len(self.issues), "state": "open", **request.get_json()}
        self.issues.append(new)
        return Response(json.dumps(new), status=201, content_type="application/json")


def run_issue(tmp_path, github, monkeypatch, today: str) -> int:
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/site")
    monkeypatch.setenv("GITHUB_API_URL", github.url_for("/").rstrip("/"))
    return due.main(["--root", str(review_fixture(tmp_path)), "--today", today, "--issue"])


def test_review_due_creates_the_one_issue_when_none_is_open(tmp_path, github, monkeypatch):
    api = FakeIssues(github, [{"number": 7, "state": "open", "title": "Something else", "body": "not ours"}])
    assert run_issue(tmp_path, github, monkeypatch, "2026-11-25") == 0
    method, path, payload = api.calls[-1]
    assert (method, path) == ("POST", "/repos/owner/site/issues")
    assert payload["labels"] == [due.LABEL] and "docs/soon.md" in payload["body"] and due.MARKER in payload["body"]
    assert api.issues[0]["body"] == "not ours"  # another issue with the label is left alone


def test_review_due_updates_the_open_issue_and_closes_it_when_nothing_is_due(tmp_path, github, monkeypatch):
    api = FakeIssues(github, [{"number": 12, "state": "open", "title": "old", "body": due.MARKER + "\nold list",
                              "user": {"login": "github-actions[bot]", "type": "Bot"}}])
    assert run_issue(tmp_path, github, monkeypatch, "2026-11-25") == 0
    assert [c[:2] for c in api.calls] == [("GET", "/repos/owner/site/issues"), ("PATCH", "/repos/owner/site/issues/12")]
    assert "docs/soon.md" in api.issues[0]["body"] and api.issues[0]["state"] == "open"
    # Every page reviewed: the issue says so and closes.
    shutil.rmtree(tmp_path / "docs")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "references.yaml").write_text(BIB, encoding="utf-8")
    (tmp_path / "docs" / "page.md").write_text(page(), encoding="utf-8")
    assert due.main(["--root", str(tmp_path), "--today", "2026-11-25", "--issue"]) == 0
    assert api.issues[0]["state"] == "closed" and "No page is due" in api.issues[0]["body"]


def test_review_due_never_edits_an_issue_someone_else_wrote_with_the_marker(tmp_path, github, monkeypatch):
    # Anyone may open an issue and paste the hidden marker (and a maintainer may label it): only the
    # workflow token's own issue is edited; another one is created beside it.
    pasted = {"number": 12, "state": "open", "title": "mine", "body": due.MARKER + "\nmy text",
              "user": {"login": "someone", "type": "User"}}
    other_bot = {**pasted, "number": 13, "user": {"login": "dependabot[bot]", "type": "Bot"}}
    api = FakeIssues(github, [pasted, other_bot])
    assert run_issue(tmp_path, github, monkeypatch, "2026-11-25") == 0
    assert [c[:2] for c in api.calls] == [("GET", "/repos/owner/site/issues"), ("POST", "/repos/owner/site/issues")]
    assert api.issues[0]["body"] == due.MARKER + "\nmy text" and api.issues[1]["body"] == due.MARKER + "\nmy text"


def test_review_due_reports_an_api_failure_in_one_line(tmp_path, github, monkeypatch, capsys):
    github.expect_request(re.compile(r"/repos/owner/site/issues.*")).respond_with_data("no", status=403)
    assert run_issue(tmp_path, github, monkeypatch, "2026-11-25") == 1
    out = capsys.readouterr().out
    assert "::error title=review-due issue::GitHub API answered HTTP 403" in out and "Traceback" not in out


# --- The real site ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_real_references_page_marks_a_superseded_work(tmp_path):
    """A real build: an entry cited only for its history (the 2009 UK answer) marked superseded builds with
    0 errors, and its References entry says so."""
    root = copy_project(tmp_path)
    bib = root / BIBFILE
    text = bib.read_text(encoding="utf-8")
    marker = "- id: hansard2009_stemcells\n"
    assert marker in text
    bib.write_text(
        text.replace(marker, marker + "  status: superseded\n  reason: A test of the mark.\n"), encoding="utf-8"
    )
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (root / "site" / "references" / "index.html").read_text(encoding="utf-8")
    entry = html.split('id="ref-hansard2009_stemcells"')[1].split("</div>")[0]
    assert '<p class="reference-superseded"><strong>Superseded.</strong> A test of the mark.</p>' in entry
