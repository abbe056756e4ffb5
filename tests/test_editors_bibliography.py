"""What Zotero, Better BibTeX and Pandoc export loads; any other shape is one located REF012 with a fix."""

from __future__ import annotations

import json
from html import escape

import pytest
import yaml

from conftest import copy_project, run_build
from medsite.markdown.citeformat import Formatter
from medsite.sources.bibliography import parse
from medsite.sources.pageurls import html_file
from project_facts import author_lines, entry_block, references_page, simply_named_entry

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

HEAD = "- id: a2018\n  type: article-journal\n  title: A trial\n  container-title: J Neurol\n"


def one(text: str):
    bib = parse(text, "refs.yaml")
    return bib.entries[0], bib.problems


@pytest.mark.parametrize("issued, parts", [
    ("issued: {date-parts: [[2018, 1, 11]]}", [[2018, 1, 11]]),
    ("issued: {date-parts: [['2018', '1']]}", [[2018, 1]]),  # Zotero JSON sometimes quotes the numbers
    ("issued:\n  - year: 2018\n    month: 1", [[2018, 1]]),  # Better BibTeX CSL YAML
    ("issued: [{year: 2018}]", [[2018]]),
    ("issued: {year: 2018}", [[2018]]),
    ("issued: {raw: '2018-01-11'}", [[2018, 1, 11]]),
    ("issued: 2018", [[2018]]),
    ("issued: '2018-01'", [[2018, 1]]),
])
def test_date_shapes_become_date_parts(issued, parts):
    entry, problems = one(HEAD + "  author: [{family: Reich, given: DS}]\n  " + issued + "\n")
    assert problems == []
    assert entry.csl["issued"] == {"date-parts": parts}
    assert entry.year == parts[0][0]
    assert "2018" in Formatter(parse(HEAD + "  author: [{family: Reich, given: DS}]\n  " + issued + "\n", "r.yaml")).html("a2018")


def test_a_literal_date_is_kept_and_still_has_a_year():
    entry, problems = one(HEAD + "  author: [{literal: WHO}]\n  issued: {literal: Spring 2018}\n")
    assert problems == [] and entry.csl["issued"] == {"literal": "Spring 2018"} and entry.year == 2018


@pytest.mark.parametrize("author, names", [
    ("[{family: Reich, given: DS}]", [{"family": "Reich", "given": "DS"}]),
    ("{family: Reich, given: DS}", [{"family": "Reich", "given": "DS"}]),  # one name, not in a list
    ("[{literal: World Health Organization}]", [{"literal": "World Health Organization"}]),
    ("[{name: World Health Organization}]", [{"literal": "World Health Organization"}]),
    ("World Health Organization", [{"literal": "World Health Organization"}]),
    ("Reich DS, Lucchinetti CF", [{"family": "Reich", "given": "DS"}, {"family": "Lucchinetti", "given": "CF"}]),
    ("Reich, Daniel S. and Lucchinetti, Claudia F.",
     [{"family": "Reich", "given": "Daniel S."}, {"family": "Lucchinetti", "given": "Claudia F."}]),
    ("Reich, D.; Lucchinetti, C.", [{"family": "Reich", "given": "D."}, {"family": "Lucchinetti", "given": "C."}]),
    ("[Reich DS, 'Lucchinetti, Claudia']", [{"family": "Reich", "given": "DS"}, {"family": "Lucchinetti", "given": "Claudia"}]),
])
def test_name_shapes_become_a_list_of_names(author, names):
    entry, problems = one(HEAD + "  issued: {date-parts: [[2018]]}\n  author: " + author + "\n")
    assert problems == []
    assert entry.csl["author"] == names
    Formatter(parse(HEAD + "  issued: 2018\n  author: " + author + "\n", "r.yaml")).html("a2018")  # no exception


def test_numbers_and_one_item_lists_become_text():
    entry, problems = one("- id: a2018\n  type: article-journal\n  title: [Multiple sclerosis]\n  volume: 378\n"
                          "  container-title: [Lancet]\n  author: [{family: Reich, given: DS}]\n  issued: 2018\n")
    assert problems == []
    assert (entry.title, entry.csl["volume"], entry.csl["container-title"]) == ("Multiple sclerosis", "378", "Lancet")


