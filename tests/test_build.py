"""`make site`'s build script: bad input stops it with path:line and no traceback, and site/ keeps its last good build.

Each test breaks one thing in conftest's small good project (our templates, hooks, includes and gate, a few short
pages): what it checks does not depend on the real pages, and the small site builds in a third of the time.
"""

from __future__ import annotations

import json
import posixpath
import shutil

import pytest

from conftest import SMALL_KEYS, SMALL_PAGE, assert_failed_and_kept, mark_last_good, run_build, small_good_project
from medsite.sources.pageurls import html_file, page_url
from medsite.tools.review import comment

PAGE = SMALL_PAGE  # a condition page citing two works, with a ## heading
URI = PAGE.removeprefix("docs/")
KEY = SMALL_KEYS[0]  # the first work it cites
TYPO = KEY[:-1] + "1"  # one letter off, and closest to KEY

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`


@pytest.fixture()
def project(tmp_path, small_built_project):
    """The small project as `make site` left it (built once per session), copied for one test to break."""
    root = tmp_path / "project"
    shutil.copytree(small_built_project, root, symlinks=True)  # site/ is a relative link to the published build
    assert (root / "site" / "index.html").is_file()
    mark_last_good(root)
    return root


def page_with(root, old: str, new: str, rel: str = PAGE) -> int:
    """Replace text in a page; return the line where the new text starts."""
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1 + (len(new) - len(new.lstrip("\n")))


def line_of(root, text: str, rel: str = PAGE) -> int:
    """The first line of the page that holds `text`."""
    return next(n for n, line in enumerate((root / rel).read_text().splitlines(), 1) if text in line)


def test_unknown_citation_key_fails_with_file_and_line(project):
    line = page_with(project, f"@{KEY}", f"@{TYPO}")
    assert line == line_of(project, f"[@{TYPO}]")
    result = run_build(project)
    assert_failed_and_kept(result, project, f"{PAGE}:{line}:")
    assert f"REF001 unknown citation key '{TYPO}' (did you mean '{KEY}'?)" in result.stdout


def test_malformed_bibliography_fails_with_line(project):
    bib = project / "docs/references.yaml"
    bib.write_text(bib.read_text() + "- id: broken\n  title: [unclosed\n")
    assert_failed_and_kept(run_build(project), project, "docs/references.yaml:")


def test_broken_front_matter_fails_with_line(project):
    line = page_with(project, "page_type: condition", "page_type: [condition")
    assert line == line_of(project, "page_type:")
    # The YAML parser notices the unclosed '[' where the next key starts: the line after.
    assert_failed_and_kept(run_build(project), project, f"{PAGE}:{line + 1}: META001 YAML does not parse")


def test_missing_snippet_is_a_diagnostic_not_a_traceback(project):
    line = page_with(project, "\n## ", '\n--8<-- "no-such-file.md"\n\n## ')
    assert_failed_and_kept(run_build(project), project, f"{PAGE}:{line}: META010 snippet 'no-such-file.md'")


def test_broken_internal_link_fails(project):
    line = page_with(project, "\n## ", "\nSee [what MS is](about-ms/what-is-ms.md#no-such-anchor).\n\n## ")
    assert_failed_and_kept(run_build(project), project, f"{PAGE}:{line}: LNK002")


def test_a_broken_link_and_a_broken_anchor_are_one_report_each_in_every_count(project, tmp_path):
    """MkDocs' log and the gate's link check both see each mistake: it is reported once, at the
    Markdown line, and the summary line, the job summary and the pull-request comment count 2 errors."""
    here = posixpath.basename(URI)
    line = page_with(project, "\n## ", f"\nSee [a page](no-such-page.md).\n\nSee [a part]({here}#no-such-anchor).\n\n## ")
    at = {"LNK001": f"{PAGE}:{line}", "LNK002": f"{PAGE}:{line + 2}"}
    summary, json_file = tmp_path / "summary.md", tmp_path / "gate.json"
    result = run_build(project, "--summary", str(summary), "--json-file", str(json_file))
    assert_failed_and_kept(result, project, f"{at['LNK001']}: LNK001 link 'no-such-page.md'")
    reports = [line for line in result.stdout.splitlines() if " LNK00" in line]
    assert [" ".join(r.split(" ")[:2]) for r in reports] == [f"{at['LNK001']}: LNK001", f"{at['LNK002']}: LNK002"], result.stdout
    assert "gate: 2 error(s)," in result.stdout
    assert "\n2 error(s), " in summary.read_text()
    assert "## Checks failed: 2 error(s)," in comment.render(comment.load_diagnostics(json_file), preview_url=None, run_url=None)

    result = run_build(project, "--format", "json")
    found = [d for d in json.loads(result.stdout) if d["code"].startswith("LNK")]
    assert [(d["code"], f"{d['path']}:{d['line']}", d["source"]) for d in found] == [
        ("LNK001", at["LNK001"], None), ("LNK002", at["LNK002"], None)], found


@pytest.mark.parametrize("rel,added,message", [
    ("gate.yml", "not_a_setting: 1\n", "unknown setting 'not_a_setting'"),
    ("mkdocs.yml", "extra:\n  scope: everything\n", "extra.scope is not a setting this site uses"),
])
def test_a_bad_setting_is_json_with_format_json(project, rel, added, message):
    """`--format json` gets JSON on every exit: a bad setting is a GATE003 object, not a plain line."""
    text = (project / rel).read_text()
    if rel == "mkdocs.yml":  # into the existing `extra:` mapping
        text, added = text.replace("\nextra:\n", "\n" + added, 1), ""
        assert "scope: everything" in text
    (project / rel).write_text(text + added)
    line = next(i for i, t in enumerate((project / rel).read_text().splitlines(), 1) if "not_a_setting" in t or "scope:" in t)
    result = run_build(project, "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    found = [d for d in json.loads(result.stdout) if d["code"] == "GATE003"]
    assert [(d["path"], d["line"], d["message"]) for d in found] == [(rel, line, message)], found
    assert "GATE003" not in result.stderr


def test_authors_footnotes_and_citations_share_reading_order(project):
    first, second = SMALL_KEYS[:2]
    (project / PAGE).write_text(
        (project / PAGE).read_text().replace(
            "\n## ",
            f"\nA claim [@{second}] and an aside[^aside].\n\n!!! note \"Box\"\n    Inside a box [@{first}].\n\n"
            "[^aside]: The editor's own note.\n\n## ",
            1,
        )
    )
    result = run_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project / "site" / html_file(URI)).read_text()
    from selectolax.lexbor import LexborHTMLParser

    refs = LexborHTMLParser(html).css("article a.footnote-ref")
    order = {}
    for a in refs:
        order.setdefault(a.attributes["href"], int(a.text()))
    assert list(order.values()) == sorted(order.values())
    assert "#fn:aside" in order


def test_serve_shows_unknown_key_with_file_and_line_and_keeps_serving(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    root = small_good_project(tmp_path)
    line = page_with(root, f"@{KEY}", f"@{TYPO}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            text = proc.stdout.readline()
            output.append(text)
            if "Serving on" in text:
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{page_url(URI)}", timeout=10) as response:
            assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    log = "".join(output)
    assert f"{PAGE}:{line}:" in log and f"REF001 unknown citation key '{TYPO}'" in log, log


def test_broken_mkdocs_yml_fails_cleanly(project):
    config = project / "mkdocs.yml"
    lines = config.read_text().count("\n")
    config.write_text(config.read_text() + "nav: [broken\n")
    result = run_build(project)
    assert_failed_and_kept(result, project, f"mkdocs.yml:{lines + 2}: GATE003 YAML does not parse")
    assert "BUILD001" not in result.stdout  # one line: no engine is run on settings we could not read
