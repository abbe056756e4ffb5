"""One diagnostic type: located by Location values, one report per mistake, the same in every format."""

from __future__ import annotations

import json

from medsite.core.diagnostics import Diagnostic, Location, Severity, merge
from medsite.gate import formatters
from medsite.tools.review import comment

# What MkDocs' log and the gate's link check say about one broken anchor on line 19 of docs/x.md.
FROM_LOG = Diagnostic("LNK002", "link 'what-is-ms.md#gone': the doc 'about-ms/what-is-ms.md' does not contain an anchor '#gone'",
                      "docs/about-ms/x.md", 19, target="what-is-ms.md#gone")
FROM_GATE = Diagnostic("LNK002", "link to '../what-is-ms/#gone' points to a missing anchor '#gone'", "site/about-ms/x/index.html",
                       target="../what-is-ms/#gone", source=Location("docs/about-ms/x.md", 19),
                       hint="did you mean '#gene'?")


def test_a_location_prints_as_editors_read_it():
    assert str(Location("docs/x.md", 19)) == "docs/x.md:19"
    assert str(Location("docs/x.md", 19, 4)) == "docs/x.md:19:4"
    assert str(Location("mkdocs.yml")) == "mkdocs.yml"
    # the source line first, where an editor edits; the built page after it
    assert FROM_GATE.text().startswith("docs/about-ms/x.md:19: LNK002 link to '../what-is-ms/#gone' points")
    assert "(in site/about-ms/x/index.html)" in FROM_GATE.text()
    assert FROM_GATE.where_to_edit == FROM_LOG.where_to_edit == FROM_LOG.location == Location("docs/about-ms/x.md", 19)


def test_json_keeps_the_source_as_a_location_and_reads_back_the_same():
    data = json.loads(formatters.as_json([FROM_GATE, FROM_LOG]))
    assert data[0]["source"] == {"path": "docs/about-ms/x.md", "line": 19, "column": None}
    assert data[1]["source"] is None
    assert [Diagnostic.from_dict(d) for d in data] == [FROM_GATE, FROM_LOG]
    assert Diagnostic.from_dict({"code": "X001"}) is None  # no path: not a diagnostic


def test_one_broken_link_reported_by_mkdocs_and_the_gate_is_one_report_at_the_source_line():
    [merged] = merge([FROM_GATE, FROM_LOG])
    assert merged.location == Location("docs/about-ms/x.md", 19) and merged.source is None
    assert merged.message == FROM_LOG.message  # the link as the editor wrote it
    assert merged.hint == FROM_GATE.hint  # the fix the other report had
    missing_page = [Diagnostic("LNK001", "link 'gone.md': not found", "docs/x.md", 3, target="gone.md"),
                    Diagnostic("LNK001", "link to 'gone.md' points to a missing page", "site/x/index.html",
                               target="gone.md", source=Location("docs/x.md", 3))]
    assert [d.path for d in merge(missing_page)] == ["docs/x.md"]


def test_a_missing_image_keeps_the_gates_code_at_the_source_line():
    log = Diagnostic("LNK001", "link '../assets/a.svg': the target is not found", "docs/x.md", 7, target="../assets/a.svg")
    gate = Diagnostic("IMG001", "image '../../assets/a.svg' does not exist", "site/x/index.html",
                      target="../../assets/a.svg", source=Location("docs/x.md", 7))
    [merged] = merge([log, gate])
    assert (merged.code, str(merged.location), merged.source) == ("IMG001", "docs/x.md:7", None)


def test_different_mistakes_stay_apart():
    two_anchors = [FROM_LOG, FROM_GATE,
                   Diagnostic("LNK002", "another", "docs/about-ms/x.md", 19, target="what-is-ms.md#other")]
    assert len(merge(two_anchors)) == 2
    other_line = Diagnostic("LNK002", FROM_LOG.message, "docs/about-ms/x.md", 20, target=FROM_LOG.target)
    assert len(merge([FROM_LOG, other_line])) == 2
    settings = [Diagnostic("GATE003", "unknown setting 'a'", "gate.yml"), Diagnostic("GATE003", "unknown setting 'b'", "gate.yml")]
    assert merge(settings) == settings  # no target: the words decide
    assert merge([settings[0], settings[0]]) == [settings[0]]


def test_a_merged_report_is_an_error_if_either_was():
    warning = Diagnostic("LNK001", "w", "docs/x.md", 3, target="gone.md", severity=Severity.WARNING)
    error = Diagnostic("LNK001", "e", "site/x/index.html", target="gone.md", source=Location("docs/x.md", 3))
    assert [d.severity for d in merge([warning, error])] == [Severity.ERROR]


def test_every_count_is_of_merged_reports(tmp_path, capsys):
    """The summary line, the job summary and the pull-request comment say 1 error for one mistake."""
    from medsite.gate import cli

    summary, json_file = tmp_path / "summary.md", tmp_path / "gate.json"
    status = cli.report([FROM_GATE, FROM_LOG], fmt="text", summary=str(summary), warnings_fatal=False,
                        json_file=str(json_file))
    assert status == 1
    assert capsys.readouterr().out.splitlines() == [
        "docs/about-ms/x.md:19: LNK002 link 'what-is-ms.md#gone': the doc 'about-ms/what-is-ms.md' does not contain "
        "an anchor '#gone'; fix: did you mean '#gene'? (see GATE-CODES.md#lnk002)",
        "gate: 1 error(s), 0 warning(s)"]
    assert "1 error(s), 0 warning(s)." in summary.read_text()
    loaded = comment.load_diagnostics(json_file)
    assert len(loaded) == 1 and loaded[0].location == Location("docs/about-ms/x.md", 19)
    body = comment.render(loaded, preview_url=None, run_url=None)
    assert "## Checks failed: 1 error(s), 0 warning(s)" in body
    assert "`docs/about-ms/x.md:19` **LNK002**" in body
