"""The CSP allows only the inline scripts the theme and our templates ship, never what a page adds.

Builds conftest's small good site (our templates, theme and build steps, one condition page) with hostile
inline content in its page and in a static HTML file under docs/, and reads the staging output with
selectolax; the real pages add nothing here that the templates do not.
"""

from __future__ import annotations

import jinja2
import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import SMALL_PAGE, run_build, small_good_project
from medsite.output import csp, template_marks
from medsite.sources.pageurls import html_file

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

PAGE = SMALL_PAGE  # a condition page with a ## heading
PAGE_HTML = html_file(PAGE.removeprefix("docs/"))
SCRIPT = "window.pwned = 1"
STYLE = ".health-footer{display:none}"
STYLE_ATTR = "display:none"
FORGED = "window.forged = 1"  # carries the mark as a template's source does: content is never a template
HOSTILE = (
    f"\n<script>{SCRIPT}</script>\n\n"
    f"<style>{STYLE}</style>\n\n"
    f'<p style="{STYLE_ATTR}" onmouseover="alert(1)">hidden</p>\n\n'
    f'<script {template_marks.ATTR}="{{{{ {template_marks.SECRET_GLOBAL} }}}}">{FORGED}</script>\n\n## '
)
STATIC = "docs/assets/embed.html"


def policy_of(html: str) -> dict[str, list[str]]:
    node = LexborHTMLParser(html).css_first('meta[http-equiv="Content-Security-Policy"]')
    assert node is not None, "page has no CSP meta"
    return csp.parse(node.attributes["content"])


def insert(root, rel: str, old: str, new: str) -> int:
    """Replace the first `old` with `new`; return the file line where `new` starts."""
    path = root / rel
    text = path.read_text()
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = small_good_project(tmp_path_factory.mktemp("hostile"))
    first = insert(root, PAGE, "\n## ", HOSTILE) + 1
    (root / STATIC).write_text("<!doctype html>\n<title>x</title>\n<p>embed</p>\n<script>window.embed = 1</script>\n")
    result = run_build(root)
    return root, result, first


def test_unknown_inline_content_fails_the_build_with_file_and_line(hostile):
    root, result, first = hostile
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert f"{PAGE}:{first}: OUT003 inline script " in output
    assert f"{PAGE}:{first + 2}: OUT003 inline style element " in output
    assert f"{PAGE}:{first + 4}: OUT003 inline style attribute " in output
    assert f"{PAGE}:{first + 4}: OUT003 inline event handler " in output
    assert any(line.startswith(f"{PAGE}:{first + 6}: OUT003 inline script ") and FORGED in line for line in output.splitlines())
    assert f"{STATIC}:4: OUT003 inline script " in output
    assert not (root / "site").exists(), "nothing is published"


def test_unknown_inline_content_gets_no_hash(hostile):
    root, _, _ = hostile
    staged = root / ".site-builds" / "rejected"  # the refused build, kept for a look
    page = (staged / PAGE_HTML).read_text()
    assert SCRIPT in page, "the fixture really put the script in the output"
    policy = policy_of(page)
    for text in (SCRIPT, STYLE, STYLE_ATTR, FORGED):
        for directive in ("script-src", "style-src"):
            assert csp.sha256_source(text) not in policy[directive]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert "'unsafe-hashes'" not in policy["style-src"]
    # What the theme ships is still allowed: every other inline script on the page has its hash.
    shipped_scripts = set(csp.scan(page).scripts) - {csp.sha256_source(SCRIPT), csp.sha256_source(FORGED)}
    assert shipped_scripts and shipped_scripts <= set(policy["script-src"])
    # The per-build marks never reach the output: the one attribute left is the page's own, as it wrote it.
    marked = LexborHTMLParser(page).css(f"[{template_marks.ATTR}]")
    assert [(n.text(), n.attributes[template_marks.ATTR]) for n in marked] == [
        (FORGED, f"{{{{ {template_marks.SECRET_GLOBAL} }}}}")]
    embed = policy_of((staged / "assets/embed.html").read_text())
    assert embed["script-src"] == ["'self'", csp.WASM_SOURCE]  # only the site-wide sources: no hash for its script
    headers = csp.parse(csp.read_headers((staged / csp.HEADERS_FILE).read_text())[csp.META_NAME])
    assert csp.sha256_source(SCRIPT) not in headers["script-src"]
    assert csp.sha256_source("window.embed = 1") not in headers["script-src"]


def test_a_second_build_judges_as_the_first(hostile):
    """The second build may take its pages' verdicts from the first (medsite.output.csp_verdicts; that they are
    taken is tests/test_csp_verdicts.py's to show): it reports the same strays at the same lines, and writes the
    same policies (the same page bytes, though each build has its own secret)."""
    root, first_result, _ = hostile
    staged = root / ".site-builds" / "rejected"
    before = {p: (staged / p).read_text() for p in (PAGE_HTML, "assets/embed.html", csp.HEADERS_FILE)}
    again = run_build(root)
    out003 = lambda result: sorted(line for line in (result.stdout + result.stderr).splitlines() if "OUT003" in line)  # noqa: E731
    assert again.returncode == 1 and out003(again) == out003(first_result) and len(out003(again)) == 6
    assert {p: (staged / p).read_text() for p in before} == before


def test_near_miss_the_same_markup_as_code_is_text_and_passes(tmp_path):
    root = small_good_project(tmp_path)
    insert(root, PAGE, "\n## ", f"\n```html\n<script>{SCRIPT}</script>\n<p style=\"{STYLE_ATTR}\">x</p>\n```\n\n## ")
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (root / "site" / PAGE_HTML).read_text()
    tree = LexborHTMLParser(page)
    assert SCRIPT in tree.css_first("article pre").text(), "shown as code"
    assert not [n for n in tree.css("script") if SCRIPT in n.text()], "not a script element"
    assert csp.sha256_source(SCRIPT) not in policy_of(page)["script-src"]


def test_marks_are_added_to_template_tags_only():
    source = '<script>a()</script><style>b{}</style><scripts></scripts><p>{{ x }}</p><SCRIPT type="module">c()</SCRIPT>'
    env = jinja2.Environment()
    env.globals[template_marks.SECRET_GLOBAL] = "k"
    marked = env.from_string(template_marks.mark(source)).render(x="y")
    assert marked.count(f'{template_marks.ATTR}="k"') == 3
    assert "<scripts>" in marked
    assert template_marks.unmark(marked, "k") == env.from_string(source).render(x="y")


def test_sort_out_hashes_only_marked_elements():
    html = (
        f'<head><meta charset=utf-8><script {template_marks.ATTR}="k">ours()</script>'
        f'<script {template_marks.ATTR}="guess">theirs()</script><script>also()</script>'
        f'<script type="application/ld+json">{{}}</script><style {template_marks.ATTR}="k">a{{}}</style></head>'
        '<body><p style="color:red" onclick="x()">x</p></body>'
    )
    inline, strays = csp.sort_out(html, "k")
    assert inline.scripts == (csp.sha256_source("ours()"),)
    assert inline.styles == (csp.sha256_source("a{}"),)
    assert [s.kind for s in strays] == ["script", "script", "style attribute", "event handler"]
    _, none_trusted = csp.sort_out(html, None)
    assert len(none_trusted) == 6
