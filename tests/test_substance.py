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
from test_gate import BODY, diagnose, html, make_project, page

ADDED = 17  # the first line appended to BODY (as in test_gate)
NUMBER = "About 40% of people improved.\n"  # no citation: EVID002


def codes(found, *wanted):
    return [(d.code, d.path, d.line) for d in found if d.code in wanted]


# --- GATE007: an exception to an evidence rule names its reviewer -------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "the 2030 atlas, quoted by the regulator",
        "the 2030 atlas, quoted by the regulator; reviewed by",
        "the 2030 atlas; reviewed by Dr Nobody Known",  # not in extra.editorial_team: never invent a reviewer
        "reviewed by the editorial team",
    ],
)
def test_an_evidence_exception_without_a_reviewer_from_the_team_is_an_error_and_suppresses_nothing(tmp_path, reason):
    found = diagnose(tmp_path, {"docs/page.md": page(BODY + f"\n<!-- gate-ignore EVID002: {reason} -->\n" + NUMBER)})
    assert codes(found, "GATE007", "GATE002") == [("GATE007", "docs/page.md", ADDED)]
    assert codes(found, "EVID002") == [("EVID002", "docs/page.md", ADDED + 1)]


@pytest.mark.parametrize(
    "reason",
    [
        "the 2030 atlas, quoted by the regulator; reviewed by Dr Ada Real",
        "the 2030 atlas, quoted by the regulator — reviewed by Dr Ada Real.",
        "the 2030 atlas, quoted by the regulator, Reviewed by Dr Ada Real",
    ],
)
def test_an_evidence_exception_naming_a_team_reviewer_applies(tmp_path, reason):
    found = diagnose(tmp_path, {"docs/page.md": page(BODY + f"\n<!-- gate-ignore EVID002: {reason} -->\n" + NUMBER)})
    assert codes(found, "GATE007", "GATE002", "EVID002", "GATE001") == []


def test_a_words_to_avoid_exception_needs_no_reviewer(tmp_path):
    text = (
        BODY
        + '\n<!-- gate-ignore EVID001: quotes the regulator\'s warning word for word -->\nClinics say "miracle" [@smith2020].\n'
    )
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
    text = (
        BODY
        + "\n<!-- gate-ignore EVID003: the atlas <b>[@smith2020]</b> --8<-- x; reviewed by Dr Ada Real -->\n"
        + NUMBER
    )
    snippet = '<!-- gate-ignore EVID001: the NHS wording -->\n!!! medical-help "Help"\n    Call for help.\n'
    tree = _references_html(tmp_path, {"docs/page.md": page(text), "includes/medical-help.md": snippet})
    items = tree.css("#check-exceptions ~ ul li")
    assert (
        [li.text() for li in items]
        == [
            "A page, check EVID003: the atlas <b>[@smith2020]</b> --8<-- x; reviewed by Dr Ada Real",  # shown as text, never as markup
            "Text that several pages share (includes/medical-help.md), check EVID001: the NHS wording",
        ]
    )
    assert items[0].css_first("a").attributes["href"] == "page.md" and not items[0].css("b")


def test_a_site_without_exceptions_says_so(tmp_path):
    tree = _references_html(tmp_path, {})
    assert tree.css_first("#check-exceptions") is not None
    assert "There are none" in tree.body.text()


# --- One normalisation: NFKC, confusable letters, right-to-left overrides, bidirectional controls ---------


@pytest.mark.parametrize(
    "written, reads",
    [
        ("m\u0456racle", "miracle"),  # Cyrillic i
        (
            "\u0436\u0438\u0437\u043d\u044c",
            "\u0436\u0438\u0437\u043d\u044c",
        ),  # a Russian word that does not look Latin stays
        ("\u0441ur\u0435", "cure"),  # Cyrillic es and ie among Latin letters
        ("\u202eelcarim\u202c", "miracle"),  # drawn right to left
        ("\uff4d\uff49\uff52\uff41\uff43\uff4c\uff45", "miracle"),  # full-width
        ("\u03b2-interferon, 5 \u03bcg", "\u03b2-interferon, 5 \u03bcg"),  # Greek letters of medicine stay Greek
        ("caf\u00e9 na\u00efve", "caf\u00e9 na\u00efve"),
    ],
)
def test_reader_text_reads_as_a_reader_sees(written, reads):
    from medsite.core.readertext import reader_text

    assert reader_text(written) == reads


@pytest.mark.parametrize("written", ["m\u0456racle", "\u202eelcarim\u202c", "&#x202E;elcarim&#x202C;", "mir\u0430cle"])
def test_hidden_miracles_in_a_page_are_caught(tmp_path, written):
    found = diagnose(tmp_path, {"docs/page.md": page(BODY + f"\nA {written} for MS [@smith2020].\n")})
    assert [(d.code, d.path, d.line, d.target.lower()) for d in found if d.code == "EVID001"] == [
        ("EVID001", "docs/page.md", ADDED, "miracle")
    ]


