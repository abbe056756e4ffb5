"""Clinical sign-off bound to the text (issue 23, part 1): a fixture reviewer, `make review`, real builds.

A small project (the real templates, hooks, includes and gate; two condition pages and a fictitious
bibliography: the 10.5555 DOI prefix is Crossref's test prefix) with one fixture reviewer. A review
is recorded with the command; the page names the reviewer only while its text, its includes and its
cited works are the ones recorded. Dates are counted from today, so no test depends on the day it runs.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from conftest import run_build, small_project
from medsite.gate.project import Project
from medsite.gate.run import run
from medsite.markdown import fingerprint
from medsite.sources import bibliography, frontmatter, reviews
from medsite.tools.review import record
from test_gate import OTHER, diagnose, html, site_files

TODAY = dt.date.today()
REVIEWED_ON = TODAY - dt.timedelta(days=5)
TEAM = [
    {
        "id": "ada-real",
        "name": "Dr Ada Real",
        "role": "Consultant neurologist",
        "registration": {"body": "General Medical Council", "number": "7654321"},
        "conflicts_of_interest": "None declared",
        "github": "ada-real-gh",
    }
]
CITED = "Most people with MS have relapses at first [@safe2020]."
BODY = f"""{CITED} Some people later have a steady worsening [@other2021].

## What it means {{#meaning}}

