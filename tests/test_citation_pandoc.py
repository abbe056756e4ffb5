"""Pandoc's citation forms and their near-misses, on fixture sites built by `make site`'s command (MkDocs and gate).

Each supported form is asserted in the footnote HTML; each near-miss by its code, file and line; code spans,
code blocks, e-mail addresses and `\\@` stay text, as in Pandoc.
"""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from medsite.markdown import citation_syntax, citations
from safety_fixtures import gate_build, make_site, page

FORMS = """\
Plain claim [@smith2020].

A prefix [see @smith2020, p. 3].

Two works [e.g. @smith2020; @doe2021].

A long locator [@smith2020, p. 33 and passim].

No author [-@doe2021].

Escaped brackets [@smith2020, p. \\[89\\]].

An inline note.^[Also in a note [@doe2021].]

An own note.[^own]

Text stays: `[@smith2020]`, write to info@smith2020.org, and \\@smith2020 is a handle.

    [smith2020] (@smith2020) @smith2020 in a code block

[^own]: The editors' note [@smith2020].
"""

NEAR_MISSES = {  # the line's text -> the code it is refused with
    "Plain brackets [smith2020].": "CITE001",
    "Round brackets (@smith2020).": "CITE002",
    "No comma [@smith2020 p. 3].": "CITE003",
    "@smith2020 says so.": "CITE004",
    "Then @doe2021 [p. 33] says so.": "CITE004",
    "A note.^[never closed": "CITE005",
}


