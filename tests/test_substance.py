"""Checks of substance (issue 22, part 3): exceptions to evidence rules name their reviewer and are
shown to readers on the References page; text is read as readers see it (NFKC, confusable letters,
bidirectional controls) in every file a reader can open.

Each check runs on a small fixture project; code, file and line are asserted.
"""

from __future__ import annotations

import markdown
import pytest
from selectolax.lexbor import LexborHTMLParser

from medsite.markdown import referencespage
from medsite.markdown.extensions.citations import scan_exemptions
from medsite.sources.site import Site
from test_gate import BODY, diagnose, make_project, page

ADDED = 17  # the first line appended to BODY (as in test_gate)
NUMBER = "About 40% of people improved.\n"  # no citation: EVID002


def codes(found, *wanted):
    return [(d.code, d.path, d.line) for d in found if d.code in wanted]


# --- GATE007: an exception to an evidence rule names its reviewer -------------------------------------


@pytest.mark.parametrize("reason", [
    "the 2030 atlas, quoted by the regulator",
    "the 2030 atlas, quoted by the regulator; reviewed by",
    "the 2030 atlas; reviewed by Dr Nobody Known",  # not in extra.editorial_team: never invent a reviewer
    "reviewed by the editorial team",
])
def test_an_evidence_exception_without_a_reviewer_from_the_team_is_an_error_and_suppresses_nothing(tmp_path, reason):
    found = diagnose(tmp_path, {"docs/page.md": page(BODY + f"\n<!-- gate-ignore EVID002: {reason} -->\n" + NUMBER)})
    assert codes(found, "GATE007", "GATE002") == [("GATE007", "docs/page.md", ADDED)]
    assert codes(found, "EVID002") == [("EVID002", "docs/page.md", ADDED + 1)]


@pytest.mark.parametrize("reason", [
    "the 2030 atlas, quoted by the regulator; reviewed by Dr Ada Real",
    "the 2030 atlas, quoted by the regulator — reviewed by Dr Ada Real.",
    "the 2030 atlas, quoted by the regulator, Reviewed by Dr Ada Real",
])
def test_an_evidence_exception_naming_a_team_reviewer_applies(tmp_path, reason):
    found = diagnose(tmp_path, {"docs/page.md": page(BODY + f"\n<!-- gate-ignore EVID002: {reason} -->\n" + NUMBER)})
    assert codes(found, "GATE007", "GATE002", "EVID002", "GATE001") == []


def test_a_words_to_avoid_exception_needs_no_reviewer(tmp_path):
    text = BODY + "\n<!-- gate-ignore EVID001: quotes the regulator's warning word for word -->\nClinics say \"miracle\" [@smith2020].\n"
    found = diagnose(tmp_path, {"docs/page.md": page(text)})
    assert codes(found, "GATE007", "GATE002", "EVID001") == []


def test_an_example_comment_in_code_is_no_exception(tmp_path):
    text = BODY + "\n```markdown\n<!-- gate-ignore EVID003: an example -->\n```\n"
    assert codes(diagnose(tmp_path, {"docs/page.md": page(text)}), "GATE007", "GATE002") == []


# --- The References page lists every exception ------------------------------------------------------------


def _references_html(tmp_path, files) -> LexborHTMLParser:
    root = make_project(tmp_path, files)
    site, _ = Site.load(root)
    md = referencespage.render_exemptions(scan_exemptions(site), from_uri="references.md")
    return LexborHTMLParser(markdown.markdown(md, extensions=["attr_list"]))


def test_the_references_page_lists_each_exception_with_its_page_code_and_reason(tmp_path):
    text = BODY + "\n<!-- gate-ignore EVID003: the atlas <b>[@smith2020]</b> --8<-- x; reviewed by Dr Ada Real -->\n" + NUMBER
    snippet = '<!-- gate-ignore EVID001: the NHS wording -->\n!!! medical-help "Help"\n    Call for help.\n'
    tree = _references_html(tmp_path, {"docs/page.md": page(text), "includes/medical-help.md": snippet})
    items = tree.css("#check-exceptions ~ ul li")
    assert [li.text() for li in items] == [
        "A page, check EVID003: the atlas <b>[@smith2020]</b> --8<-- x; reviewed by Dr Ada Real",  # shown as text, never as markup
        "Text that several pages share (includes/medical-help.md), check EVID001: the NHS wording",
    ]
    assert items[0].css_first("a").attributes["href"] == "page.md" and not items[0].css("b")


def test_a_site_without_exceptions_says_so(tmp_path):
    tree = _references_html(tmp_path, {})
    assert tree.css_first("#check-exceptions") is not None
    assert "There are none" in tree.body.text()
