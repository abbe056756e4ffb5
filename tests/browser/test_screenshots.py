"""No page scrolls sideways on a phone; and, on request, screenshots of every page at phone and desktop size.

`make screenshots` takes the pictures (MEDSITE_SCREENSHOTS names the folder; `make` uses screenshots/,
gitignored), with an index.html to look through them side by side. Every page is taken, so every
page type (home, condition, treatment, clinic, guide, policy, about, 404) is. They are for people to
look at, so `make test` leaves them out (52 full-page pictures were a tenth of its time); the check
that no page is wider than a phone runs on every page in `make test`.
"""

from __future__ import annotations

import html
import os
import shutil

import pytest

from .conftest import SCREENSHOTS
from .support import DESKTOP, MOBILE, slug

SIZES = {"mobile": MOBILE, "desktop": DESKTOP}
PHONE = {"has_touch": True, "is_mobile": True}
WIDTHS = (
    "({scroll: document.scrollingElement.scrollWidth, inner: innerWidth,"
    "  wide: [...document.querySelectorAll('article *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
    "        .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className)})"
)


def sideways(tab, path: str) -> str | None:
    widths = tab.page.evaluate(WIDTHS)
    if widths["scroll"] > widths["inner"]:
        return f"/{path}: scrolls sideways ({widths['scroll']}px > {widths['inner']}px), e.g. {widths['wide']}"
    return None


def test_no_page_scrolls_sideways_on_a_phone(open_tab, site_pages):
    tab = open_tab(viewport=MOBILE, **PHONE)
    problems = []
    for path in site_pages:
        tab.goto(path)
        problems.append(sideways(tab, path))
    assert not any(problems), "\n".join(p for p in problems if p)


@pytest.fixture(scope="module")
def shots_dir():
    for size in SIZES:
        shutil.rmtree(SCREENSHOTS / size, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield SCREENSHOTS
    files = sorted(p.relative_to(SCREENSHOTS).as_posix() for size in SIZES for p in (SCREENSHOTS / size).glob("*.png"))
    rows = {}
    for name in files:
        size, page = name.split("/", 1)
        rows.setdefault(page, {})[size] = name
    body = "\n".join(
        f"<h2>{html.escape(page[:-4])}</h2><div class=row>"
        + "".join(f'<a href="{html.escape(n)}"><img src="{html.escape(n)}" alt="{html.escape(s)}" loading=lazy></a>'
                  for s, n in sorted(sizes.items(), reverse=True))
        + "</div>"
        for page, sizes in rows.items()
    )
    (SCREENSHOTS / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Site screenshots</title>"
        "<style>body{font-family:sans-serif}.row{display:flex;gap:1rem;align-items:flex-start}"
        "img{border:1px solid #999;max-height:600px}</style>"
        f"<h1>Screenshots: mobile 390×844 and desktop 1280×800</h1>{body}",
        encoding="utf-8",
    )


@pytest.mark.skipif("MEDSITE_SCREENSHOTS" not in os.environ, reason="pictures for people to look at: `make screenshots`")
@pytest.mark.parametrize("size", ["mobile", "desktop"])
def test_screenshot_every_page(open_tab, site_pages, shots_dir, size):
    tab = open_tab(viewport=SIZES[size], **(PHONE if size == "mobile" else {}))
    (shots_dir / size).mkdir(exist_ok=True)
    problems = []
    for path in site_pages:
        tab.goto(path)
        if size == "mobile":
            problems.append(sideways(tab, path))
        tab.page.screenshot(path=shots_dir / size / f"{slug(path)}.png", full_page=True, animations="disabled")
    assert not any(problems), "\n".join(p for p in problems if p)
    assert len(list((shots_dir / size).glob("*.png"))) == len(site_pages)
