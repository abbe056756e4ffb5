"""Helpers shared by the browser tests (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

from medsite.sources.pageurls import url_file

MOBILE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def page_html(site_dir: Path, path: str) -> str:
    """The built HTML of a URL path ('' is the home page, '404.html' the not-found page)."""
    return (site_dir / url_file(path)).read_text(encoding="utf-8")


def slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", path.strip("/")).strip("_") or "home"


def parse_rgb(text: str) -> tuple[float, float, float, float]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)' -> (r, g, b, a)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", text)]
    if len(numbers) == 3:
        numbers.append(1.0)
    return tuple(numbers[:4])  # type: ignore[return-value]


def _luminance(rgb) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg, bg) -> float:
    """WCAG contrast of ``fg`` (alpha-blended onto ``bg``) against an opaque ``bg``."""
    alpha = fg[3] if len(fg) > 3 else 1.0
    blended = tuple(alpha * f + (1 - alpha) * b for f, b in zip(fg[:3], bg[:3], strict=False))
    hi, lo = sorted((_luminance(blended), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


THEME_RUNNING = "document.documentElement.classList.contains('js')"  # the theme's bundle swaps no-js for js as it starts
# Resolves once the page has drawn a frame and run a task after it, by when what a reader's action queued has
# run (a javascript: link runs in a task of its own; the theme's script fetches as it starts), and then fetched
# from its own site: a context's route handler passes that request after any the page made before it, so by
# then the test has seen those requests (and any dialog). An event to wait for, instead of a fixed time.
SETTLED = """() => new Promise((done) => requestAnimationFrame(() => setTimeout(
  () => fetch(location.href, {method: 'HEAD', cache: 'no-store'}).then(done, done), 0)))"""


def wait_until(page, expression: str, *, timeout: float = 3.0, interval: float = 0.05):
    """Poll a JavaScript expression until it is truthy.

    Playwright's ``wait_for_function`` evaluates a string predicate with ``eval``,
    which the site's CSP (no 'unsafe-eval') rightly refuses; ``page.evaluate``
    goes through the DevTools protocol and is not subject to it.
    """
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for: {expression}")
        time.sleep(interval)


def search(page, query: str) -> int:
    """Open the site search from the header button, type a query; return the number of results shown."""
    page.locator("button.site-search__button").click()
    wait_until(page, "!!document.querySelector('dialog.site-search[open]')", timeout=10)
    box = page.locator("#site-search-input")
    box.fill("")
    box.press_sequentially(query)
    # The status line names the query once its results (or "No results") are on screen.
    wait_until(page, f"(document.getElementById('site-search-status') || {{}}).textContent?.includes({query!r})", timeout=10)
    return page.evaluate("document.querySelectorAll('.site-search__result').length")
