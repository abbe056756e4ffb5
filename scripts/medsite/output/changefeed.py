"""After the engine: the Atom feed (RFC 4287) of the site's significant changes, `changes.xml` at the site root.

Every change note marked `major: true` (medsite.sources.changenotes) becomes one entry, newest first;
minor notes show on their page only. Written from the sources, not from the built HTML, so every
engine gets the same feed; every page's <head> links to it (overrides/main.html) and its review block
too (partials/page-history.html). The feed names no file from elsewhere: readers' feed readers fetch
only this file.

Written with xml.etree rather than a feed library: 40 lines, no new dependency, and the output is the
same for the same sources (no build time in it: `updated` is the newest change's date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.sources import changenotes, pageurls
from medsite.sources.pagemeta import to_date
from medsite.sources.site import Site

FEED_FILE = "changes.xml"
ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100  # feed readers poll the whole file; older changes stay on their pages


@dataclass(frozen=True)
class FeedEntry:
    page_uri: str
    page_title: str
    change: changenotes.Change


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"  # RFC 3339, as Atom's date constructs require


def _page_link(site_url: str, uri: str) -> str:
    return site_url.rstrip("/") + "/" + pageurls.page_url(uri) if site_url else (pageurls.page_url(uri) or "./")


def _id(site_url: str, suffix: str) -> str:
    """A permanent IRI: under the site's address, or a URN when mkdocs.yml names none (fixtures)."""
    return site_url.rstrip("/") + "/" + suffix if site_url else f"urn:medsite:{suffix}"


def collect(site: Site) -> tuple[list[FeedEntry], dt.date | None]:
    """Major changes across the site, newest first, and the newest date the site's pages carry."""
    entries, newest = [], None
    for page in site.pages:
        try:
            meta = site.front_matter(page).meta
        except DiagnosticError:
            continue  # the gate reports it
        changes = changenotes.from_meta(meta)
        dates = [c.day for c in changes] + [d for d in (to_date(meta.get("last_reviewed")),) if d]
        newest = max([*dates, newest] if newest else dates, default=newest)
        title = str(meta.get("title") or Path(page.uri).stem)
        entries += [FeedEntry(page.uri, title, c) for c in changes if c.major]
    entries.sort(key=lambda e: (e.change.day, e.page_uri), reverse=True)
    return entries[:MAX_ENTRIES], newest


def render(site: Site) -> bytes:
    ET.register_namespace("", ATOM)
    site_url = str(site.mkdocs.get("site_url") or "").strip()
    name = str(site.mkdocs.get("site_name") or "This site")
    author = str(site.mkdocs.get("site_author") or (site.extra.get("publisher") or {}).get("name") or name)
    entries, newest = collect(site)
    updated = entries[0].change.day if entries else (newest or dt.date(2000, 1, 1))

    def sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", _id(site_url, FEED_FILE))
    sub(feed, "title", f"{name}: significant changes")
    sub(feed, "updated", _stamp(updated))
    sub(sub(feed, "author"), "name", author)
    sub(feed, "link", rel="self", href=_id(site_url, FEED_FILE) if site_url else FEED_FILE)
    if site_url:
        sub(feed, "link", rel="alternate", href=site_url)
    for entry in entries:
        change, link = entry.change, _page_link(site_url, entry.page_uri)
        item = sub(feed, "entry")
        # One id per note, stable across builds: the page, the day and a digest of the note.
        sub(
            item,
            "id",
            _id(
                site_url, f"{pageurls.page_url(entry.page_uri)}#change-{change.day.isoformat()}-{_digest(change.note)}"
            ),
        )
        sub(item, "title", f"{entry.page_title}: {change.note}")
        sub(item, "updated", _stamp(change.day))
        sub(item, "link", rel="alternate", href=link)
        sub(item, "summary", change.note)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def write(site: Site, staging: Path) -> list[Diagnostic]:
    """Write the feed into the built site; a disk fault is one BUILD002 line, never a traceback."""
    try:
        (staging / FEED_FILE).write_bytes(render(site))
    except OSError as exc:
        return [
            Diagnostic(
                "BUILD002",
                f"the feed of changes could not be written: {exc.strerror or exc}",
                f"{staging.name}/{FEED_FILE}",
            )
        ]
    return []
