"""Every code says how to fix it, and the messages that misled editors now point the right way."""

from __future__ import annotations

import posixpath
import re

import pytest

from conftest import copy_project, run_build
from medsite.sources.pageurls import html_file
from medsite.tools.gate_codes import every_rule
from project_facts import content_pages, editable_page, figure, fragment_link, line_of
from test_gate import OTHER, SITE_CASES, SOURCE_CASES, diagnose, site_files
from test_gate import page as make_page

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`


def test_every_rule_has_a_fix_in_words():
    for code, rule in every_rule().items():
        assert len(rule.fix.split()) >= 3, code


@pytest.mark.parametrize("case", sorted(SOURCE_CASES))
def test_every_source_fixture_message_ends_with_its_fix(tmp_path, case):
    files, _, _, _ = SOURCE_CASES[case]
    code = case.split("-")[0]
    found = [d for d in diagnose(tmp_path, files) if d.code == code]
    assert found and all(d.hint and "; fix: " in d.text() for d in found), [d.text() for d in found]


@pytest.mark.parametrize("code", sorted(SITE_CASES))
def test_every_site_fixture_message_ends_with_its_fix(tmp_path, code):
    article, extra = SITE_CASES[code]
    found = [d for d in diagnose(tmp_path, site_files(article, extra), site=True) if d.code == code]
    assert found and all(d.hint and "; fix: " in d.text() for d in found), [d.text() for d in found]


def test_a_missing_anchor_suggests_the_closest_real_one(tmp_path):
    other = {**OTHER, "site/other/index.html": "<html><body><h2 id='side-effects'>Side effects</h2></body></html>"}
    found = [d for d in diagnose(tmp_path, site_files('<a href="../other/#side-efects">risks</a>', other), site=True)
             if d.code == "LNK002"]
    assert found and "did you mean '#side-effects'?" in found[0].hint


def test_a_number_as_title_is_explained_in_words(tmp_path):
    page = make_page().replace("title: A page", "title: 2024")
    [found] = [d for d in diagnose(tmp_path, {"docs/page.md": page}) if d.code == "META002"]
    assert found.message == "'title' should be text, but YAML reads 2024 as a number"
    assert found.hint == 'put it in double quotes: title: "2024"'
    assert "str" not in found.text() and "int" not in found.text()


def test_ref008_does_not_propose_a_mistyped_key(tmp_path):
    files, _, _, _ = SOURCE_CASES["REF001"]  # cites jones2012, which is not in the bibliography
    page = files["docs/page.md"].replace("sources: [smith2020, jones2012]", "sources: [smith2020]")
    assert page != files["docs/page.md"]
    [found] = [d for d in diagnose(tmp_path, {"docs/page.md": page}) if d.code == "REF008"]
    assert "first fix the unknown citation key(s) jones2012" in found.hint
    assert found.hint.endswith("sources: [smith2020]")


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path)


def test_build_messages_name_the_page_and_the_fix(project):
    source = editable_page()
    forgotten = f"docs/{posixpath.dirname(source.uri)}/forgotten.md".replace("docs//", "docs/")
    (project / forgotten).write_text((project / source.rel).read_text())
    linking, target, anchor = fragment_link()
    misspelt = anchor[:-1]  # one letter short: the gate suggests the anchor that exists
    page = project / linking.rel
    page.write_text(page.read_text().replace(f"]({target}#{anchor})", f"]({target}#{misspelt})"))
    dated = next(p for p in content_pages() if p.uri not in (source.uri, linking.uri))
    dates = project / dated.rel
    dates.write_text(re.sub(r"(?m)^last_reviewed: .*$", "last_reviewed: 2026-13-01", dates.read_text(), count=1))
    out = run_build(project)
    text = out.stdout + out.stderr
    assert out.returncode == 1
    assert (f"{forgotten}: NAV001 the page is not in the menu (`nav:` in mkdocs.yml), "
            "so readers cannot find it; fix: add the page to `nav:`") in text
    assert f"did you mean '#{anchor}'?" in text
    assert "None differs" not in text and "'None'" not in text
    assert f"{dated.rel}:{line_of(dated, 'last_reviewed:')}: META003 'last_reviewed' is not an ISO date: '2026-13-01'; fix: " in text
    for line in text.splitlines():
        if ": " in line and line.split(": ", 1)[1][:3].isupper() and "gate:" not in line and "site:" not in line:
            assert "; fix: " in line, line


def test_a_picture_used_twice_gets_a_diagnostic_at_each_use(project):
    source, block, alt, src = figure()
    page = project / source.rel
    text = page.read_text().replace(f"![{alt}]", "![]")
    block = block.replace(f"![{alt}]", "![]")
    text = text.rstrip("\n") + f"\n\n{block}\n"  # the same picture again, at the end of the page
    page.write_text(text)
    name = posixpath.basename(src)
    lines = [i for i, line in enumerate(text.splitlines(), 1) if name in line]
    assert len(lines) == 2
    # The built page links the picture from its own folder (directory URLs).
    built_src = posixpath.relpath(posixpath.normpath(posixpath.join(posixpath.dirname(source.uri), src)), source.url)
    out = run_build(project)
    found = [line for line in (out.stdout + out.stderr).splitlines() if " IMG002 " in line]
    assert sorted(found) == sorted(f"{source.rel}:{n}: IMG002 image '{built_src}' "
                                   f"has no alt text (in site/{html_file(source.uri)}); fix: "
                                   "Describe the image in the ![alt text](...) brackets. (see GATE-CODES.md#img002)" for n in lines)
