"""A page's content fingerprint: what a clinical reviewer read, as one sha256.

The one computation of it, used by `make review` (which records it), the build (which shows a review
only while it still matches) and the gate (which warns when it no longer does). It covers what a
reader of the page reads:

- the page's title, description, type (which decides the disclaimer) and Markdown body, line ends
  made "\\n" and blank lines at either end dropped (an editor's save in another program is no change);
- every file its snippet lines insert from includes/, and the files those insert, and on treatment
  pages the disclaimer the build inserts (sources.pagemeta.TREATMENT_DISCLAIMER); a missing file counts
  as missing, so adding it later is a change;
- every bibliography entry its text (and those includes) cites, as the bibliography loader reads it.

Not covered, on purpose: the review dates, reviewed_by and sources fields (bookkeeping, not text), and
the glossary every page gets (includes/abbreviations.md, auto_append): its tooltips explain words and
carry no clinical claim, and one new abbreviation would otherwise void every review on the site.

The inputs are written as one JSON document with sorted keys (the canonical form) before hashing, so
the order of fields in an entry or of files in the page does not matter, their content does.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from medsite.markdown import citations, snippet_includes
from medsite.sources.bibliography import Bibliography
from medsite.sources.frontmatter import Page
from medsite.sources.pagemeta import TREATMENT_DISCLAIMER, PageMeta

VERSION = 1  # part of what is hashed: a change to what is covered voids every record, as it must
MAX_INCLUDE_DEPTH = 10  # pymdownx.snippets nests includes; real ones nest once at most


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _includes(body: str, meta: PageMeta, includes_dir: Path) -> dict[str, str | None]:
    """Every include the page shows, by name: its text, or None when it is missing or outside includes/."""
    found: dict[str, str | None] = {}
    pending = [(ref.path, 0) for ref in snippet_includes.find(body)]
    if meta.is_treatment:
        pending.append((TREATMENT_DISCLAIMER, 0))
    while pending:
        name, depth = pending.pop(0)
        if name in found:
            continue
        if snippet_includes.outside(name, includes_dir) or not (includes_dir / name).is_file():
            found[name] = None  # the gate reports it (META010, SAFE032)
            continue
        try:
            text = _text((includes_dir / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            found[name] = None
            continue
        found[name] = text
        if depth < MAX_INCLUDE_DEPTH:
            pending += [(ref.path, depth + 1) for ref in snippet_includes.find(text)]
    return found


def _cited(texts, bib: Bibliography | None) -> dict:
    keys = {cite.key for text in texts for group in citations.find(text) for cite in group.cites}
    if bib is not None:  # an old key (alias) stands for its entry: both spellings fingerprint the same work
        keys = {bib.canonical(key) for key in keys}
    entries = {key: bib.get(key) if bib is not None else None for key in sorted(keys)}
    return {key: (entry.csl if entry is not None else None) for key, entry in entries.items()}


def inputs(page: Page, includes_dir: Path, bib: Bibliography | None) -> dict:
    """What the fingerprint covers, as plain data (tests and curious maintainers can print it)."""
    meta = PageMeta.from_meta(page.meta)
    body = _text(page.body)
    included = _includes(body, meta, includes_dir)
    return {
        "version": VERSION,
        "page": {"title": meta.title, "description": meta.description, "page_type": meta.page_type, "body": body},
        "includes": included,
        "works": _cited([body, *(t for t in included.values() if t)], bib),
    }


def fingerprint(page: Page, includes_dir: Path, bib: Bibliography | None) -> str:
    """'sha256:' and 64 hexadecimal digits."""
    canonical = json.dumps(
        inputs(page, includes_dir, bib), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