@pytest.mark.parametrize(
    "control", ["\u202e", "\u202b", "\u2066", "\u200f", "\u200e", "\u061c", "&#x202e;", "&#8238;", "&rlm;"]
)
def test_bidirectional_controls_are_refused_in_pages_snippets_and_the_bibliography(tmp_path, control):
    files = {
        "docs/page.md": page(BODY + f"\nMS affects {control}the brain [@smith2020].\n"),
        "includes/medical-help.md": f'!!! medical-help "Help"\n    Call {control}for help.\n',
    }
    found = diagnose(tmp_path, files)
    assert codes(found, "EVID020") == [("EVID020", "docs/page.md", ADDED), ("EVID020", "includes/medical-help.md", 2)]


def test_a_page_without_bidirectional_controls_passes(tmp_path):
    found = diagnose(
        tmp_path, {"docs/page.md": page(BODY + "\nMS affects the brain, \u00e9 and &amp; [@smith2020].\n")}
    )
    assert codes(found, "EVID020") == []


# --- Static .html and .svg files under docs/ ----------------------------------------------------------------

LEAFLET = """<!doctype html>
<html><head><title>Our leaflet</title>
<meta name="description" content="Cells that cure MS"></head>
<body>
<p>MS affects the brain and
the spine. Our cells are proven to work.</p>
<p>About 40% of people improved.</p>
<p>About 27% relapsed <a href="../references/#ref-smith2020">[1]</a>. Read <a href="page/">more</a>.</p>
<img src="a.png" alt="A m\u0456racle drawing">
<script>var s = "cure";</script>
</body></html>
"""
FIGURE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
<title>Myelin</title>
<text x="1" y="1">Nerve cell 1</text>
<text x="1" y="2">Stem cells <tspan>re</tspan>pair it</text>
<g aria-label="A breakthrough"></g>
</svg>
"""


def test_words_and_numbers_in_a_static_html_page_are_found_at_their_lines(tmp_path):
    found = diagnose(tmp_path, {"docs/leaflet.html": LEAFLET})
    assert codes(found, "EVID001", "EVID002") == [
        ("EVID001", "docs/leaflet.html", 3),  # the description
        ("EVID001", "docs/leaflet.html", 6),  # "proven", on the paragraph's second line, where its sentence is
        ("EVID002", "docs/leaflet.html", 7),  # 40% with no link to its References entry; 27% has one
        ("EVID001", "docs/leaflet.html", 9),  # alt text, behind a Cyrillic i; the script is not text
    ]
    assert [d.target for d in found if d.code == "EVID001"] == ["cure", "proven", "miracle"]


def test_a_static_svg_drawing_is_checked_for_words_not_numbers(tmp_path):
    found = diagnose(tmp_path, {"docs/assets/figure.svg": FIGURE})
    assert codes(found, "EVID001", "EVID002") == [
        ("EVID001", "docs/assets/figure.svg", 4),
        ("EVID001", "docs/assets/figure.svg", 5),
    ]


def test_plain_static_files_pass(tmp_path):
    files = {
        "docs/leaflet.html": "<html><body><p>MS affects the brain <a href='references/#ref-smith2020'>[1]</a>. "
        "There is no cure for MS.</p></body></html>\n",
        "docs/assets/figure.svg": FIGURE.split('<text x="1" y="2">')[0] + "</svg>\n",
    }
    assert codes(diagnose(tmp_path, files), "EVID001", "EVID002") == []


def test_a_static_page_copied_into_the_site_is_reported_once_at_its_source(tmp_path):
    files = {
        "docs/leaflet.html": LEAFLET,
        "site/leaflet.html": LEAFLET,
        "site/page/index.html": html("<p>MS affects the brain.</p>"),
    }
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code == "EVID001"]
    assert {d.path for d in found} == {"docs/leaflet.html"}


# --- Titles of links and images, the theme's own titles, the search index ------------------------------------


def test_a_markdown_image_title_is_read(tmp_path):
    text = BODY + '\n![A drawing of nerves](a.svg "Cells that cure MS") [@smith2020].\n'
    assert codes(diagnose(tmp_path, {"docs/page.md": page(text)}), "EVID001") == [("EVID001", "docs/page.md", ADDED)]


def test_a_title_in_the_theme_is_reported_once_for_the_site(tmp_path):
    header = "<header><a href='/' title='Miracle cells'>Home</a></header>"
    files = {
        "docs/page.md": page(),
        "docs/other.md": page(),
        "site/page/index.html": html("<p>MS affects the brain.</p>").replace("<body>", "<body>" + header),
        "site/other/index.html": html("<p>MS affects the brain.</p>").replace("<body>", "<body>" + header),
    }
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code == "EVID001"]
    assert [(d.target, "theme" in d.message) for d in found] == [("Miracle", True)]


def _fragment(url: str, content: str, **meta) -> bytes:
    import gzip
    import json

    return gzip.compress(b"pagefind_dcd" + json.dumps({"url": url, "content": content, "meta": meta}).encode())


def test_the_search_index_is_read_for_words_the_page_does_not_show(tmp_path):
    files = {
        "docs/page.md": page(),
        "site/page/index.html": html(
            "<p>MS affects the brain.</p><div class='reference-entry'>Regenerative medicine</div>"
        ),
        "site/pagefind/fragment/en_1.pf_fragment": _fragment(
            "/page/", "MS affects the brain. Regenerative medicine", title="A miracle page"
        ),
    }
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code == "EVID001"]
    assert [(d.path, d.target, d.source) for d in found] == [
        ("site/pagefind/fragment/en_1.pf_fragment", "miracle", None)
    ]
