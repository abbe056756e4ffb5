"""The published output is held against the allowlist: each way of sneaking markup in, and a near miss.

Two fixture sites are built once each by `make site`'s own command (medsite.tools.make_site, gate included):
one where every page breaks the policy in one way, and one of near misses that must pass. Each
case asserts the code and the source file and line the finding points to.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from medsite.core.diagnostics import Diagnostic, Location
from safety_fixtures import BAD, TEXT, gate_build, line_of, make_site, page, with_includes

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

EMBED = '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Our explainer video"></iframe>'
EXCEPTIONS = f"""
safe_exceptions:
  - file: docs/embed.md
    markup: '{EMBED}'
    why: the clinic's explainer video, reviewed by the editorial lead
  - file: docs/gone.md
    markup: '<iframe src="https://www.youtube-nocookie.com/embed/gone"></iframe>'
    why: an embed that was removed
"""
COPYRIGHT = 'Fixture clinic <img src="c.png" onerror="alert(1)">'
PUBLISHER = 'Fixture clinic <img src="p.png" onerror="alert(2)">'

OK = {
    "raw-html-block": ("docs/raw-block.md", page(TEXT + '<div class="note">\n<p>Plain <em>markup</em>.</p>\n</div>\n')),
    "fence-that-is-not": ("docs/fence.md", page(TEXT + '```html\n<img src="x.png" onerror="alert(1)">\n```\n')),
    "multi-line-tag": ("docs/multi-line.md", page(TEXT + '<abbr\n  title="multiple sclerosis">MS</abbr>\n')),
    "attribute-list": ("docs/attr-list.md", page("A paragraph.\n{: .note #a-paragraph }\n")),
    "svg-onload": ("docs/svg-onload.md", page(TEXT + '<svg viewBox="0 0 10 10" role="img" aria-label="A square">'
                                          '<rect width="10" height="10" fill="#303fa1"/></svg>\n')),
    "character-reference": ("docs/char-ref.md", page(TEXT + '<a href="&#104;ttps://example.org/">a link</a> and `javascript:` in code.\n')),
    "meta-refresh": ("docs/meta.md", page(TEXT + 'Writing `<meta http-equiv="refresh">` in code is fine.\n')),
    "static-html": ("docs/static/ok.html", '<!doctype html><html><head><meta charset="utf-8"><title>A page</title></head>'
                                           "<body><p>Plain text.</p></body></html>\n"),
    "static-svg": ("docs/assets/ok.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>A square</title>'
                                         '<rect width="10" height="10" fill="#303fa1"/></svg>\n'),
    "static-css": ("docs/assets/ok.css", ".note { color: #303fa1; }\n"),
    "markdown-extension": ("docs/other.markdown", page(TEXT + "A page written as .markdown.\n")),
    "include": ("includes/ok.md", '*[MS]: multiple sclerosis\n<abbr title="Expanded Disability Status Scale">EDSS</abbr>\n'),
    "embed": ("docs/embed.md", page(TEXT + EMBED + "\n")),
    "aligned-table": ("docs/table.md", page(TEXT + "| Left | Centre |\n|:---|:---:|\n| a | b |\n")),
}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> tuple[Path, list[dict]]:
    files = with_includes({rel: text for rel, text, _, _ in BAD.values()})
    files["docs/embed.md"] = OK["embed"][1]
    root = make_site(tmp_path_factory.mktemp("bad"), files, copyright=COPYRIGHT, publisher=PUBLISHER)
    (root / "gate.yml").write_text((root / "gate.yml").read_text() + EXCEPTIONS)
    status, diagnostics = gate_build(root)
    assert status == 1 and diagnostics
    return root, diagnostics


@pytest.fixture(scope="module")
def bad(bad_build) -> list[dict]:
    return bad_build[1]


@pytest.fixture(scope="module")
def ok(tmp_path_factory) -> tuple[Path, list[dict]]:
    files = with_includes({rel: text for rel, text in OK.values()})
    root = make_site(tmp_path_factory.mktemp("ok"), files, copyright='Fixture clinic, <a href="https://fixture.example/">home</a>')
    (root / "gate.yml").write_text((root / "gate.yml").read_text() + EXCEPTIONS.split("  - file: docs/gone.md")[0])
    return root, gate_build(root)[1]


def _source(d: dict) -> str:
    """Where an editor fixes it, from the JSON the build wrote (`source` is a Location there)."""
    return str(Diagnostic.from_dict(d).where_to_edit)


def _from(d: dict) -> str:
    """The source line, 'mkdocs.yml:4', or '' when the finding has none."""
    return str(Location.from_dict(d["source"]) or "")


@pytest.mark.parametrize("case", sorted(BAD))
def test_unsafe_markup_is_refused_at_its_source_line(bad, case):
    rel, text, code, needle = BAD[case]
    expected = f"{rel}:{line_of(text, needle)}"
    found = [d for d in bad if d["code"] == code and _source(d) == expected]
    assert found, f"{code} at {expected} not reported; SAFE findings: " + "; ".join(
        f"{d['code']} {_source(d)} {d['message']}" for d in bad if d["code"].startswith("SAFE"))
    assert all(d["severity"] == "error" for d in found)


@pytest.mark.parametrize("case", sorted(OK))
def test_near_miss_passes(ok, case):
    _, diagnostics = ok
    rel = OK[case][0]
    related = (rel, f"docs/uses-{rel.split('/', 1)[1]}") if rel.startswith("includes/") else (rel,)
    found = [d for d in diagnostics if d["code"].startswith(("SAFE", "GATE00")) and _source(d).split(":")[0] in related]
    assert not found, [f"{d['code']} {_source(d)} {d['message']}" for d in found]


def test_near_miss_site_has_no_safety_finding_at_all(ok):
    root, diagnostics = ok
    assert not [d for d in diagnostics if d["code"].startswith("SAFE")], diagnostics
    assert (root / ".site-builds/rejected/other/index.html").is_file(), "the .markdown page was built"


def test_markup_in_the_copyright_setting_is_refused_or_escaped(bad_build):
    """mkdocs.yml reaches every page's footer: a located error, or (once escaped) plain text."""
    root, diagnostics = bad_build
    located = [d for d in diagnostics if d["code"] == "SAFE005" and _from(d).startswith("mkdocs.yml:")]
    footer = LexborHTMLParser((root / ".site-builds/rejected/index.html").read_text()).css_first(".md-copyright")
    if located:
        assert _from(located[0]) == "mkdocs.yml:4", located[0]
        assert "more published file" in located[0]["message"], "one finding for all the pages it reaches"
    else:
        assert footer.css_first("[onerror]") is None and "onerror" in footer.text(), "escaped: shown as text"