NEAR_MISSES_PAGE = page("\n\n".join(NEAR_MISSES) + "\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One fixture site, built once, with both pages: the forms (no fault of their own) and the near-misses."""
    root = make_site(tmp_path_factory.mktemp("forms"), {"docs/forms.md": page(FORMS, sources="smith2020, doe2021"),
                                                         "docs/near.md": NEAR_MISSES_PAGE})
    return root, *gate_build(root)


@pytest.fixture(scope="module")
def forms(built):
    root, _, found = built
    # The fixture's theme links to pages it does not have (LNK001 in every page): only the page's own faults count.
    ours = [
        d
        for d in found
        if d["severity"] == "error" and d["code"] != "LNK001" and "forms" in (d["path"] + str(d.get("source")))
    ]
    assert ours == [], ours
    return html_of(root, "forms/index.html")


def html_of(root, rel: str) -> LexborHTMLParser:
    """The built page, published or (the fixture's theme links failing the build) kept as rejected."""
    for base in (root / "site", root / ".site-builds" / "rejected"):
        if (base / rel).exists():
            return LexborHTMLParser((base / rel).read_text(encoding="utf-8"))
    raise AssertionError(f"{rel} was not built")


def _notes(tree) -> dict[str, str]:
    return {li.attributes["id"]: " ".join(li.text(deep=True).split()) for li in tree.css(".footnote li")}


def _paragraph(tree, start: str):
    return next(p for p in tree.css("article p") if p.text(deep=True).startswith(start))


def test_plain_and_author_suppressed_citations_share_the_works_footnote(forms):
    refs = [a.attributes["href"] for a in _paragraph(forms, "Plain claim").css("a.footnote-ref")]
    assert refs == ["#fn:cite-smith2020"]
    assert [a.attributes["href"] for a in _paragraph(forms, "No author").css("a.footnote-ref")] == ["#fn:cite-doe2021"]


def test_a_prefix_becomes_part_of_the_citations_own_footnote(forms):
    [ref] = _paragraph(forms, "A prefix").css("a.footnote-ref")
    note = _notes(forms)[ref.attributes["href"][1:]]
    assert note.startswith("see Smith AB. A study of MS. J Neurol. Published online 2020. doi:10.1000/abc123")
    assert _paragraph(forms, "A prefix").css_first(".cite-locator").text() == ", p. 3"  # beside the number
    first, second = _paragraph(forms, "Two works").css("a.footnote-ref")
    assert _notes(forms)[first.attributes["href"][1:]].startswith("e.g. Smith AB.")
    assert second.attributes["href"] == "#fn:cite-doe2021"  # no prefix: the work's own footnote


def test_locators_keep_their_words_and_escaped_brackets(forms):
    assert _paragraph(forms, "A long locator").css_first(".cite-locator").text() == ", p. 33 and passim"
    assert _paragraph(forms, "Escaped brackets").css_first(".cite-locator").text() == ", p. [89]"


def test_citations_inside_inline_notes_and_own_notes_are_footnotes(forms):
    [ref] = _paragraph(forms, "An inline note").css("a.footnote-ref")
    note = forms.css_first(f"li[id='{ref.attributes['href'][1:]}']")
    assert note.text(deep=True).strip().startswith("Also in a note")
    assert [a.attributes["href"] for a in note.css("a.footnote-ref")] == ["#fn:cite-doe2021"]
    own = forms.css_first("li[id='fn:own']")
    assert [a.attributes["href"] for a in own.css("a.footnote-ref")] == ["#fn:cite-smith2020"]
    assert "^[" not in forms.css_first("article").text(deep=True)


def test_code_email_and_escaped_at_stay_text(forms):
    line = _paragraph(forms, "Text stays")
    assert line.css_first("code").text() == "[@smith2020]"
    assert "info@smith2020.org" in line.text() and "and @smith2020 is a handle" in line.text(deep=True)
    assert "\\@" not in line.text(deep=True)
    assert "[smith2020] (@smith2020) @smith2020 in a code block" in forms.css_first("article pre").text()
    assert forms.css("mark.cite-error") == []


@pytest.fixture(scope="module")
def near_misses(built):
    _, code, found = built
    lines = {body: NEAR_MISSES_PAGE.splitlines().index(body) + 1 for body in NEAR_MISSES}
    return code, [d for d in found if "near" in d["path"] + str(d.get("source"))], lines


def _located(found) -> set[tuple[str, str, int]]:
    out = set()
    for d in found:
        where = d.get("source") or d
        out.add((d["code"], where["path"], where["line"]))
    return out


def test_each_near_miss_is_an_error_at_its_line(near_misses):
    code, found, lines = near_misses
    assert code != 0
    expected = {(code_, "docs/near.md", lines[body]) for body, code_ in NEAR_MISSES.items()}
    assert expected <= _located(found)
    cite = [d for d in found if d["code"].startswith("CITE")]
    assert len(cite) == len(NEAR_MISSES)  # one report per mistake: the extension's and the gate's merged
    assert all("; in the browser" in d["hint"] for d in cite if d["code"] != "CITE005")


def test_each_near_miss_names_the_form_to_use(near_misses):
    hints = {d["code"] + ":" + str(d["line"]): d["hint"] for d in near_misses[1] if d["code"].startswith("CITE00")}
    text = " ".join(hints.values())
    for written in ("'[@smith2020]'", "'[@smith2020, p. 3]'", "'... found [@doe2021, p. 33]'"):
        assert written in text


@pytest.mark.parametrize(
    "text",
    [
        "`[smith2020]` and `@smith2020`",
        "```\n(@smith2020)\n```",
        "mail me at me@smith2020.org",
        "an escaped \\@smith2020",
        "https://social.example/@smith2020",
        "[smith2020](https://x.example/)",
        "[@smith2020, p. 3]",
        "[see @smith2020]",
        "[-@smith2020]",
        "[note]",
        "(@handle)x",
        "@unknown2020 says",
    ],
)
def test_what_stays_text_or_is_a_citation_is_no_near_miss(text):
    known = {"smith2020": None}
    misses = citation_syntax.near_misses(text, "docs/x.md", known)
    assert [m.diagnostic.code for m in misses] == ([] if text != "(@handle)x" else ["CITE002"])


def test_the_citation_pattern_is_linear_on_long_prefixes():
    import time

    for text in (
        "[" + "see " * 20000 + "@" + "a" * 10 + " x" * 5000,
        "[" + "a " * 20000 + "@]",
        "(" + "@ " * 20000 + ")",
    ):
        started = time.perf_counter()
        citations.find(text)
        citation_syntax.near_misses(text, "docs/x.md", {})
        assert time.perf_counter() - started < 2
