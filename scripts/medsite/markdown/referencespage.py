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


def render(uses_by_key: dict[str, list[Use]], reference_text, *, from_uri: str, sort_key, aliases_of=lambda key: []) -> str:
    """Markdown for the list; `reference_text(key)` gives the text that stands for the formatted reference.
    `aliases_of(key)`: the entry's former keys, each kept as an anchor (#ref-<old key>) so old links still arrive."""
    blocks = []
    for key in sorted(uses_by_key, key=sort_key):
        seen = dict.fromkeys(uses_by_key[key])  # each place once, in citing order
        links = "; ".join(_link(from_uri, u) for u in seen)
        old = "".join(f'<span id="ref-{html.escape(alias)}"></span>' for alias in aliases_of(key))
        blocks.append(
            f'<div class="reference-entry" id="ref-{html.escape(key)}" markdown>\n'
            f"{old}{reference_text(key)}\n\n"
            f"Cited in: {links}\n"
            f"</div>"
        )
    return "\n\n".join(blocks) if blocks else "No works are cited yet."
