"""The site's external links, by one rule for the gate's VER checks and for `make verify links`.

Links come from the gate's one parse of each page (gate/htmlindex.py, selectolax): the href of every
<a>, <area> and <link>, character references decoded. A link is external when its scheme is http or
https (in any case); links to our own addresses (site_url, repo_url: verify.ids.is_own) are left out.
Each URL is keyed without its #fragment (verify.ids.url_key), as the lock file keys it, so the gate
asks for exactly the results that `make verify links` records.

selectolax keeps no source positions, so a link's place is its page; the line is None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from medsite.core.urls import split
from medsite.lock.ids import is_own, url_key
from medsite.output.htmlindex import html_files, page_links

Locations = dict[str, list[tuple[str, int | None]]]


def _external(href: str) -> bool:
    parts = split(href)  # None for an unreadable host: LNK004 reports it, nothing to verify online
    return parts is not None and parts.scheme.lower() in ("http", "https")


def external_links(pages: Iterable, own_urls: Iterable[str | None], exclude: Iterable[str] = ()) -> Locations:
    """{url without #fragment: [(page.rel, None), ...]} for the http(s) links of parsed pages.

    pages: objects with `.rel` and `.links` (each with `.href`), e.g. htmlindex.HtmlPage.
    exclude: regular expressions; a URL any of them finds is left out (`make verify links --exclude`).
    """
    own = tuple(u for u in own_urls if u)
    patterns = [re.compile(p) for p in exclude]
    found: Locations = {}
    for page in pages:
        for link in page.links:
            href = link.href.strip()
            if not _external(href) or is_own(href, own) or any(p.search(href) for p in patterns):
                continue
            places = found.setdefault(url_key(href), [])
            if (page.rel, None) not in places:
                places.append((page.rel, None))
    return found


class _Page:
    """Just the links of one page, for callers that need nothing else of it."""

    def __init__(self, rel: str, html: str):
        self.rel = rel
        self.links = page_links(html)


def site_external_links(site_dir: str | Path, own_urls: Iterable[str | None], exclude: Iterable[str] = ()) -> Locations:
    """external_links() of every HTML page under site_dir; pages are named "<site_dir>/<path>" as given."""
    site_dir = Path(site_dir)
    prefix = site_dir.as_posix()
    pages = (_Page(f"{prefix}/{sub}", (site_dir / sub).read_text(encoding="utf-8", errors="replace"))
             for sub in html_files(site_dir))
    return external_links(pages, own_urls, exclude)
