"""The global references page: every cited work once, with links back to where it is cited."""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass

from markdown.extensions.toc import slugify

MARKER = "<!-- medsite:bibliography -->"


@dataclass(frozen=True)
class Use:
    page_uri: str  # docs-relative path of the citing page, e.g. "about-ms/causes.md"
    page_title: str
    heading: str | None
    anchor: str | None


def _link(from_uri: str, use: Use) -> str:
    target = posixpath.relpath(use.page_uri, posixpath.dirname(from_uri) or ".")
    label = use.page_title
    if use.heading:
        anchor = use.anchor or slugify(use.heading, "-")
        target += f"#{anchor}"
        label += f": {use.heading}"
    return f"[{label}]({target})"


@dataclass(frozen=True)
class Superseded:
    """A work a newer one replaces (docs/references.yaml: superseded_by, or status: superseded with a reason)."""

    newer: str | None  # the newer entry's id
    newer_title: str | None
    newer_url: str | None  # where the newer work is, when it is not listed on the page (DOI or URL)
    reason: str | None


def _text(value: str) -> str:
    """Plain text inside Markdown: no character starts emphasis, a link or code."""
    escaped = html.escape(value, quote=False)
    for char in "\\`*_[]":
        escaped = escaped.replace(char, f"&#{ord(char)};")
    return escaped


def _superseded_note(old: Superseded, listed) -> str:
    if old.newer:
        label = _text(old.newer_title or old.newer)
        target = f"#ref-{html.escape(old.newer)}" if old.newer in listed else old.newer_url
        newer = f"[{label}]({target})" if target else label
        note = f"**Superseded** by {newer}."
    else:
        note = "**Superseded.**"
    if old.reason:
        note += f" {_text(old.reason)}"
    return f'<p class="reference-superseded" markdown>{note}</p>\n\n'


def render(uses_by_key: dict[str, list[Use]], reference_text, *, from_uri: str, sort_key,
           superseded: dict[str, Superseded] | None = None) -> str:
    """Markdown for the list; `reference_text(key)` gives the text that stands for the formatted reference;
    a work in `superseded` says so, linking the newer work (issue 22)."""
    superseded = superseded or {}
    blocks = []
    for key in sorted(uses_by_key, key=sort_key):
        seen = dict.fromkeys(uses_by_key[key])  # each place once, in citing order
        links = "; ".join(_link(from_uri, u) for u in seen)
        note = _superseded_note(superseded[key], uses_by_key) if key in superseded else ""
        blocks.append(
            f'<div class="reference-entry" id="ref-{html.escape(key)}" markdown>\n'
            f"{reference_text(key)}\n\n"
            f"{note}"
            f"Cited in: {links}\n"
            f"</div>"
        )
    return "\n\n".join(blocks) if blocks else "No works are cited yet."