Everyone's MS is different.
"""

SOURCES = "safe2020, other2021"


def page(body: str, title: str = "What MS is", page_type: str = "condition", sources: str = "") -> str:
    last, due = TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=300)
    return (
        f"---\ntitle: {title}\ndescription: A plain description.\npage_type: {page_type}\n"
        f'last_reviewed: {last}\nnext_review_due: {due}\nreviewed_by: ""\nsources: [{sources}]\n---\n\n{body}\n'
    )


def entry(key: str, title: str) -> dict:
    return {
        "id": key,
        "type": "article-journal",
        "author": [{"family": "Example", "given": "A"}],
        "title": title,
        "container-title": "J Test",
        "issued": {"date-parts": [[2020]]},
        "DOI": f"10.5555/{key}",
    }


BIB = [
    entry("safe2020", "A fictitious study of relapses"),
    entry("other2021", "A fictitious study of progression"),
    entry("unused2022", "A fictitious study nobody cites"),
]


def make_project(tmp_path, team=TEAM):
    """The fixture project: our templates, hooks, includes and gate, two pages and the pages templates link to."""
    pages = {
        "reviewed.md": page(BODY, sources=SOURCES),
        "unrelated.md": page("Another page's text [@safe2020].\n", "Another page", sources="safe2020"),
    }
    filler = page("A page.", "Home").replace("condition", "about")
    return small_project(tmp_path, pages, BIB, filler, {"extra.editorial_team": team})


def review(root, page_rel="docs/reviewed.md", reviewer="ada-real", day=REVIEWED_ON) -> int:
    return record.main(["--root", str(root), "--page", page_rel, "--reviewer", reviewer, "--date", day.isoformat()])


def build(root, *args):
    result = run_build(root, "--format", "json", *args)
    out = result.stdout
    start = out.find("[")
    assert start >= 0, out + result.stderr
    return result.returncode, json.loads(out[start:])


def footer_and_jsonld(root, uri="reviewed"):
    tree = LexborHTMLParser((root / "site" / uri / "index.html").read_text(encoding="utf-8"))
    byline = tree.css_first(".health-footer__byline").text(deep=True)
    byline = " ".join(byline.split())
    data = json.loads(tree.css_first('script[type="application/ld+json"]').text())
    dates = tree.css_first(".health-footer__dates time").attributes["datetime"]
    return byline, data, dates


def codes(diagnostics, path="docs/reviewed.md"):
    return {d["code"] for d in diagnostics if d["path"] == path and d["code"].startswith("REVIEW")}


def gate(root):
    return run(Project(root, None, today=TODAY), source_only=True)


# --- the end-to-end story, on real builds -------------------------------------------------------------


@pytest.mark.slow
def test_a_review_holds_only_while_the_reviewed_text_is_unchanged(tmp_path):
    root = make_project(tmp_path)
    assert review(root) == 0
    recorded = (root / "reviews.yml").read_text()
    assert "reviewer: ada-real" in recorded and f"date: {REVIEWED_ON}" in recorded
    rc, found = build(root)
    assert rc == 0, [d for d in found if d["severity"] == "error"]
    assert codes(found) == {"REVIEW007"}  # the front matter still has the old dates: the page shows the record's
    # As the command asks, the editor copies the record's dates into the front matter (no change to the text).
    due = next(line for line in recorded.splitlines() if "next_review_due" in line).split(": ")[1]
    doc = root / "docs" / "reviewed.md"
    text = doc.read_text()
    doc.write_text(
        text.replace(f"last_reviewed: {TODAY - dt.timedelta(days=30)}", f"last_reviewed: {REVIEWED_ON}").replace(
            f"next_review_due: {TODAY + dt.timedelta(days=300)}", f"next_review_due: {due}"
        )
    )

    rc, found = build(root)
    assert rc == 0, [d for d in found if d["severity"] == "error"]
    byline, data, shown = footer_and_jsonld(root)
    assert f"Clinically reviewed by Dr Ada Real, Consultant neurologist on {REVIEWED_ON.day} " in byline
    assert "Registration: General Medical Council 7654321. Conflicts of interest: None declared." in byline
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr Ada Real", "jobTitle": "Consultant neurologist"}
    assert data["lastReviewed"] == shown == REVIEWED_ON.isoformat()  # the record's date, not the front matter's
    assert codes(found) == set()

    # One cited sentence edited: the page says so, names nobody, and the gate warns at the page.
    original = (root / "docs" / "reviewed.md").read_text()
    (root / "docs" / "reviewed.md").write_text(original.replace("at first", "in the first years"))
    rc, found = build(root)
    assert rc == 0, found  # a warning on a condition page: published, saying it awaits re-review
    byline, data, shown = footer_and_jsonld(root)
    assert "Changed since its clinical review on" in byline and "awaiting re-review" in byline
    assert "Clinically reviewed by" not in byline
    assert "reviewedBy" not in data
    # The front matter's date: the day of the last review, not a claim about this text.
    assert data["lastReviewed"] == shown
    warned = [d for d in found if d["code"] == "REVIEW005"]
    assert [(d["path"], d["severity"]) for d in warned] == [("docs/reviewed.md", "warning")]

    # Reverted, and another page edited: this page's review holds again.
    (root / "docs" / "reviewed.md").write_text(original)
    unrelated = root / "docs" / "unrelated.md"
    unrelated.write_text(unrelated.read_text().replace("Another page's text", "Another page's new text"))
    rc, found = build(root)
    assert rc == 0, [d for d in found if d["severity"] == "error"]
    byline, data, _ = footer_and_jsonld(root)
    assert "Clinically reviewed by Dr Ada Real" in byline and data["reviewedBy"]["name"] == "Dr Ada Real"
    assert codes(found) == set()
    other, other_data, _ = footer_and_jsonld(root, "unrelated")
    assert "Awaiting clinical review" in other and "reviewedBy" not in other_data


@pytest.mark.slow
def test_zensical_shows_the_same_review(tmp_path):
    root = make_project(tmp_path)
    assert review(root) == 0
    rc, found = build(root, "--engine", "zensical")
    assert rc == 0, [d for d in found if d["severity"] == "error"]
    byline, data, shown = footer_and_jsonld(root)
    assert "Clinically reviewed by Dr Ada Real, Consultant neurologist on" in byline
    assert data["reviewedBy"]["name"] == "Dr Ada Real" and shown == REVIEWED_ON.isoformat()


@pytest.mark.slow
def test_a_record_with_a_fault_is_refused_and_never_shown(tmp_path):
    # A record whose fingerprint matches but whose reviewer is not listed: the build stops at the record's
    # line, and the page (as the engine renders it regardless) names nobody.
    root = make_project(tmp_path)
    assert review(root) == 0
    path = root / "reviews.yml"
    path.write_text(path.read_text().replace("reviewer: ada-real", "reviewer: dr-invented"))
    rc, found = build(root)
    assert rc == 1
    assert [(d["code"], d["path"], d["line"]) for d in found if d["code"].startswith("REVIEW")] == [
        ("REVIEW004", "reviews.yml", _line_of(path, "reviewer: dr-invented"))
    ]
    assert not (root / "site").exists()  # nothing was published


# --- the gate on the sources (no build) ---------------------------------------------------------------


def _line_of(path, needle):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_an_overdue_review_is_one_meta005(tmp_path):
    root = make_project(tmp_path)
    doc = root / "docs" / "reviewed.md"
    assert review(root, day=TODAY - dt.timedelta(days=4 * 365)) == 0  # its next review is long past
    overdue = [(d.path, d.line) for d in gate(root) if d.code == "META005"]
    assert overdue == [("reviews.yml", _line_of(root / "reviews.yml", "- page: docs/reviewed.md"))]
    # The front matter's own date has passed too: reported once, at the page, as before.
    doc.write_text(doc.read_text().replace(f"next_review_due: {TODAY + dt.timedelta(days=300)}",
                                           f"next_review_due: {TODAY - dt.timedelta(days=1)}"))
    assert [d.path for d in gate(root) if d.code == "META005"] == ["docs/reviewed.md"]


def test_a_page_that_cites_an_old_key_is_reviewed_like_any_other(tmp_path):
    # An alias stands for its entry (bibliography `aliases:`): the fingerprint covers that entry, and nothing crashes.
    root = make_project(tmp_path)
    bib, doc = root / "docs" / "references.yaml", root / "docs" / "reviewed.md"
    bib.write_text(bib.read_text().replace("- id: safe2020\n", "- id: safe2020\n  aliases: [safe2019]\n", 1))
    doc.write_text(doc.read_text().replace(CITED, CITED.replace("@safe2020", "@safe2019")))
    assert "aliases: [safe2019]" in bib.read_text() and review(root) == 0
    codes = [d.code for d in gate(root)]
    assert "REF001" not in codes and [c for c in codes if c.startswith("REVIEW") and c != "REVIEW007"] == []
    bib.write_text(bib.read_text().replace("A fictitious study of relapses", "A fictitious study of attacks"))
    found = [d.code for d in gate(root) if d.code.startswith("REVIEW") and d.code != "REVIEW007"]
    assert found == ["REVIEW005"]  # its entry changed


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("page", "REVIEW005"),
        ("cited entry", "REVIEW005"),
        ("include", "REVIEW005"),
        ("uncited entry", None),
        ("review dates in front matter", None),
        ("line ends", None),
    ],
)
def test_what_voids_a_review(tmp_path, change, expected):
    root = make_project(tmp_path)
    doc = root / "docs" / "reviewed.md"
    if change == "include":  # the page uses the glossary's neighbour: a snippet it names
        (root / "includes" / "note.md").write_text("A shared note.\n")
        doc.write_text(doc.read_text() + '\n--8<-- "note.md"\n')
    assert review(root) == 0
    bib = root / "docs" / "references.yaml"
    if change == "page":
        doc.write_text(doc.read_text().replace(CITED, CITED.replace("relapses", "attacks")))
    elif change == "cited entry":
        bib.write_text(bib.read_text().replace("A fictitious study of relapses", "A fictitious study of attacks"))
    elif change == "include":
        (root / "includes" / "note.md").write_text("A changed note.\n")
    elif change == "uncited entry":
        bib.write_text(bib.read_text().replace("nobody cites", "nobody cites yet"))
    elif change == "review dates in front matter":
        old = f"last_reviewed: {TODAY - dt.timedelta(days=30)}"
        doc.write_text(doc.read_text().replace(old, f"last_reviewed: {REVIEWED_ON}"))
    elif change == "line ends":
        doc.write_bytes(doc.read_bytes().replace(b"\n", b"\r\n"))
    found = [d for d in gate(root) if d.code.startswith("REVIEW") and d.code != "REVIEW007"]
    assert [(d.code, d.path) for d in found] == ([(expected, "docs/reviewed.md")] if expected else [])


def test_a_treatment_page_changed_since_its_review_is_an_error(tmp_path):
    root = make_project(tmp_path)
    doc = root / "docs" / "reviewed.md"
    doc.write_text(page(BODY, page_type="treatment", sources=SOURCES))
    assert review(root) == 0
    doc.write_text(doc.read_text().replace("relapses", "attacks"))
    found = [d for d in gate(root) if d.code.startswith("REVIEW")]
    assert [(d.code, d.severity.value) for d in found] == [("REVIEW006", "error")]


def test_front_matter_that_disagrees_with_the_record_is_a_warning_with_the_records_value(tmp_path):
    root = make_project(tmp_path)
    assert review(root) == 0
    found = [d for d in gate(root) if d.code == "REVIEW007"]
    assert [(d.path, d.line) for d in found] == [("docs/reviewed.md", 5)]  # last_reviewed
    assert f"last_reviewed: {REVIEWED_ON}" in found[0].hint


RECORD = """- page: {page}
  reviewer: {reviewer}
  date: {date}
  next_review_due: {due}
  fingerprint: {fingerprint}
