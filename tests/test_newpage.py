"""`make new-page` / `python -m medsite.tools.newpage`, run for real on a temporary copy of the project.

Each test copies the site's sources into tmp_path, runs the command as an
editor would, and reads back the files it wrote. The last test runs the real
gate over new pages (one of each kind it tries, in one copy): a fresh page fails
the source checks until its placeholders are replaced, and once they are,
`make site`'s build and gate report nothing about it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import copy_project, run_build
from medsite.core import clock
from medsite.sources.settings import read_mkdocs
from medsite.tools import newpage
from project_facts import bib

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
FIELDS = {"title", "description", "page_type", "last_reviewed", "next_review_due", "reviewed_by", "sources"}
# META008's sections and the parts gate.yml requires (required_parts), in the order a new page gives them.
SECTION_IDS = ["how-it-works", "regulatory-status", "evidence", "risks", "warning-signs", "alternatives",
               "without-treatment", "everyday-life", "unknowns", "support", "questions"]
FOLDER_SECTIONS = {
    "about-ms": "About MS",
    "treatments": "Treatments",
    "stem-cells": "Stem-cell therapy",
    "about": "About this site",
}
DIAGNOSTIC = re.compile(r"^(?P<path>.+?): (?P<code>NEW\d{3}) \S")


# --- helpers -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return copy_project(root)


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def new_page(root: Path, path: str, title: str, kind: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "medsite.tools.newpage", "--root", str(root),
                "--path", path, "--title", title, "--type", kind], cwd=root)


def gate(root: Path) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "medsite.gate", "--source-only", "--root", str(root)], cwd=root)


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), text[:80]
    return yaml.safe_load(text.split("---\n", 2)[1])


def nav_section(root: Path, section: str) -> list[dict]:
    config, problems = read_mkdocs(root / "mkdocs.yml")
    assert problems == [], [d.text() for d in problems]
    for item in config["nav"]:
        if isinstance(item, dict) and section in item:
            return item[section]
    raise AssertionError(f"no nav section {section!r}")


def months_later(day: dt.date, months: int) -> dt.date:
    """Written out here, not taken from the code under test."""
    years = months // 12
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def snapshot(root: Path) -> dict[str, str]:
    files = [root / "mkdocs.yml", *sorted((root / "docs").rglob("*.md"))]
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in files}


def assert_clean_error(result: subprocess.CompletedProcess, code: str, path: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    first = result.stderr.strip().splitlines()[0]
    match = DIAGNOSTIC.match(first)
    assert match, f"not 'path: CODE message': {first!r}"
    assert (match["path"], match["code"]) == (path, code), first


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "months"),
    [
        ("about-ms/optic-neuritis.md", "condition", 36),
        ("treatments/stem-cell-tourism.md", "treatment", 12),
        ("stem-cells/cord-blood.md", "clinic", 12),
        ("stem-cells/how-trials-work.md", "guide", 12),
        ("stem-cells/history.md", "about", 12),  # anything about stem cells: 12 months (editorial policy)
        ("about/complaints.md", "policy", 36),
    ],
)
def test_page_has_every_required_field(project, path, kind, months):
    result = new_page(project, path, "A plain title", kind)
    assert result.returncode == 0, result.stderr

    meta = front_matter(project / "docs" / path)
    today = clock.today()  # the suite's pin, which `make new-page` reads too (conftest.py)
    assert set(meta) == FIELDS
    assert meta["title"] == "A plain title"
    assert meta["page_type"] == kind
    assert meta["last_reviewed"] == today
    assert meta["next_review_due"] == months_later(today, months)
    assert meta["reviewed_by"] == ""  # never an invented reviewer
    assert meta["sources"] == []
    assert meta["description"] == ""  # the placeholder the gate rejects until it is written
    assert f"docs/{path}: created" in result.stdout


@pytest.mark.parametrize(("kind", "ids"), [("treatment", SECTION_IDS), ("clinic", SECTION_IDS + ["cost"])])
def test_treatment_and_clinic_pages_have_their_sections_and_callout(project, kind, ids):
    path = f"stem-cells/new-{kind}.md"
    assert new_page(project, path, "New", kind).returncode == 0
    body = (project / "docs" / path).read_text(encoding="utf-8").split("---\n", 2)[2]
    assert re.findall(r"^## .+ \{#([a-z-]+)\}$", body, re.M) == ids
    assert '--8<-- "medical-help.md"' in body.splitlines()
    assert not re.search(r"^# ", body, re.M), "the title is the H1; the body must not add one"


def test_other_pages_have_no_treatment_sections(project):
    assert new_page(project, "about-ms/fatigue.md", "Fatigue", "condition").returncode == 0
    body = (project / "docs/about-ms/fatigue.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert "{#risks}" not in body and "--8<--" not in body
    assert '!!! key-messages "Key messages"' in body and "{#support}" in body  # gate.yml's parts for condition pages
    assert "TODO" in body


def test_titles_that_need_yaml_quoting_survive(project):
    title = "Stem cells: what's 'new'?"
    assert new_page(project, "about-ms/odd-title.md", title, "condition").returncode == 0
    assert front_matter(project / "docs/about-ms/odd-title.md")["title"] == title
    assert {title: "about-ms/odd-title.md"} in nav_section(project, "About MS")


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2028, 2, 29), 36, dt.date(2031, 2, 28)),
        (dt.date(2027, 2, 28), 12, dt.date(2028, 2, 28)),
        (dt.date(2026, 11, 25), 12, dt.date(2027, 11, 25)),
    ],
)
def test_review_due_date_handles_29_february(day, months, due):
    kind = "treatment" if months == 12 else "condition"
    assert newpage.next_review_due(day, kind, "treatments" if months == 12 else "about-ms") == due


# --- the nav -----------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", sorted(FOLDER_SECTIONS))
def test_page_is_added_to_its_nav_section_and_nothing_else_changes(project, folder):
    before = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    path = f"{folder}/brand-new-page.md"
    result = new_page(project, path, "Brand new page", "condition")
    assert result.returncode == 0, result.stderr

    after = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    added = [line for line in after if line not in before]
    assert [line.strip() for line in added] == [f"- Brand new page: {path}"]
    assert [line for line in after if line != added[0]] == before  # comments and order kept
    assert nav_section(project, FOLDER_SECTIONS[folder])[-1] == {"Brand new page": path}


def test_a_page_already_in_the_nav_is_not_listed_twice(project):
    listed = next(iter(nav_section(project, "About this site")[0].values()))  # e.g. about/about-us.md
    (project / "docs" / listed).unlink()
    before = (project / "mkdocs.yml").read_text(encoding="utf-8")
    result = new_page(project, listed, "About us", "about")
    assert result.returncode == 0, result.stderr
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == before
    assert (project / "docs" / listed).is_file()


def test_a_missing_nav_section_is_a_configuration_error(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - Treatments:\n", "  - Therapies:\n"),
                      encoding="utf-8")
    before = snapshot(project)
    result = new_page(project, "treatments/new.md", "New", "treatment")
    assert_clean_error(result, "NEW005", "mkdocs.yml")
    assert snapshot(project) == before


# --- refusals ------------------------------------------------------------------------------------


def test_refuses_to_overwrite_an_existing_page(project):
    path = "about-ms/mine.md"
    assert new_page(project, path, "Mine", "condition").returncode == 0
    page = project / "docs" / path
    page.write_text("an editor's work\n", encoding="utf-8")
    before = snapshot(project)

    result = new_page(project, path, "Mine again", "treatment")
    assert_clean_error(result, "NEW001", f"docs/{path}")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("path", "title", "kind", "code", "shown"),
    [
        ("", "Title", "condition", "NEW002", "PAGE"),
        ("blog/x.md", "Title", "condition", "NEW002", "docs/blog/x.md"),
        ("about-ms/Not Allowed.md", "Title", "condition", "NEW002", "docs/about-ms/Not Allowed.md"),
        ("about-ms/x.txt", "Title", "condition", "NEW002", "docs/about-ms/x.txt"),
        ("about-ms/../../x.md", "Title", "condition", "NEW002", "docs/about-ms/../../x.md"),
        ("about-ms/deeper/x.md", "Title", "condition", "NEW002", "docs/about-ms/deeper/x.md"),
        ("about-ms/x.md", "  ", "condition", "NEW003", "docs/about-ms/x.md"),
        ("about-ms/x.md", "Title", "blog", "NEW004", "docs/about-ms/x.md"),
    ],
)
def test_bad_usage_is_a_plain_message_and_exit_2(project, path, title, kind, code, shown):
    before = snapshot(project)
    assert_clean_error(new_page(project, path, title, kind), code, shown)
    assert snapshot(project) == before


def test_the_make_target_runs_the_command(project):
    """`make new-page` as an editor types it, on the copy (the installed venv is reused, not rebuilt)."""
    venv = Path(sys.prefix)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    result = subprocess.run(
        ["make", "-C", str(project), "-f", str(REPO / "Makefile"), "-o", str(venv / ".installed"),
         f"VENV={venv}", "new-page", "PAGE=stem-cells/what-to-ask.md", "TITLE=Before you say yes: what's known",
         "TYPE=guide"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    meta = front_matter(project / "docs/stem-cells/what-to-ask.md")
    assert (meta["title"], meta["page_type"]) == ("Before you say yes: what's known", "guide")


# --- the gate ------------------------------------------------------------------------------------


def fill_in(page: Path, sentence: str, key: str) -> None:
    """What an editor does: write the description and the text, and list the sources."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"^description: .*$", "description: A short test page about how MS affects the body.", text,
                  count=1, flags=re.M)
    text = re.sub(r"^sources: .*$", f"sources: [{key}]", text, count=1, flags=re.M)
    text = re.sub(r"^TODO:.*(?:\n(?!\n).+)*", sentence, text, flags=re.M)
    text = re.sub(r"^(    - )TODO:.*$", lambda m: m.group(1) + sentence, text, flags=re.M)  # the key messages
    assert "TODO" not in text
    page.write_text(text, encoding="utf-8")


