"""Bounded input: YAML aliases and oversized files are refused fast, with file and line.

Builds run in a subprocess with a 60 s timeout, so a regression (an alias bomb
expanded again) fails the test instead of hanging it. Plus the faults found by
the security probe: duplicate heading ids, third-party images, indented code,
citations in headings, bibliography faults, `[@key.]` lines and a byte-order mark.

The builds break conftest's small good project (our templates, hooks, includes and gate, a few short pages):
what they check does not depend on the real pages, and the small site builds in a third of the time.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, SMALL_KEYS, SMALL_PAGE, assert_failed_and_kept, mark_last_good, small_page
from medsite.markdown import referencespage
from medsite.sources.pageurls import page_url, url_file
from project_facts import first, relative
from test_gate import BIB, BODY, diagnose, line_of, page

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

PAGE = SMALL_PAGE  # a condition page citing two works, with a ## heading
URI = PAGE.removeprefix("docs/")
URL = page_url(URI)
HTML = f"site/{url_file(URL)}"
KEY = SMALL_KEYS[0]  # a work the page cites
ARTICLE = SMALL_KEYS[1]  # an entry whose author list the tests rewrite (each small work is person-authored)
FIGURE = first(sorted((ROOT / "docs" / "assets" / "figures").glob("*.svg")), "figure in docs/assets/figures")


def bomb(key: str, indent: str = "", final: str | None = None) -> str:
    """A "billion laughs": nine levels of nine aliases, 9**9 values from ten lines.

    With `final`, the last level is that key (a page's title, an entry's title), so
    the expanded value is one the build really uses.
    """
    lines = [f'{indent}{key}0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        name = final if final and level == 9 else f"{key}{level}"
        lines.append(f"{indent}{name}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def replace_line(path: Path, starts: str, text: str, after: str = "") -> int:
    """Replace the first line starting with `starts` (after the first line containing `after`); return its number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    begin = next(i for i, line in enumerate(lines) if after in line)
    at = next(i for i, line in enumerate(lines) if i >= begin and line.startswith(starts))
    path.write_text("".join(lines[:at]) + text + "".join(lines[at + 1:]), encoding="utf-8")
    return at + 1


def build(root: Path) -> subprocess.CompletedProcess:
    """`make site` on the project; a build still running after 60 s fails the test (and is stopped,
    MkDocs included, so a regression cannot leave a process eating memory)."""
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "medsite.tools.make_site", "--root", str(root)]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the build did not finish within 60 s")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.fixture()
def project(tmp_path, small_built_project):
    """The small project as `make site` left it (built once per session), copied for one test to break."""
    root = tmp_path / "project"
    shutil.copytree(small_built_project, root, symlinks=True)  # site/ is a relative link to the published build
    assert (root / "site" / "index.html").is_file()
    mark_last_good(root)
    return root