"""


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("page", "docs/gone.md", "REVIEW003"),
        ("reviewer", "dr-invented", "REVIEW004"),
        ("fingerprint", "sha256:abc", "REVIEW002"),
        ("fingerprint", "md5:" + "0" * 64, "REVIEW002"),
        ("date", "2026-02-30", "REVIEW002"),
        ("date", str(TODAY + dt.timedelta(days=1)), "REVIEW002"),  # a review cannot have happened yet
        ("due", str(REVIEWED_ON), "REVIEW002"),  # not after the review
    ],
)
def test_a_bad_record_is_one_error_at_its_line_and_claims_nothing(tmp_path, field, value, code):
    root = make_project(tmp_path)
    doc = frontmatter.read(root / "docs" / "reviewed.md", "docs/reviewed.md")
    current = fingerprint.fingerprint(doc, root / "includes", bibliography.load("docs/references.yaml", root))
    fields = {
        "page": "docs/reviewed.md",
        "reviewer": "ada-real",
        "date": str(REVIEWED_ON),
        "due": str(REVIEWED_ON + dt.timedelta(days=365)),
        "fingerprint": current,
    }
    fields[field] = value
    good = RECORD.format(
        **{
            **fields,
            "page": "docs/unrelated.md",
            "fingerprint": "sha256:" + "0" * 64,
            "reviewer": "ada-real",
            "date": str(REVIEWED_ON),
            "due": str(REVIEWED_ON + dt.timedelta(days=365)),
        }
    )
    (root / "reviews.yml").write_text("# records\n" + good + RECORD.format(**fields))
    found = [d for d in gate(root) if d.code.startswith("REVIEW") and d.path == "reviews.yml"]
    key = {"due": "next_review_due"}.get(field, field)
    assert [(d.code, d.line) for d in found] == [
        (code, 7 + ["page", "reviewer", "date", "next_review_due", "fingerprint"].index(key))
    ]
    # The faulty record is never used: the page it names (if any) shows no review.
    loaded = reviews.load(root, yaml.safe_load((root / "mkdocs.yml").read_text())["extra"], today=TODAY)
    assert loaded.latest("docs/reviewed.md") is None


def test_malformed_yaml_and_an_incomplete_reviewer_are_located(tmp_path):
    team = [{**TEAM[0]}, {"id": "bo", "name": "Dr Bo", "role": "GP", "conflicts_of_interest": "None declared"}]
    root = make_project(tmp_path, team)
    (root / "reviews.yml").write_text("- page: docs/reviewed.md\n  reviewer: [unclosed\n")
    found = [(d.code, d.path, d.line) for d in gate(root) if d.code.startswith("REVIEW")]
    team_line = _line_of(root / "mkdocs.yml", "id: bo")
    # Line 3: where YAML found the list unclosed (the message says where it started).
    assert found == [("REVIEW001", "mkdocs.yml", team_line), ("REVIEW002", "reviews.yml", 3)]


# --- the command ---------------------------------------------------------------------------------


def test_make_review_without_arguments_says_how(tmp_path, capsys):
    root = make_project(tmp_path)
    assert record.main(["--root", str(root), "--page", "", "--reviewer", ""]) == 2
    err = capsys.readouterr().err
    assert "give PAGE and REVIEWER: make review PAGE=docs/path/page.md REVIEWER=id" in err
    assert "ada-real (Dr Ada Real)" in err and "Traceback" not in err
    assert not (root / "reviews.yml").exists()


@pytest.mark.parametrize(
    ("page_rel", "reviewer", "expected"),
    [
        ("docs/nope.md", "ada-real", "REVIEW003 there is no page 'docs/nope.md'"),
        ("docs/reviewed.md", "dr-invented", "REVIEW004 'dr-invented' is not a complete entry"),
    ],
)
def test_make_review_refuses_an_unknown_page_or_reviewer(tmp_path, capsys, page_rel, reviewer, expected):
    root = make_project(tmp_path)
    assert review(root, page_rel, reviewer) == 2
    assert expected in capsys.readouterr().err
    assert not (root / "reviews.yml").exists()


def test_the_next_review_follows_the_page_types_cycle(tmp_path):
    root = make_project(tmp_path)
    assert review(root, day=dt.date(2026, 2, 28)) == 0  # a condition page: 36 months
    assert "next_review_due: 2029-02-28" in (root / "reviews.yml").read_text()


APPROVAL = {
    "action": "submitted",
    "review": {
        "state": "approved",
        "user": {"login": "ada-real-gh"},
        "commit_id": "b7e3f0c",
        "submitted_at": f"{REVIEWED_ON}T10:00:00Z",
        "html_url": "https://github.example/pr/5#review-1",
    },
    "pull_request": {"number": 5, "head": {"sha": "b7e3f0c"}},
    "repository": {"full_name": "owner/site"},
}


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        ({}, True),
        ({"state": "commented"}, False),
        ({"user": {"login": "someone-else"}}, False),
        ({"commit_id": "0000000"}, False),  # approved an earlier commit
    ],
)
def test_a_pull_request_approval_by_a_listed_reviewer_becomes_a_record(tmp_path, capsys, change, accepted):
    root = make_project(tmp_path)
    event = {**APPROVAL, "review": {**APPROVAL["review"], **change}}
    (tmp_path / "event.json").write_text(json.dumps(event))
    rc = record.main(
        ["--root", str(root), "--approval-event", str(tmp_path / "event.json"), "--page", "docs/reviewed.md"]
    )
    assert rc == (0 if accepted else 2), capsys.readouterr().err
    if accepted:
        text = (root / "reviews.yml").read_text()
        assert f"date: {REVIEWED_ON}" in text and 'approval: "https://github.example/pr/5#review-1"' in text
        assert [d.code for d in gate(root) if d.code.startswith("REVIEW") and d.code != "REVIEW007"] == []
    else:
        assert not (root / "reviews.yml").exists()


# --- the built site: nothing published claims a review it does not have ----------------------------------


@pytest.mark.parametrize("claim", ["byline", "jsonld"])
def test_a_built_page_that_names_a_reviewer_without_a_record_is_refused(tmp_path, claim):
    article = "<p>Text.</p>"
    if claim == "byline":  # a template (or a hand edit of site/) that writes a reviewer in
        built = html(article).replace(
            '<aside class="health-footer">',
            '<aside class="health-footer"><p class="health-footer__byline">'
            '<span class="health-footer__reviewed">Clinically reviewed by Dr Ada Real, Consultant '
            "neurologist</span></p>",
        )
    else:
        built = html(
            article,
            jsonld='{"@type":"MedicalWebPage","name":"A page","lastReviewed":"2026-11-25",'
            '"reviewedBy":{"@type":"Person","name":"Dr Ada Real"}}',
        )
    files = {**site_files(article, OTHER), "site/page/index.html": built}
    found = [(d.code, d.path) for d in diagnose(tmp_path, files, site=True) if d.code.startswith("REVIEW")]
    assert found == [("REVIEW008", "site/page/index.html")]
