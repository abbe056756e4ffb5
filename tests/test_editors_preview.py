"""`make serve` shows what the gate will say: in the page (a box at the top, a mark at an unknown citation)
and in the terminal; rebuilds when includes/ change; a busy port is one plain line; `make site` shows none of it.

On conftest's small good site (our templates, hooks, includes and gate; its condition page shows a snippet of
includes/ as real pages do): what is tested is the preview and `make site`, not the real pages."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import LINKED_PAGES, SMALL_KEYS, SMALL_PAGE, run_build, small_good_project
from medsite.tools.serve_findings import BOX_CLASS, MARK_CLASS
from project_facts import lone_citation, snippets

SNIPPET = snippets(lone_citation("condition", with_snippet=True)[0])[0]  # an includes/ file a real condition page shows
PAGE, PAGE_URL = SMALL_PAGE, SMALL_PAGE.removeprefix("docs/").removesuffix(".md") + "/"  # the page the tests break
KEY = SMALL_KEYS[0]  # a key it cites alone
CLEAN_URL = LINKED_PAGES[2].removesuffix(".md") + "/"  # a page left as it is

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(root, port, *extra):
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen([sys.executable, "-m", "medsite.tools.serve", "--port", str(port), *extra], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def fetch_until(url: str, ready, limit: float = 120.0) -> str:
    """Poll the preview until `ready(html)` holds (a rebuild takes a moment); fail after `limit` seconds."""
    deadline = time.monotonic() + limit
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
            if ready(last):
                return last
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # a rebuild of the small site takes about a second: look often
    raise AssertionError(f"{url} never became ready; last answer: {last[:500]}")


@pytest.fixture
def broken(tmp_path):
    """The small good site, its page showing SNIPPET, with two problems: an unknown key where it first cites KEY,
    and a word to avoid."""
    root = small_good_project(tmp_path)
    page = root / PAGE
    text = page.read_text() + f'\n--8<-- "{SNIPPET}"\n'
    text = text.replace(f"[@{KEY}]", "[@lublin2041]", 1)
    text += f"\nThis treatment is proven to work [@{KEY}].\n"
    page.write_text(text)
    return root


def test_the_preview_shows_each_problem_in_the_page_and_the_terminal(broken):
    port = free_port()
    proc = serve(broken, port)
    try:
        url = f"http://127.0.0.1:{port}/{PAGE_URL}"
        html = fetch_until(url, lambda h: BOX_CLASS in h)
        box = html[html.index(BOX_CLASS): html.index("</div>", html.index(BOX_CLASS))]
        assert "Preview only, not published" in box
        assert PAGE in box and "REF001" in box and "lublin2041" in box
        assert "EVID001" in box and "proven" in box and "<strong>Fix:</strong>" in box
        assert html.index(BOX_CLASS) < html.index("<h1")  # at the top of the page
        # checked with the policy `make site` ships; served without it, which would block the live-reload script
        assert "Content-Security-Policy" not in html and "livereload" in html
        # marked at its place: just before the citation, numbered as in the box, the message on hover
        assert re.search(rf'<mark class="{MARK_CLASS}" id="medsite-problem-\d+" data-code="REF001" '
                         r'title="REF001 unknown citation key[^"]*">\d+: REF001</mark>\[@lublin2041', html)

        clean = fetch_until(f"http://127.0.0.1:{port}/{CLEAN_URL}", lambda h: "<h1" in h)
        assert BOX_CLASS not in clean  # a page without problems carries no box

        # includes/ is watched: editing a snippet rebuilds the pages that use it.
        snippet = broken / "includes" / SNIPPET
        snippet.write_text(snippet.read_text() + "\n    Snippet edited during the preview.\n")
        fetch_until(url, lambda h: "Snippet edited during the preview." in h)

        # gate.yml is watched, and the checks run again on each rebuild: allowing the phrase clears its problem.
        settings = broken / "gate.yml"
        text = settings.read_text()
        assert "      - pattern: '\\bunproven\\b'\n" in text
        settings.write_text(text.replace("      - pattern: '\\bunproven\\b'\n",
                                         "      - pattern: 'proven to work'\n        why: a test of the preview.\n"
                                         "      - pattern: '\\bunproven\\b'\n", 1))
        html = fetch_until(url, lambda h: 'data-code="EVID001"' not in h)
        assert 'data-code="REF001"' in html  # the other problems are still shown
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "EVID001 word to avoid 'proven'" in err
    assert "preview: the checks over this rebuild, as `make site` will report them" in err
    assert "Traceback" not in err


def test_a_busy_port_is_one_plain_line(tmp_path):
    root = small_good_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = serve(root, port)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and out == ""
    assert err.strip() == (f"serve: port {port} is already in use (is another preview running?); "
                           f"stop it, or choose another port: make serve PORT={port + 1}")


def test_make_site_never_shows_preview_boxes(broken):
    result = run_build(broken)
    assert result.returncode == 1
    assert {"REF001", "EVID001"} <= set(re.findall(r": ([A-Z]+\d{3}) ", result.stdout)), result.stdout  # the problems are there
    assert "preview:" not in result.stdout + result.stderr
    page = broken / PAGE
    page.write_text(page.read_text().replace("[@lublin2041]", f"[@{KEY}]").replace("proven to work", "studied"))
    fixed = run_build(broken)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    for html in (broken / "site").rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert BOX_CLASS not in text and MARK_CLASS not in text, html


def test_a_page_added_while_serving_is_listed_on_the_references_page(tmp_path, monkeypatch):
    """`serve` rebuilds in one process, where the site data is kept between builds; on Zensical no hook hands over
    a fresh Site. Two builds in one process with our extensions and no hooks, a page added between them: the
    References page lists the new page's citation."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from medsite.markdown import referencespage
    from medsite.tools.bench import synth

    root = small_good_project(tmp_path)
    (root / "docs/references.md").write_text(
        f"---\ntitle: References\npage_type: about\n---\n\nEvery work cited.\n\n{referencespage.MARKER}\n")
    config = synth.variant_config(root, "citations")  # our Markdown extensions, no hooks
    monkeypatch.chdir(root)

    def references_page() -> str:
        build(load_config(str(config), site_dir=str(tmp_path / "out")))
        return (tmp_path / "out/references/index.html").read_text()

    assert "A page added later" not in references_page()
    (root / "docs/added.md").write_text(
        f"---\ntitle: A page added later\n---\n\nA finding [@{KEY}].\n")
    assert "A page added later" in references_page()
