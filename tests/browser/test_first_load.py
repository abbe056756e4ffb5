"""The theme's script loads on the reader's first interaction, and nothing a reader does needs it sooner.

A page left alone (or under a resting cursor) fetches exactly what the gate's PERF001 counts (its HTML, stylesheets, fonts) and
no theme bundle. The colour toggle works as the very first thing a reader does, before the bundle has
arrived (the bundle is held back here, so the test does not depend on how fast it loads), and the
choice outlives a reload. After a key press or a scroll the bundle loads once and Material's features
(footnote tooltips, the table of contents following the reader) work.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from medsite.gate.checks import budget
from medsite.gate.project import Project
from medsite.sources.pageurls import url_file

from .support import contrast_ratio, page_html, parse_rgb, wait_until

BUNDLE = "/assets/javascripts/bundle."
THEME_RUNNING = "document.documentElement.classList.contains('js')"  # the bundle swaps no-js for js as it starts
SCHEME = "document.body.getAttribute('data-md-color-scheme')"
TOGGLE = "label.md-header__button[for^='__palette']:visible"
# What a page fetches by itself, as PERF001 counts it; images are budgeted apart (IMG004).
COUNTED_TYPES = {"document", "stylesheet", "script", "font"}


@pytest.fixture(scope="module")
def longest_page(site_dir, content_pages) -> str:
    """The content page with the most HTML among those with footnotes and a table of contents (the References
    page lists works, with neither)."""
    def has_both(path: str) -> bool:
        html = page_html(site_dir, path)
        return 'class="footnote-ref"' in html and html.count("<h2 id=") >= 3
    return max(filter(has_both, content_pages), key=lambda p: len(page_html(site_dir, p)))


def bundle_requests(tab) -> list[str]:
    return [u for u in tab.recorder.requests if BUNDLE in u]


def record_types(tab) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    tab.page.on("request", lambda r: seen.append((r.resource_type, urlsplit(r.url).path)))
    return seen


def hold_bundle(tab) -> list:
    """Keep the bundle's request waiting (until the test lets it go) and return the held routes."""
    held: list = []
    tab.page.route(f"**{BUNDLE}*", lambda route: held.append(route))
    return held


def test_an_idle_page_fetches_what_perf001_counts_and_no_theme_script(open_tab, site_dir, content_pages, longest_page):
    project = Project(site_dir.parent, site_dir)
    sizes = budget.Sizes(site_dir)
    shortest = min(content_pages, key=lambda p: len(page_html(site_dir, p)))
    for path in (longest_page, shortest):
        tab = open_tab()
        seen = record_types(tab)
        tab.goto(path)
        tab.page.wait_for_timeout(1000)  # a reader who only looks
        assert bundle_requests(tab) == [], f"/{path}: the theme's script was fetched before any interaction"
        assert not tab.page.evaluate(THEME_RUNNING)
        [page] = [p for p in project.site.pages.values() if p.rel.endswith("/" + url_file(path))]
        counted = {"/" + name.split("/", 1)[1] for name, _ in budget.first_load(project.site, page, sizes)}
        fetched = {p.replace("/index.html", "/") for kind, p in seen if kind in COUNTED_TYPES}
        counted = {p.replace("/index.html", "/") for p in counted}
        assert fetched == counted, f"/{path}: fetched {sorted(fetched)}, PERF001 counts {sorted(counted)}"
        assert tab.console.messages == [] and tab.violations() == []


def test_a_resting_pointer_loads_nothing_and_a_moving_one_loads_the_theme(open_tab, longest_page):
    """A cursor resting over a page gets moves of zero from the browser (when the page loads or changes under it):
    not an interaction. The first move that moves is."""
    tab = open_tab()
    tab.goto(longest_page)
    tab.page.mouse.move(0, 0)  # where the headless shell's own moves of zero are
    tab.page.mouse.move(0, 0)
    tab.page.wait_for_timeout(300)
    assert bundle_requests(tab) == [] and not tab.page.evaluate(THEME_RUNNING), "a resting pointer loaded the theme"
    tab.page.mouse.move(40, 30)
    wait_until(tab.page, THEME_RUNNING, timeout=10)
    assert len(bundle_requests(tab)) == 1


