"""Metadata: JSON-LD that matches what the page shows, search and sharing tags, sitemap, robots, favicon, 404."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest
from selectolax.lexbor import LexborHTMLParser

from .support import page_html, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site_url() -> str:
    match = re.search(r"^site_url:\s*['\"]?([^'\"\s]+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert match, "mkdocs.yml has no site_url"
    return match.group(1).rstrip("/") + "/"


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def meta(tree, selector: str, attr: str = "content") -> str | None:
    node = tree.css_first(selector)
    return node.attributes.get(attr) if node else None


def test_json_ld_parses_and_matches_the_visible_page(open_tab, site_dir, content_pages):
    tab = open_tab()
    problems = []
    for path in content_pages:
        tree = LexborHTMLParser(page_html(site_dir, path))
        scripts = [n.text() for n in tree.css('script[type="application/ld+json"]')]
        if len(scripts) != 1:
            problems.append(f"/{path}: {len(scripts)} JSON-LD blocks")
            continue
        try:
            data = json.loads(scripts[0])
        except json.JSONDecodeError as err:
            problems.append(f"/{path}: JSON-LD does not parse: {err}")
            continue
        tab.goto(path)
        h1 = tab.page.locator("article h1").first
        shown = {
            "h1": h1.inner_text().replace("¶", "").strip() if h1.is_visible() else None,
            "reviewed": tab.page.locator(".health-footer time").first.get_attribute("datetime"),
            "reviewed_visible": tab.page.locator(".health-footer time").first.is_visible(),
        }
        expected = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": shown["h1"],
            "lastReviewed": shown["reviewed"],
            "description": meta(tree, 'meta[name="description"]'),
            "url": meta(tree, 'link[rel="canonical"]', "href"),
        }
        for key, value in expected.items():
            if data.get(key) != value:
                problems.append(f"/{path}: JSON-LD {key} is {data.get(key)!r}, the page shows {value!r}")
        if not shown["reviewed_visible"]:
            problems.append(f"/{path}: the review date is not visible")
        if data.get("about", {}).get("@type") != "MedicalCondition":
            problems.append(f"/{path}: JSON-LD is not about a MedicalCondition")
    assert not problems, "\n".join(problems)


def test_search_and_sharing_tags_on_every_page(site_dir, site_pages, site_url):
    problems = []
    for path in site_pages:
        if path == "404.html":
            continue
        tree = LexborHTMLParser(page_html(site_dir, path))
        canonical = meta(tree, 'link[rel="canonical"]', "href")
        checks = {
            "meta description": meta(tree, 'meta[name="description"]'),
            "og:title": meta(tree, 'meta[property="og:title"]'),
            "og:description": meta(tree, 'meta[property="og:description"]'),
            "title": tree.css_first("title").text() if tree.css_first("title") else None,
        }
        problems += [f"/{path}: no {name}" for name, value in checks.items() if not (value or "").strip()]
        if canonical != site_url + path:
            problems.append(f"/{path}: canonical is {canonical!r}, expected {site_url + path!r}")
        if meta(tree, 'meta[property="og:url"]') != canonical:
            problems.append(f"/{path}: og:url differs from the canonical URL")
        h1 = tree.css_first("article h1")
        if h1 is None:
            problems.append(f"/{path}: no h1")
        elif meta(tree, 'meta[property="og:title"]') != h1.text().replace("¶", "").strip():
            problems.append(f"/{path}: og:title {meta(tree, 'meta[property=og:title]')!r} is not the h1")
    assert not problems, "\n".join(problems)


def test_sitemap_lists_every_page_and_robots_points_to_it(base_url, site_pages, site_url):
    status, _, body = fetch(base_url + "sitemap.xml")
    assert status == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {loc.text.strip() for loc in ET.fromstring(body).findall("s:url/s:loc", ns)}
    expected = {site_url + p for p in site_pages if p != "404.html"}
    assert locs == expected, f"missing {sorted(expected - locs)}, extra {sorted(locs - expected)}"

    status, ctype, body = fetch(base_url + "robots.txt")
    assert status == 200 and ctype.startswith("text/plain")
    lines = [line.strip() for line in body.decode().splitlines()]
    assert f"Sitemap: {site_url}sitemap.xml" in lines
    assert "Disallow: /" not in lines, "robots.txt must not shut search engines out"


def test_every_page_has_a_favicon_that_loads(base_url, site_dir, site_pages):
    seen = {}
    for path in site_pages:
        href = meta(LexborHTMLParser(page_html(site_dir, path)), 'link[rel="icon"]', "href")
        assert href, f"/{path}: no favicon link"
        url = urljoin(base_url + path, href)
        if url not in seen:
            seen[url] = fetch(url)
        status, ctype, body = seen[url]
        assert status == 200 and ctype.startswith("image/") and body, f"/{path}: favicon {url} -> {status} {ctype}"


@pytest.mark.parametrize("missing", ["no-such-page/", "about-ms/no/such/page.html"])
def test_404_page_is_served_and_works_at_any_depth(open_tab, missing):
    tab = open_tab()
    tab.goto(missing, expect_status=404)
    assert tab.page.locator("h1").first.inner_text().strip() == "Page not found"
    # Its styles and script load from any depth (absolute URLs), and it links home.
    assert tab.page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
    tab.page.keyboard.press("Shift")  # the theme's script loads on the first interaction (partials/theme-loader.html)
    wait_until(tab.page, "document.documentElement.classList.contains('js')", timeout=10)  # Material's script ran
    tab.page.locator("article a", has_text="home page").click()
    tab.page.wait_for_load_state()
    assert tab.page.url == tab.base
    # The only console line allowed is Chromium noting the 404 status of the page itself.
    assert all("status of 404" in m for m in tab.console.messages), tab.console.messages