def insert_after(path: Path, anchor: str, text: str) -> int:
    """Insert text on the lines after the line holding `anchor`; return its first line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines, 1) if anchor in line)
    path.write_text("".join(lines[:at]) + text + "".join(lines[at:]), encoding="utf-8")
    return at + 1


# --- YAML aliases: refused wherever editors write YAML ---------------------------------------

def test_alias_bomb_in_front_matter_is_refused_with_line(project):
    line = replace_line(project / PAGE, "title:", bomb("laughs", final="title"))
    assert_failed_and_kept(build(project), project, f"{PAGE}:{line}: INPUT001 YAML anchors (&name) and aliases (*name) are not allowed")


def test_alias_bomb_in_a_markdown_suffix_page_is_refused_before_the_engine(project):
    """MkDocs builds `.markdown` pages too (its loader would expand this for minutes): the refusal
    reads every page the Site lists, not only `*.md`."""
    (project / "docs/notes.markdown").write_text("---\n" + bomb("laughs", final="title") + "---\n\nText.\n")
    result = build(project)
    assert_failed_and_kept(result, project, "docs/notes.markdown:2: INPUT001 YAML anchors (&name) and aliases (*name) are not allowed")
    assert "BUILD001" not in result.stdout + result.stderr  # no engine ran


def test_alias_bomb_in_bibliography_is_refused_with_line(project):
    bib = project / "docs/references.yaml"
    line = replace_line(bib, "  title:", bomb("laughs", "  ", final="title"), after=f"- id: {ARTICLE}\n")
    assert_failed_and_kept(build(project), project, f"docs/references.yaml:{line}: INPUT001 YAML anchors")


def test_alias_bomb_in_mkdocs_yml_is_refused_before_mkdocs_reads_it(project):
    # MkDocs' own loader expands aliases: this took MkDocs over a minute before the check.
    line = insert_after(project / "mkdocs.yml", "extra:", bomb("laughs", "  "))
    result = build(project)
    assert_failed_and_kept(result, project, f"mkdocs.yml:{line}: INPUT001 YAML anchors")
    assert "BUILD001" not in result.stdout  # MkDocs never ran


def test_alias_in_gate_yml_is_assert_failed_and_kept(tmp_path):
    found = diagnose(tmp_path, {"gate.yml": "image_max_kb: &size 200\nverification_max_age_days: *size\n"})
    assert ("INPUT001", "gate.yml", 1) in {(d.code, d.path, d.line) for d in found}


def test_deep_nesting_is_refused_not_a_crash(tmp_path):
    # libyaml's own composer recurses without limit and crashes the process on this.
    deep = page().replace("title: A page", "title: " + "[" * 5000 + "]" * 5000)
    found = diagnose(tmp_path, {"docs/page.md": deep})
    assert ("INPUT001", "docs/page.md", 2) in {(d.code, d.path, d.line) for d in found}


def test_near_miss_ampersands_and_stars_in_quoted_values_pass(tmp_path):
    text = page().replace("title: A page", 'title: "Fish &chips *not an alias*"')
    bib = BIB.replace("title: A study of MS", "title: 'MS & *relapses*: a study'")
    found = diagnose(tmp_path, {"docs/page.md": text, "docs/references.yaml": bib})
    assert not [d for d in found if d.code.startswith(("INPUT", "META001", "REF002"))], found


# --- Size limits -------------------------------------------------------------------------------

def test_oversized_page_is_refused_before_it_is_read(project):
    path = project / PAGE
    path.write_text(path.read_text() + ("A long line of text. " * 50 + "\n\n") * 600)  # about 630 kB
    assert_failed_and_kept(build(project), project, f"{PAGE}: INPUT002 the page is 6")


def test_oversized_front_matter_value_is_refused_at_its_line(tmp_path):
    long = page().replace("description: One sentence about the page.", "description: " + "word " * 500)
    found = diagnose(tmp_path, {"docs/page.md": long})
    hits = [d for d in found if d.code == "INPUT002"]
    assert [(d.path, d.line) for d in hits] == [("docs/page.md", 3)], found
    assert "front matter value 'description' is 2,499 characters, over the limit of 2,000" in hits[0].message
    near = page().replace("description: One sentence about the page.", "description: " + "word " * 390)
    assert not [d for d in diagnose(tmp_path, {"docs/page.md": near}) if d.code == "INPUT002"]


def test_oversized_bibliography_entry_and_file(tmp_path):
    huge_entry = BIB.replace("title: Another study", "title: " + "x" * 11_000)
    found = diagnose(tmp_path, {"docs/references.yaml": huge_entry})
    assert ("INPUT002", "docs/references.yaml", 9) in {(d.code, d.path, d.line) for d in found}
    huge_file = BIB + "".join(BIB.split("- id: jones2021")[1].replace("\n", f"\n# padding {'x' * 100}\n") for _ in range(100)) * 150
    found = diagnose(tmp_path, {"docs/references.yaml": "- id: jones2021" + huge_file})
    assert [(d.code, d.path, d.line) for d in found if d.code == "INPUT002"] == [("INPUT002", "docs/references.yaml", None)]


def test_limits_come_from_gate_yml(tmp_path):
    strict = (ROOT / "gate.yml").read_text().replace("page_kb: 512", "page_kb: 1")
    found = diagnose(tmp_path, {"gate.yml": strict, "docs/page.md": page(BODY + "More words here. " * 100)})
    assert ("INPUT002", "docs/page.md") in {(d.code, d.path) for d in found}
    wrong = (ROOT / "gate.yml").read_text().replace("page_kb: 512", "page_kb: lots")
    found = diagnose(tmp_path, {"gate.yml": wrong})
    assert any(d.code == "GATE003" and "page_kb" in d.message for d in found), found


# --- Also found by the probe ---------------------------------------------------------------------

def add_to_page(root: Path, text: str) -> int:
    """Append a block to the test page; return the file line of its first line."""
    path = root / PAGE
    old = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def passes(result):
    assert result.returncode == 0, result.stdout + result.stderr


def html_of(root: Path, url: str = URL) -> str:
    return (root / "site" / url_file(url)).read_text(encoding="utf-8")


def test_duplicate_heading_ids_fail_at_the_second_heading(project):
    line = add_to_page(project, "## First part {#part}\n\nText.\n\n## Second part {#part}\n\nMore text.\n")
    assert_failed_and_kept(build(project), project,
            f"{PAGE}:{line + 4}: LNK006 id 'part' is used more than once on the page (in {HTML})")


def test_distinct_heading_ids_pass(project):
    add_to_page(project, "## First part {#part-one}\n\nText.\n\n## Second part {#part-two}\n\nMore text.\n")
    passes(build(project))


@pytest.mark.parametrize("src", ["https://images.example.org/brain.png", "http://images.example.org/brain.png",
                                 "//images.example.org/brain.png"])
def test_image_from_another_host_is_an_error(project, src):
    figure = (f'<figure markdown>\n![A drawing of the brain]({src})\n'
              "<figcaption>Drawing: editorial team. Licence: CC BY 4.0.</figcaption>\n</figure>\n")
    line = add_to_page(project, figure)
    assert_failed_and_kept(build(project), project,
            f"{PAGE}:{line + 1}: IMG005 image '{src}' is loaded from another site (in {HTML})")


def test_image_from_our_own_assets_passes(project):
    src = relative(URI, f"assets/figures/{FIGURE.name}")  # the small project has the real docs/assets
    add_to_page(project, f'<figure markdown>\n![A drawing from our figures]({src})\n'
                         "<figcaption>Drawing: editorial team. Licence: CC BY 4.0.</figcaption>\n</figure>\n")
    passes(build(project))


def test_citation_just_outside_indented_code_is_still_checked(tmp_path):
    # Without a blank line the indented line continues the paragraph: it is prose, not code.
    body = BODY + "\nAn example of a citation:\n    [@nosuchkey2020]\n"
    found = diagnose(tmp_path, {"docs/page.md": page(body)})
    assert ("REF001", "docs/page.md", line_of(page(body), "    [@nosuchkey2020]")) in {(d.code, d.path, d.line) for d in found}


def test_indented_code_is_code_for_the_gate_and_the_citation_step(project):
    add_to_page(project, "How to cite a study in this site's pages:\n\n"
                         f"    Write [@{KEY}] or [@nosuchkey2020] and a note[^n].\n\n"
                         f"- A list item.\n\n    A second paragraph of the item [@{KEY}].\n")
    passes(build(project))  # no REF001 for the key in code, no FN001 for the marker in code
    html = html_of(project)
    assert f"<pre><code>Write [@{KEY}] or [@nosuchkey2020] and a note[^n]." in html
    assert "[^cite-" not in html
    # The list item's indented paragraph is prose: its citation became a footnote.
    assert "A second paragraph of the item<sup" in html


def add_references_page(root: Path) -> str:
    """A References page as the real site has one (its body holds the marker the citations step expands into
    every cited work with links back to where it is cited), in the navigation; return its URL."""
    (root / "docs/references.md").write_text(small_page(f"Every work cited on this site.\n\n{referencespage.MARKER}",
                                                        "References", "about"), encoding="utf-8")
    insert_after(root / "mkdocs.yml", "- Home: index.md", "- References: references.md\n")
    return page_url("references.md")


def title_of(root: Path) -> str:
    return re.search(r"^title: (.+)$", (root / PAGE).read_text(encoding="utf-8"), re.M).group(1)


def test_citation_in_a_heading_keeps_the_references_page_anchor(project):
    references_url = add_references_page(project)
    add_to_page(project, f"## Vitamin D and sunlight [@{KEY}]\n\nMore on this topic [@{KEY}].\n")
    passes(build(project))  # the gate's LNK002 would catch a backlink to a missing anchor
    assert 'id="vitamin-d-and-sunlight"' in html_of(project)
    references = html_of(project, references_url)
    assert f'{URL}#vitamin-d-and-sunlight"' in references
    labels = {a.text() for a in LexborHTMLParser(references).css("a")}  # text: the glossary may wrap words in <abbr>
    assert f"{title_of(project)}: Vitamin D and sunlight" in labels


def test_malformed_bibliography_entry_is_blamed_on_the_bibliography(project):
    bib = project / "docs/references.yaml"
    text = bib.read_text()
    line = text[: text.index(f"- id: {ARTICLE}\n")].count("\n") + 1
    bib.write_text(text.replace(f"- id: {ARTICLE}\n  type: article-journal\n  author:\n",
                                f"- id: {ARTICLE}\n  type: article-journal\n  author: {{surname: Someone}}\n  authors:\n", 1))
    result = build(project)
    assert_failed_and_kept(result, project, f"docs/references.yaml:{line + 2}: REF012 entry '{ARTICLE}'")
    assert "BUILD001" not in result.stdout  # no page is blamed for it


def test_an_entry_the_style_cannot_format_is_ref013_at_the_entry():
    """What gets past the shape check and still fails in citeproc is blamed on the entry, not on a page."""
    from medsite.core.diagnostics import DiagnosticError
    from medsite.markdown.citeformat import Formatter
    from medsite.sources.bibliography import Bibliography, Entry

    entry = Entry("odd2020", {"id": "odd2020", "type": "article-journal", "title": "T", "author": "not a list"},
                  "docs/references.yaml", 7)
    with pytest.raises(DiagnosticError) as caught:
        Formatter(Bibliography("docs/references.yaml", [entry])).html("odd2020")
    [d] = caught.value.diagnostics
    assert (d.code, d.path, d.line, d.target) == ("REF013", "docs/references.yaml", 7, "odd2020")


def test_organisation_author_near_miss_formats(project):
    bib = project / "docs/references.yaml"
    text = bib.read_text()
    head = f"- id: {ARTICLE}\n  type: article-journal\n"
    start = text.index(head + "  author:\n") + len(head)
    end = text.index("  title:", start)
    bib.write_text(text[:start] + "  author:\n  - literal: MS International Federation\n" + text[end:])
    passes(build(project))


def test_citation_with_trailing_dot_is_reported_at_its_own_line(project):
    # The page cites works on earlier lines; the stray `[@` is on the last one.
    line = add_to_page(project, f"Another finding from the same study [@{KEY}.].\n")
    assert_failed_and_kept(build(project), project, f"{PAGE}:{line}: OUT001 unrendered '[@' in the page text (in {HTML})")


def test_byte_order_mark_is_accepted_like_mkdocs_does(tmp_path):
    # Windows editors save UTF-8 with a byte-order mark; MkDocs reads such pages, so we do too.
    with_bom = "\ufeff" + page()
    found = diagnose(tmp_path, {"docs/page.md": with_bom, "docs/references.yaml": "\ufeff" + BIB})
    assert not [d for d in found if d.severity.value == "error"], found


def test_byte_order_mark_page_builds_with_its_front_matter(project):
    path, title = project / PAGE, title_of(project)
    path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    passes(build(project))
    assert f"<title>{escape(title, quote=False)}" in html_of(project)


def test_indented_lines_inside_raw_html_are_not_code(tmp_path):
    # Python-Markdown passes a raw HTML block through whole, indented lines included:
    # the source SAFE check must still see a script there.
    body = BODY + "\n<div class=\"note\">\n\n    <script>alert(1)</script>\n\n</div>\n"
    found = diagnose(tmp_path, {"docs/page.md": page(body)})
    assert ("SAFE001", "docs/page.md", line_of(page(body), "<script>")) in {(d.code, d.path, d.line) for d in found}
    # Near miss: the same line as an indented code block shows the markup as text.
    code = BODY + "\nHow a script tag looks:\n\n    <script>alert(1)</script>\n"
    assert not [d for d in diagnose(tmp_path, {"docs/page.md": page(code)}) if d.code == "SAFE001"]


def test_inline_code_never_spans_a_blank_line(tmp_path):
    # Two stray backticks paragraphs apart are not code: what lies between is still checked.
    body = BODY + "\nA stray ` backtick.\n\nA claim [@nosuchkey2020].\n\nAnother ` backtick.\n"
    found = diagnose(tmp_path, {"docs/page.md": page(body)})
    assert ("REF001", "docs/page.md", line_of(page(body), "[@nosuchkey2020]")) in {(d.code, d.path, d.line) for d in found}
    # Near miss: real inline code, on one line or over two, hides its content from the checks.
    code = BODY + "\nWrite `[@nosuchkey2020]` or ``[@other2020] with a ` tick`` or `over\n[@third2020]`.\n"
    assert not [d for d in diagnose(tmp_path, {"docs/page.md": page(code)}) if d.code == "REF001"]
