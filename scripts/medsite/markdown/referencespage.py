"""The global references page: every cited work once, with links back to where it is cited, and every
exception to the site's checks (gate-ignore), with its page, code and reason, so readers can see them.

The list of works is written as HTML, not Markdown: it holds a link for every citation on the site, and
Python-Markdown's inline pass over a thousand generated links cost more than the rest of the page's
rendering (issue 19). Everything in it that an editor wrote (titles, headings, reasons) is escaped here."""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass

from markdown.extensions.toc import slugify

from medsite.sources.pageurls import relative_url

MARKER = "<!-- medsite:bibliography -->"


@dataclass(frozen=True)
class Use:
    """Where a work is cited: the page and the heading, for the References page."""

    page_uri: str  # docs-relative path of the citing page, e.g. "about-ms/causes.md"
    page_title: str
    heading: str | None
    anchor: str | None


def _link(from_uri: str, use: Use) -> str:
    """A Markdown link to a citing place (the exceptions section is Markdown: it holds a heading)."""
    target = posixpath.relpath(use.page_uri, posixpath.dirname(from_uri) or ".")
    label = use.page_title
    if use.heading:
        anchor = use.anchor or slugify(use.heading, "-")
        target += f"#{anchor}"
        label += f": {use.heading}"
    return f"[{label}]({target})"


def _html_link(href: str, label: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(" ".join(label.split()), quote=False)}</a>'


def _use_link(from_uri: str, use: Use) -> str:
    """An HTML link to a citing place, with the URL the engine publishes the page at."""
    target = relative_url(use.page_uri, from_uri)
    label = use.page_title
    if use.heading:
        target += f"#{use.anchor or slugify(use.heading, '-')}"
        label += f": {use.heading}"
    return _html_link(target, label)


@dataclass(frozen=True)
class Superseded:
    """A work a newer one replaces (docs/references.yaml: superseded_by, or status: superseded with a reason)."""

    newer: str | None  # the newer entry's id
    newer_title: str | None
    newer_url: str | None  # where the newer work is, when it is not listed on the page (DOI or URL)
    reason: str | None


def _text(text: str) -> str:
    """An editor's free text as HTML text: one line, escaped."""
    return html.escape(" ".join(text.split()), quote=False)


def _superseded_note(old: Superseded, listed) -> str:
    if old.newer:
        label = old.newer_title or old.newer
        target = f"#ref-{old.newer}" if old.newer in listed else old.newer_url
        newer = _html_link(target, label) if target else _text(label)
        note = f"<strong>Superseded</strong> by {newer}."
    else:
        note = "<strong>Superseded.</strong>"
    if old.reason:
        note += f" {_text(old.reason)}"
    return f'<p class="reference-superseded">{note}</p>\n'


def render(uses_by_key: dict[str, list[Use]], reference_text, *, from_uri: str, sort_key,
           superseded: dict[str, Superseded] | None = None, exceptions_of=None, aliases_of=lambda key: []) -> str:
    """HTML for the list; `reference_text(key)` gives the text that stands for the formatted reference;
    a work in `superseded` says so, linking the newer work (issue 22); `exceptions_of(key)` gives the entry's
    own documented exceptions ({CODE: reason}), shown under it; `aliases_of(key)` the entry's former keys,
    each kept as an anchor (#ref-<old key>) so old links still arrive."""
    superseded = superseded or {}
    blocks = []
    for key in sorted(uses_by_key, key=sort_key):
        seen = dict.fromkeys(uses_by_key[key])  # each place once, in citing order
        links = "; ".join(_use_link(from_uri, u) for u in seen)
        note = _superseded_note(superseded[key], uses_by_key) if key in superseded else ""
        notes = "".join(f"<p>Exception to our checks ({html.escape(code)}): {_text(reason)}</p>\n"
                        for code, reason in sorted((exceptions_of(key) if exceptions_of else {}).items()))
        old = "".join(f'<span id="ref-{html.escape(alias)}"></span>' for alias in aliases_of(key))
        blocks.append(
            f'<div class="reference-entry" id="ref-{html.escape(key)}">\n'
            f"<p>{old}{reference_text(key)}</p>\n"
            f"{note}"
            f"<p>Cited in: {links}</p>\n"
            f"{notes}"
            f"</div>"
        )
    return "\n".join(blocks) if blocks else "<p>No works are cited yet.</p>"


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