@pytest.mark.parametrize(("system", "start", "switched"), [("light", "default", "slate"), ("dark", "slate", "default")])
def test_the_colour_toggle_works_as_the_first_interaction_and_the_choice_persists(
        open_tab, longest_page, system, start, switched):
    tab = open_tab(color_scheme=system)
    held = hold_bundle(tab)
    tab.goto(longest_page)
    assert tab.page.evaluate(SCHEME) == start, "the system's scheme at first paint, before the theme's script"
    tab.page.locator(TOGGLE).click()
    assert not tab.page.evaluate(THEME_RUNNING), "the click was handled before the theme's script ran"
    assert tab.page.evaluate(SCHEME) == switched
    assert tab.page.locator(TOGGLE).count() == 1, "one toggle shown: the one that switches back"
    for _ in range(100):  # the click's pointer events asked for the bundle; its request is held
        if held:
            break
        tab.page.wait_for_timeout(50)
    assert held, "the first interaction must ask for the theme's script"
    for route in held:  # now let the bundle arrive: it must start from the reader's choice
        route.continue_()
    tab.page.unroute(f"**{BUNDLE}*")
    wait_until(tab.page, THEME_RUNNING, timeout=10)
    assert tab.page.evaluate(SCHEME) == switched
    tab.goto(longest_page)
    assert tab.page.evaluate(SCHEME) == switched, "the choice must outlive a reload"
    tab.page.locator(TOGGLE).click()  # with the theme's script running, the toggle switches back
    wait_until(tab.page, f"{SCHEME} === {start!r}", timeout=5)
    assert tab.console.messages == [] and tab.violations() == []


@pytest.mark.parametrize("interaction", ["key", "scroll"])
def test_the_theme_script_loads_once_on_first_interaction_and_its_features_work(open_tab, longest_page, interaction):
    tab = open_tab()
    tab.goto(longest_page)
    tab.page.wait_for_timeout(300)
    assert bundle_requests(tab) == []
    if interaction == "key":
        tab.page.keyboard.press("Shift")
    else:
        tab.page.mouse.wheel(0, 600)
    wait_until(tab.page, THEME_RUNNING, timeout=10)
    # More interactions of every kind load nothing more.
    tab.page.mouse.move(200, 300)
    tab.page.keyboard.press("Shift")
    tab.page.evaluate("window.scrollBy(0, 400)")
    if interaction == "key":
        ref = tab.page.locator("article a.footnote-ref").first
        ref.focus()
        tab.page.locator(".md-tooltip2--active").wait_for(state="visible", timeout=3000)
    else:
        # Material's table of contents marks the section being read once the reader scrolls.
        tab.page.locator("article h2[id]").nth(2).scroll_into_view_if_needed()
        wait_until(tab.page, "!!document.querySelector('.md-nav--secondary .md-nav__link--active')", timeout=5)
    assert len(bundle_requests(tab)) == 1, bundle_requests(tab)
    assert tab.console.messages == [] and tab.violations() == []


def test_without_javascript_every_page_reads_and_navigates(browser, base_url, site_pages):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for path in site_pages:
            page.goto(base_url + path)
            assert page.locator("article h1").first.is_visible(), f"/{path}: no visible heading"
            links = page.locator("nav.md-nav--primary a.md-nav__link[href]")
            assert links.count() >= 5, f"/{path}: the menu is missing"
        page.goto(base_url + site_pages[0])
        page.locator("nav.md-nav--primary a.md-nav__link[href]").nth(3).click()
        assert page.url != base_url + site_pages[0]
        assert page.locator("article h1").first.is_visible()
    finally:
        context.close()


def test_a_first_key_press_reaches_the_theme_once_it_has_loaded(open_tab, site_dir, content_pages):
    """The key that loads the theme's script is handed to it: a first `n` goes to the next page (rel=next)."""
    path = next(p for p in content_pages if 'rel="next"' in page_html(site_dir, p))
    tab = open_tab()
    tab.goto(path)
    assert bundle_requests(tab) == []
    nxt = tab.page.evaluate("document.querySelector('link[rel=next]').href")
    with tab.page.expect_navigation(timeout=10000):
        tab.page.keyboard.press("n")
    assert tab.page.url == nxt
    assert tab.console.messages == [] and tab.violations() == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_rings_do_not_wait_for_the_theme_script(open_tab, longest_page, scheme):
    """Material marks keyboard focus through its script; before that script arrives, a link in the text
    and a header button reached by Tab still show a ring, in the colours they have afterwards."""
    tab = open_tab(color_scheme=scheme)
    hold_bundle(tab)  # the script never arrives in this test
    tab.goto(longest_page)
    rings = {}
    for _ in range(120):
        tab.page.keyboard.press("Tab")
        kind = tab.page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.matches('.md-header__button') ? 'header' : e.matches('article p a') ? 'text' : null })()")
        if kind and kind not in rings:
            rings[kind] = tab.page.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                           return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
                                   bg: getComputedStyle(document.body).backgroundColor} }""")
        if len(rings) == 2:
            break
    assert not tab.page.evaluate(THEME_RUNNING)
    assert set(rings) == {"header", "text"}, rings
    for kind, ring in rings.items():
        assert ring["style"] not in ("none", "hidden") and ring["width"] >= 2, (kind, ring)
    ratio = contrast_ratio(parse_rgb(rings["text"]["color"]), parse_rgb(rings["text"]["bg"]))
    assert ratio >= 3, f"the ring of a link in the text is {ratio:.2f}:1 on the page ({rings['text']})"
