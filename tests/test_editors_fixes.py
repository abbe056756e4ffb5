"""Every code says how to fix it, and the messages that misled editors now point the right way."""

from __future__ import annotations

import re

import pytest

from conftest import copy_project, run_build
from medsite.gate import rules
from test_gate import OTHER, SITE_CASES, SOURCE_CASES, diagnose, site_files
from test_gate import page as make_page

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`


def test_every_rule_has_a_fix_in_words():
    for code, rule in rules.ALL_RULES.items():
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
    docs = project / "docs"
    (docs / "about-ms" / "forgotten.md").write_text((docs / "about-ms" / "causes.md").read_text())
    clinic = docs / "stem-cells" / "our-clinic.md"
    clinic.write_text(clinic.read_text().replace("editorial-policy.md#conflicts-of-interest", "editorial-policy.md#conflict-of-interest"))
    types = docs / "about-ms" / "types.md"
    types.write_text(re.sub(r"(?m)^last_reviewed: .*$", "last_reviewed: 2026-13-01", types.read_text(), count=1))
    out = run_build(project)
    text = out.stdout + out.stderr
    assert out.returncode == 1
    assert ("docs/about-ms/forgotten.md: NAV001 the page is not in the menu (`nav:` in mkdocs.yml), "
            "so readers cannot find it; fix: add the page to `nav:`") in text
    assert "did you mean '#conflicts-of-interest'?" in text
    assert "None differs" not in text and "'None'" not in text
    assert "docs/about-ms/types.md:5: META003 'last_reviewed' is not an ISO date: '2026-13-01'; fix: " in text
    for line in text.splitlines():
        if ": " in line and line.split(": ", 1)[1][:3].isupper() and "gate:" not in line and "site:" not in line:
            assert "; fix: " in line, line


def test_a_picture_used_twice_gets_a_diagnostic_at_each_use(project):
    page = project / "docs" / "about-ms" / "what-is-ms.md"
    text = page.read_text().replace("![A nerve fibre wrapped in myelin, with one damaged patch]", "![]")
    figure = text[text.index("<figure markdown>"): text.index("</figure>") + len("</figure>")]
    text = text.replace("## What happens in MS\n", f"## What happens in MS\n\n{figure}\n", 1)
    page.write_text(text)
    lines = [i for i, line in enumerate(text.splitlines(), 1) if "myelin.svg" in line]
    assert len(lines) == 2
    out = run_build(project)
    found = [line for line in (out.stdout + out.stderr).splitlines() if " IMG002 " in line]
    assert sorted(found) == sorted(f"site/about-ms/what-is-ms/index.html: IMG002 image '../../assets/figures/myelin.svg' "
                                   f"has no alt text (from docs/about-ms/what-is-ms.md:{n}); fix: "
                                   "Describe the image in the ![alt text](...) brackets." for n in lines)
