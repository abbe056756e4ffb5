"""The global references page: every cited work once, with links back to where it is cited, and every
exception to the site's checks (gate-ignore), with its page, code and reason, so readers can see them."""

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


def _superseded_note(old: Superseded, listed) -> str:
    if old.newer:
        label = plain(old.newer_title or old.newer)
        target = f"#ref-{html.escape(old.newer)}" if old.newer in listed else old.newer_url
        newer = f"[{label}]({target})" if target else label
        note = f"**Superseded** by {newer}."
    else:
        note = "**Superseded.**"
    if old.reason:
        note += f" {plain(old.reason)}"
    return f'<p class="reference-superseded" markdown>{note}</p>\n\n'


def render(uses_by_key: dict[str, list[Use]], reference_text, *, from_uri: str, sort_key,
           superseded: dict[str, Superseded] | None = None, exceptions_of=None, aliases_of=lambda key: []) -> str:
    """Markdown for the list; `reference_text(key)` gives the text that stands for the formatted reference;
    a work in `superseded` says so, linking the newer work (issue 22); `exceptions_of(key)` gives the entry's
    own documented exceptions ({CODE: reason}), shown under it; `aliases_of(key)` the entry's former keys,
    each kept as an anchor (#ref-<old key>) so old links still arrive."""
    superseded = superseded or {}
    blocks = []
    for key in sorted(uses_by_key, key=sort_key):
        seen = dict.fromkeys(uses_by_key[key])  # each place once, in citing order
        links = "; ".join(_link(from_uri, u) for u in seen)
        note = _superseded_note(superseded[key], uses_by_key) if key in superseded else ""
        notes = "".join(f"\n\nException to our checks ({html.escape(code)}): {plain(reason)}"
                        for code, reason in sorted((exceptions_of(key) if exceptions_of else {}).items()))
        old = "".join(f'<span id="ref-{html.escape(alias)}"></span>' for alias in aliases_of(key))
        blocks.append(
            f'<div class="reference-entry" id="ref-{html.escape(key)}" markdown>\n'
            f"{old}{reference_text(key)}\n\n"
            f"{note}"
            f"Cited in: {links}{notes}\n"
            f"</div>"
        )
    return "\n\n".join(blocks) if blocks else "No works are cited yet."


@dataclass(frozen=True)
class Exemption:
    """One `<!-- gate-ignore CODE: reason -->` in a page or in a passage pages share."""

    page_uri: str | None  # docs-relative page, or None for a shared passage (includes/)
    label: str  # the page's title, or the passage's file
    code: str
    reason: str


# The reason is an editor's free text inside an HTML comment or a YAML value: shown as plain text, never
# as markup, a citation, a footnote or a snippet include. One pass, so no reference is escaped twice.
_PLAIN = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()`*_@{}|#!~\\-=+:^"})


def plain(text: str) -> str:
    return " ".join(text.split()).translate(_PLAIN)


def render_exemptions(exemptions: list[Exemption], *, from_uri: str) -> str:
    """Markdown for the section that lists every exception in the pages; it is always there, and says
    so when there is none, so a reader can tell "none" from "not listed"."""
    intro = ("Our build checks every page against the rules of our editorial policy. Rarely, an editor decides "
             "that a rule is wrong for one sentence and writes down why. Each such exception is listed here.")
    lines = ["## Exceptions to our checks {#check-exceptions}", "", intro, ""]
    if not exemptions:
        lines.append("There are none: every page passes every check.")
    for e in exemptions:
        where = _link(from_uri, Use(e.page_uri, e.label, None, None)) if e.page_uri else f"Text that several pages share ({plain(e.label)})"
        lines.append(f"- {where}, check {html.escape(e.code)}: {plain(e.reason)}")
    return "\n".join(lines)