def lines_about(result: subprocess.CompletedProcess, *needles: str) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if any(n in line for n in needles)]


# A new page of each kind, all in one copy of the project: one run of the source checks on the fresh pages, and
# one run of them and one `make site` once the pages are written (each page's lines are told apart by its path).
WRITTEN = {"about-ms/nerves.md": ("condition", "How MS affects nerves"),
           "stem-cells/offer.md": ("clinic", "What a clinic offers")}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[dict, subprocess.CompletedProcess, tuple]:
    """(`make new-page` per page, the source checks on the fresh pages, (the source checks, `make site`) once
    each page is written)."""
    (root := tmp_path_factory.mktemp("written") / "project").mkdir()
    copy_project(root)
    created = {path: new_page(root, path, title, kind) for path, (kind, title) in WRITTEN.items()}
    fresh = gate(root)
    key = bib().entries[0].id  # any work of the bibliography
    for path in WRITTEN:
        fill_in(root / "docs" / path, f"MS affects the brain and spinal cord [@{key}].", key)
    return created, fresh, (gate(root), run_build(root))  # the source checks, then `make site` in full


@pytest.mark.parametrize("path", sorted(WRITTEN))
def test_a_new_page_fails_the_gate_until_it_is_written_then_passes(written, path):
    created, fresh, finished = written
    rel, html = f"docs/{path}", f"site/{path.removesuffix('.md')}/"
    assert created[path].returncode == 0, created[path].stdout + created[path].stderr

    assert "Traceback" not in fresh.stderr, fresh.stderr
    assert fresh.returncode == 1, fresh.stdout + fresh.stderr
    problems = lines_about(fresh, rel)
    assert any(line.startswith(f"{rel}:") and "META002" in line for line in problems), problems

    for result in finished:
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 0, result.stdout + result.stderr  # the real site passes, so any error is a new page's
        assert lines_about(result, rel, html) == []