@pytest.mark.parametrize("field, value, line, words", [
    ("author", "42", 6, "'author' is not a list of names"),
    ("author", "[[Reich, DS]]", 6, "'author' is not a list of names"),
    ("author", "[{family: {x: 1}}]", 6, "'author' is not a list of names"),
    ("issued", "{season: spring}", 6, "'issued' is not a date"),
    ("issued", "[[2018]]", 6, "'issued' is not a date"),
    ("issued", "{date-parts: 2018}", 6, "'issued' is not a date"),
    ("title", "{en: A trial}", 6, "'title' should be text"),
    # Cannot be split safely: never guessed, and never printed as one organisation's name.
    ("author", "Daniel Reich, Claudia Lucchinetti, Peter Calabresi", 6, "'author' holds several names"),
    ("author", "Daniel Reich, Claudia Lucchinetti", 6, "'author' holds several names"),
])
def test_any_other_shape_is_one_ref009_at_the_fields_line_with_a_fix(field, value, line, words):
    text = "# comment\n- id: a2018\n  type: article-journal\n  title: A trial\n  container-title: J\n"
    text = text.replace("  title: A trial\n", "") if field == "title" else text
    text += f"  {field}: {value}\n"
    if field == "title":
        line = 5
    bib = parse(text, "refs.yaml")
    [problem] = bib.problems
    assert (problem.code, problem.path, problem.line) == ("REF012", "refs.yaml", line)
    assert words in problem.message and problem.hint
    assert field not in bib.entries[0].csl  # left out, so nothing downstream meets it
    Formatter(bib).html("a2018")  # and the CSL processor does not crash on the rest


ENTRY = simply_named_entry()  # an entry whose authors can be written on one line, chosen from the bibliography
NAMES = ", ".join(f"{a['family']} {a['given']}" for a in ENTRY.csl["author"])  # "Reich DS, Lucchinetti CF"
YEAR = ENTRY.csl["issued"]["date-parts"][0][0]
# AMA, as the references page shows the entry: names, title, journal, year.
FORMATTED = f"{NAMES}. {escape(ENTRY.title, quote=False)}. <i>{escape(ENTRY.csl['container-title'], quote=False)}</i>. {YEAR};"


def _with_entry(tmp_path, replace_with: str):
    """The project, with ENTRY's author list replaced; (root, the line of the list)."""
    root = copy_project(tmp_path)
    refs = root / "docs" / "references.yaml"
    text = refs.read_text(encoding="utf-8")
    block = entry_block(ENTRY.id)
    old = author_lines(ENTRY.id)
    at = text.index(block) + block.index(old)
    refs.write_text(text[:at] + replace_with + text[at + len(old):], encoding="utf-8")
    return root, text[:at].count("\n") + 1


def test_the_real_site_builds_with_zotero_shapes(tmp_path):
    root, _ = _with_entry(tmp_path, f"  author: {NAMES}\n")
    refs = root / "docs" / "references.yaml"
    # Better BibTeX's date shape, on the same entry.
    text = refs.read_text()
    start = text.index(f"- id: {ENTRY.id}\n")
    end = text.find("\n- id: ", start + 1) % (len(text) + 1)  # the entry's end (or the file's)
    entry = text[start:end]
    dates = f"  issued:\n    date-parts:\n    - - {YEAR}\n"
    assert dates in entry
    refs.write_text(text[:start] + entry.replace(dates, f"  issued:\n  - year: {YEAR}\n") + text[end:])
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (root / "site" / html_file(references_page().uri)).read_text()
    assert FORMATTED in html


def test_a_shape_the_site_cannot_read_is_a_located_error_not_a_python_internal(tmp_path):
    root, line = _with_entry(tmp_path, "  author: 42\n")
    result = run_build(root)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"docs/references.yaml:{line}: REF012 entry '{ENTRY.id}': 'author' is not a list of names; fix: " in out
    for internal in ("BUILD001", "Traceback", "object has no attribute", "argument after **"):
        assert internal not in out
    assert not (root / "site").exists()


def test_the_bibliography_may_be_csl_json(tmp_path):
    """Zotero's 'CSL JSON' export, as docs/references.json: JSON is YAML, so it loads with lines."""
    root = copy_project(tmp_path)
    entries = yaml.safe_load((root / "docs" / "references.yaml").read_text(encoding="utf-8"))
    [entry] = [e for e in entries if e["id"] == ENTRY.id]
    entry["issued"] = {"date-parts": [[str(YEAR)]]}
    (root / "docs" / "references.json").write_text(json.dumps(entries, indent=2, ensure_ascii=False), encoding="utf-8")
    (root / "docs" / "references.yaml").unlink()
    mkdocs = root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace("bibliography: docs/references.yaml", "bibliography: docs/references.json"))
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert FORMATTED in (root / "site" / html_file(references_page().uri)).read_text()
    bib = parse((root / "docs" / "references.json").read_text(), "docs/references.json")
    assert bib.get(entries[-1]["id"]).line > 1
