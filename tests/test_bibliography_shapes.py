"""Sources in the shapes editors have (issue 24): one fixture per shape, read with every field kept, or refused
in one line that names the shapes we read; `make cite FILE=` converts and appends, refusing duplicates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medsite.core.diagnostics import DiagnosticError
from medsite.markdown.citeformat import Formatter
from medsite.sources.bibliography import load, parse
from medsite.tools.cite.__main__ import main as cite

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "tests" / "fixtures" / "bibliography"

# The two works every fixture holds, as the bibliography reads them (the one shape, csl_shape.py).
REICH = {
    "id": "reich2018",
    "type": "article-journal",
    "author": [
        {"family": "Reich", "given": "DS"},
        {"family": "Lucchinetti", "given": "CF"},
        {"family": "Calabresi", "given": "PA"},
    ],
    "title": "Multiple Sclerosis",
    "container-title": "N Engl J Med",
    "issued": {"date-parts": [[2018]]},
    "volume": "378",
    "issue": "2",
    "page": "169-180",
    "DOI": "10.1056/NEJMra1401483",
    "PMID": "29320652",
    "URL": "https://doi.org/10.1056/NEJMra1401483",
}
THOMPSON = {
    "id": "thompson2018lancet",
    "type": "article-journal",
    "author": [
        {"family": f, "given": g}
        for f, g in (("Thompson", "AJ"), ("Baranzini", "SE"), ("Geurts", "J"), ("Hemmer", "B"), ("Ciccarelli", "O"))
    ],
    "title": "Multiple sclerosis",
    "container-title": "Lancet",
    "issued": {"date-parts": [[2018]]},
    "volume": "391",
    "issue": "10130",
    "page": "1622-1636",
    "DOI": "10.1016/S0140-6736(18)30481-1",
    "URL": "https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(18)30481-1/fulltext",
}
# Fields a shape carries beyond the one shape, kept as they are (citation styles ignore them).
EXTRA = {
    "better-bibtex.json": {"citation-key", "journalAbbreviation", "language", "source"},
    "better-bibtex.yaml": {"citation-key", "source"},
    "sources.bib": {"keywords"},
}


def _initials(names: list[dict]) -> list[dict]:
    """BibTeX writes initials with full stops ("D. S."): the same person."""
    return [{**n, "given": n["given"].replace(".", "").replace(" ", "")} if "given" in n else n for n in names]


@pytest.mark.parametrize(
    "name",
    [
        "csl.yaml",
        "csl-object.yaml",
        "csl-array.json",
        "csl-object.json",
        "csl-single.json",
        "better-bibtex.json",
        "better-bibtex.yaml",
        "sources.bib",
    ],
)
def test_each_shape_is_read_with_every_field_kept(name):
    bib = load(SHAPES / name)
    assert bib.problems == []
    expected = [REICH] if name == "csl-single.json" else [REICH, THOMPSON]
    assert [e.id for e in bib.entries] == [e["id"] for e in expected]
    for entry, want in zip(bib.entries, expected, strict=True):
        got = {**entry.csl, "author": _initials(entry.csl["author"])}
        extra = set(got) - set(want)
        assert extra <= EXTRA.get(name, set()), extra
        assert {k: v for k, v in got.items() if k not in extra} == want
        assert entry.line > 1 or name == "csl-single.json"  # every entry has its line in the file
    assert "Reich DS, Lucchinetti CF, Calabresi PA. Multiple Sclerosis." in Formatter(bib).html("reich2018")


def test_lower_case_identifiers_and_zoteros_note_are_read_at_their_lines():
    bib = load(SHAPES / "csl.yaml")
    reich = bib.get("reich2018")
    assert (reich.doi, reich.pmid, "note" in reich.csl) == ("10.1056/NEJMra1401483", "29320652", False)
    text = (SHAPES / "csl.yaml").read_text().splitlines()
    assert text[reich.line_of("DOI") - 1].strip().startswith("doi:")
    assert text[reich.line_of("PMID") - 1].strip().startswith("note:")


@pytest.mark.parametrize(
    "extra, words, line",
    [
        ("  doi: 10.1/other\n  DOI: 10.1/this\n", "'doi' says 10.1/other but 'DOI' says 10.1/this", 6),
        ("  PMID: '1'\n  note: 'PMID: 2'\n", "'note' says PMID 2 but 'PMID' says 1", 7),
        ("  author: Daniel Reich, Claudia Lucchinetti\n", "'author' holds several names the site cannot tell apart", 6),
    ],
)
def test_an_identifier_or_name_that_cannot_be_read_is_reported_never_dropped(extra, words, line):
    text = "- id: a2018\n  type: article-journal\n  title: A trial\n  container-title: J\n  issued: 2018\n" + extra
    bib = parse(text, "refs.yaml")
    [problem] = bib.problems
    assert (problem.code, problem.line) == ("REF012", line) and words in problem.message
    assert "see GATE-CODES.md#ref012" in problem.text()


def _refused(text: str, name: str, tmp_path) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DiagnosticError) as caught:
        load(path)
    [problem] = caught.value.diagnostics
    line = problem.text()
    assert "\n" not in line and "Traceback" not in line
    for jargon in ("mapping values", "scalar", "block end", "expected <", "could not find expected"):
        assert jargon not in line
    return line


def test_a_shape_we_do_not_read_is_one_line_naming_the_shapes_we_do(tmp_path):
    line = _refused((SHAPES / "sources.ris").read_text(), "sources.ris", tmp_path)
    assert line.startswith(f"{tmp_path / 'sources.ris'}:1: REF015 this file is RIS")
    for shape in ("CSL YAML", "CSL JSON", "Better BibTeX", "BibTeX (.bib)"):
        assert shape in line
    assert line.endswith("(see GATE-CODES.md#ref015)")
    line = _refused('{"format": "Zotero RDF"}', "refs.json", tmp_path)
    assert "REF015" in line and "no list of entries" in line


@pytest.mark.parametrize(
    "pasted, line, words",
    [
        ('[\n  {"id": "b2019", "title": "B"}\n]\n', 4, "starts CSL JSON inside a CSL YAML list"),
        ("@article{b2019,\n  title = {B},\n}\n", 4, "starts a BibTeX entry inside a CSL YAML file"),
        ("  title: Pain: a review\n", 4, "a value contains ': '"),
    ],
)
def test_a_paste_that_breaks_the_yaml_is_named_in_the_editors_terms(tmp_path, pasted, line, words):
    text = "- id: a2018\n  type: article-journal\n  title: A trial\n" + pasted
    got = _refused(text, "references.yaml", tmp_path)
    assert f"references.yaml:{line}: " in got and words in got


def test_broken_json_and_bibtex_are_located(tmp_path):
    got = _refused('[\n  {"id": "a" "title": "B"}\n]\n', "refs.json", tmp_path)
    assert "refs.json:2:14: REF002 the CSL JSON cannot be read here: a comma is missing" in got
    got = _refused("@article{a2018,\n  title = {A},\n}\n\n@article{b2019,\n  title = {B\n", "refs.bib", tmp_path)
    assert "refs.bib:5: REF002 this BibTeX entry cannot be read" in got


# -- make cite FILE=... ----------------------------------------------------------------------------

MKDOCS = (
    "site_name: Test\nextra:\n  bibliography: references.yaml\n  publisher:\n    contact_email: editors@example.org\n"
)
OURS = (
    "# Our sources: comments and order survive.\n- id: reich2018\n  type: article-journal  # kept\n"
    "  author: [{family: Reich, given: DS}]\n  title: Multiple Sclerosis\n  container-title: N Engl J Med\n"
    "  issued: 2018\n  DOI: 10.1056/NEJMra1401483\n  findings:\n  - A review.\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    (tmp_path / "references.yaml").write_text(OURS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", ["sources.bib", "csl-array.json", "better-bibtex.yaml", "csl-object.json"])
def test_cite_file_appends_the_new_works_and_leaves_out_the_ones_we_have(project, capsys, name):
    assert cite(["--file", str(SHAPES / name)]) == 0
    out = capsys.readouterr().out
    text = (project / "references.yaml").read_text()
    assert text.startswith(OURS)  # every byte kept, comments and order included
    bib = load("references.yaml")
    assert [e.id for e in bib.entries] == ["reich2018", "thompson2018lancet"]
    assert bib.problems == []
    new = bib.get("thompson2018lancet")
    assert {k: new.csl[k] for k in THOMPSON if k != "author"} == {k: v for k, v in THOMPSON.items() if k != "author"}
    assert set(new.csl) - set(THOMPSON) <= EXTRA.get(name, set())  # nothing lost, nothing invented
    assert "'reich2018' is already in the bibliography as 'reich2018' (references.yaml:2, same DOI); left out" in out
    assert (f"references.yaml:{new.line}: warning: 'thompson2018lancet' has no findings yet; add `findings:`") in out
    assert out.splitlines()[-1].startswith("added 1 entry from ")
    # Again: nothing new, nothing written.
    assert cite(["--file", str(SHAPES / name)]) == 0
    assert (project / "references.yaml").read_text() == text


def test_cite_file_refuses_a_key_another_work_has(project, capsys):
    export = project / "other.yaml"
    export.write_text(
        "- id: reich2018\n  type: article-journal\n  title: Another work\n  container-title: J\n"
        "  author: [{family: Reich, given: X}]\n  issued: 2020\n  DOI: 10.1000/other\n"
    )
    assert cite(["--file", str(export)]) == 1
    out = capsys.readouterr().out
    assert "the key 'reich2018' is already used by another work (references.yaml:2); left out" in out
    assert (project / "references.yaml").read_text() == OURS


def test_cite_file_renames_zoteros_ids_and_refuses_a_shape_it_cannot_read(project, capsys):
    export = project / "zotero.json"
    export.write_text(
        '[{"id": "http://zotero.org/users/1/items/AB12", "type": "article-journal", "title": "T",'
        ' "container-title": "J", "author": [{"family": "Núñez", "given": "A"}],'
        ' "issued": {"date-parts": [[2021]]}, "DOI": "10.1000/xyz"}]'
    )
    assert cite(["--file", str(export)]) == 0
    assert "is not a key to cite; the entry is added as 'nunez2021'" in capsys.readouterr().out
    assert load("references.yaml").get("nunez2021").csl["DOI"] == "10.1000/xyz"
    before = (project / "references.yaml").read_text()
    assert cite(["--file", str(SHAPES / "sources.ris")]) == 1
    err = capsys.readouterr().err
    assert "REF015 this file is RIS" in err and err.splitlines()[-1].endswith("nothing was added")
    assert (project / "references.yaml").read_text() == before


@pytest.mark.parametrize("written", ["PMID:29320652", "pmid: 29320652", "PubMed ID: 29320652"])
def test_cite_reads_a_pmid_written_with_its_label(project, capsys, written):
    (project / "references.yaml").write_text(OURS.replace("  findings:", "  PMID: '29320652'\n  findings:"))
    assert cite(["--pmid", written]) == 0  # already there: found before anything goes online
    assert "already in references.yaml as reich2018" in capsys.readouterr().out


# -- make: friendly usage, the project's sentence ---------------------------------------------------


def _make(project: Path, *args: str) -> subprocess.CompletedProcess:
    venv = Path(sys.prefix)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    if not (project / "scripts").exists():
        (project / "scripts").symlink_to(ROOT / "scripts")  # `venv` runs scripts/develop_install.py
    return subprocess.run(
        ["make", "-f", str(ROOT / "Makefile"), "-o", str(venv / ".installed"), f"VENV={venv}", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args, words",
    [
        (["new-page", "PAGE=treatments/x.md"], "new-page: give the page and its title: make new-page PAGE="),
        (["new-page"], "new-page: give the page and its title"),
        (["cite"], "cite: give a DOI, a PMID or an export: make cite DOI="),
    ],
)
def test_a_target_missing_an_argument_says_how_to_call_it(tmp_path, args, words):
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    result = _make(tmp_path, *args)
    assert result.returncode == 2
    ours = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert len(ours) == 1 and ours[0].startswith(words), result.stderr
    for leak in ("unbound variable", "usage:", "Traceback", "Entering directory"):
        assert leak not in result.stdout + result.stderr


def test_make_cite_file_runs_the_conversion(project):
    result = _make(project, "cite", f"FILE={SHAPES / 'sources.bib'}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("added 1 entry from ")


def test_deeply_nested_json_is_refused_by_the_input_limit_not_a_crash():
    from medsite.sources import bibliography

    with pytest.raises(DiagnosticError) as caught:
        bibliography.parse("[" * 100_000 + "]" * 100_000, "docs/references.yaml")
    assert [d.code for d in caught.value.diagnostics] == ["INPUT001"]