def test_markup_in_an_extra_setting_is_refused_or_escaped(bad_build):
    """extra.publisher.name reaches every content page's review box."""
    root, diagnostics = bad_build
    line = line_of((root / "mkdocs.yml").read_text(), "p.png")
    located = [d for d in diagnostics if d["code"] == "SAFE005" and _from(d) == f"mkdocs.yml:{line}"]
    box = LexborHTMLParser((root / ".site-builds/rejected/cite/index.html").read_text()).css_first(".health-footer")
    assert located or (box.css_first("[onerror]") is None and "onerror" in box.text())


def test_an_exception_allows_exactly_its_markup_and_an_unused_one_is_reported(bad):
    assert not [d for d in bad if _from(d).startswith("docs/embed.md")], "the reviewed embed is allowed"
    unused = [d for d in bad if d["code"] == "GATE002" and d["path"] == "gate.yml" and "safe_exceptions" in d["message"]]
    assert len(unused) == 1 and "docs/gone.md" in unused[0]["message"] and unused[0]["severity"] == "warning"


def test_source_checks_also_read_includes_and_every_page_extension(bad):
    early = {(d["code"], d["path"]) for d in bad if d["code"] in ("SAFE001", "SAFE002", "SAFE003")}
    assert ("SAFE002", "includes/payload.md") in early
    assert ("SAFE002", "docs/other.markdown") in early
