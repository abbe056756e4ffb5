"""The pull request's one-file preview, opened in Chromium from disk as GitHub serves it: it shows its
"not published" banner, its pictures load, and it asks for nothing outside the file."""

from __future__ import annotations

import json

from tests.browser.conftest import Console

from medsite.tools.review import pr_preview
from project_facts import figure_page_linked_from_home, home_page


def test_the_one_file_preview_is_self_contained_and_says_not_published(browser, site_dir, tmp_path, monkeypatch):
    gate = tmp_path / "gate.json"
    gate.write_text(json.dumps([]))
    out = tmp_path / "preview.html"
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    assert pr_preview.main(["--site-dir", str(site_dir), "--diagnostics", str(gate), "--output", str(out),
                         "--page", figure_page_linked_from_home().uri, "--page", home_page().uri]) == 0

    context = browser.new_context()
    asked: list[str] = []

    def route(r):
        asked.append(r.request.url)
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    console = Console()
    console.attach(page)
    try:
        page.goto(out.as_uri(), wait_until="load")
        banner = page.locator(".pr-banner")
        assert banner.is_visible()
        assert "NOT PUBLISHED" in banner.inner_text()
        assert page.locator(".pr-page").count() == 2
        images = page.evaluate("[...document.images].map(i => [i.complete && i.naturalWidth > 0, i.src.slice(0, 20)])")
        assert images and all(ok for ok, _ in images), images
        # The link from one included page to the other jumps within the file.
        assert page.locator('a[href^="#page-"]').count() >= 1
    finally:
        context.close()
    assert [u for u in asked if not u.startswith(("file:", "data:"))] == []
    assert console.messages == []
