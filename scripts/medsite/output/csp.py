"""Content-Security-Policy computed at build time, from what we ship.

Every built page gets a ``<meta http-equiv="Content-Security-Policy">`` as the
first element after ``<meta charset>`` (a meta policy governs only what comes
after it), allowing inline script only by the SHA-256 hash of each executable
inline ``<script>`` that the theme's templates or ours put on that page. Which
ones those are is known from their provenance (medsite.output.template_marks marks every
inline tag written in a template source with a per-build secret), never from
what the page happens to contain: any other inline script, ``<style>``,
``style=""`` attribute or ``on*=`` handler is returned as a :class:`Stray` for
the build to report (OUT003), and is not allowed by the policy.

After the build, ``site/_headers`` (the Netlify / Cloudflare Pages format)
carries the same policy for every page, with the union of all pages' hashes,
plus what only a header can say (``frame-ancestors``) and two more headers.

Data blocks (``application/ld+json``, ``application/json``) are never executed,
so Chromium does not check them against ``script-src`` and they need no hash.

This module is pure (text in, text out); medsite.output.csp_step is the MkDocs glue.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from medsite.output.template_marks import ATTR as SHIPPED_ATTR
from medsite.output.template_marks import unmark

META_NAME = "Content-Security-Policy"
HEADERS_FILE = "_headers"

# A <script> whose type is one of these (or absent/empty) is executed; any other
# type is a data block (HTML standard, "prepare the script element").
_JS_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
}

# Fixed part of the policy, in the order it is written. Why each source is needed:
#   img-src data:   Material draws its icons as CSS masks from data: SVG URLs
#                   (and site.css adds two for the callouts).
#   worker-src:     search (Pagefind) runs in a Web Worker loaded from the site.
#   style-src:      Material and site.css are external files; the templates ship
#                   no inline <style> and no style="" attributes, and Material's
#                   script styles elements through the CSSOM (el.style.x = …),
#                   which CSP does not restrict. So no 'unsafe-inline' for styles.
#   object-src, base-uri, form-action: the usual hardening; a meta policy
#                   cannot set frame-ancestors, so only _headers has it.
_FIXED = (
    ("default-src", ("'self'",)),
    ("img-src", ("'self'", "data:")),
    ("font-src", ("'self'",)),
    ("connect-src", ("'self'",)),
    ("worker-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
)

EXTRA_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    # Health reading is private: linked sites (journals, PubMed) are not told which page sent the reader.
    ("Referrer-Policy", "no-referrer"),
)

_META_RE = re.compile(r"<meta\s+http-equiv=[\"']?Content-Security-Policy[\"']?[^>]*>", re.I)
_CHARSET_RE = re.compile(r"<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.I)
_HEAD_RE = re.compile(r"<head(\s[^>]*)?>", re.I)


def sha256_source(text: str) -> str:
    """The CSP hash source for an inline script or style: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def is_executable(type_attr: str | None) -> bool:
    """True for a <script> type that browsers run (absent, empty, JavaScript MIME types, module)."""
    return (type_attr or "").strip().lower() in _JS_TYPES


@dataclass(frozen=True)
class Inline:
    """What a page has inline that a policy must allow."""

    scripts: tuple[str, ...] = ()  # hash sources of executable inline <script>
    styles: tuple[str, ...] = ()  # hash sources of inline <style>
    style_attrs: tuple[str, ...] = ()  # hash sources of style="" attributes ('unsafe-hashes')
    handlers: tuple[str, ...] = ()  # on*="" attributes: never allowed, reported only


def scan(html: str) -> Inline:
    """Every inline script, style and style attribute in ``html``, hashed, whoever wrote it.

    An inventory for tests and checks; what a page's policy allows comes from
    :func:`sort_out`, which counts only what the templates ship.
    """
    tree = LexborHTMLParser(html)
    scripts, styles, attrs, handlers = [], [], [], []
    for node in tree.css("script"):
        if "src" in node.attributes or not is_executable(node.attributes.get("type")):
            continue
        scripts.append(sha256_source(node.text(deep=True)))
    for node in tree.css("style"):
        styles.append(sha256_source(node.text(deep=True)))
    for node in tree.css("[style]"):
        attrs.append(sha256_source(node.attributes.get("style") or ""))
    for node in tree.css("*"):
        for name in node.attributes:
            if name.lower().startswith("on"):
                handlers.append(f"<{node.tag} {name}>")
    unique = lambda xs: tuple(dict.fromkeys(xs))  # noqa: E731 - keep first-seen order
    return Inline(unique(scripts), unique(styles), unique(attrs), unique(handlers))


# Search (Pagefind, scripts/medsite/output/search_index.py) runs its engine as WebAssembly, compiled in
# the browser from the site's own pagefind/wasm.*.pagefind. Under a script-src without it, Chromium
# refuses to compile WebAssembly and search fails. It allows compiling WebAssembly only: eval(),
# new Function() and string timers stay blocked (that would be 'unsafe-eval', which we never allow).
WASM_SOURCE = "'wasm-unsafe-eval'"


def policy(inline: Inline, *, header: bool = False) -> str:
    """The policy text for a page (or, with ``header``, for the _headers file)."""
    directives: list[tuple[str, tuple[str, ...]]] = list(_FIXED[:1])
    directives.append(("script-src", ("'self'", WASM_SOURCE, *inline.scripts)))
    style = ["'self'", *inline.styles]
    if inline.style_attrs:
        style += ["'unsafe-hashes'", *inline.style_attrs]
    directives.append(("style-src", tuple(style)))
    directives += _FIXED[1:]
    if header:
        directives.append(("frame-ancestors", ("'none'",)))
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def merge(inlines) -> Inline:
    """The union of several pages' inline content (for the site-wide header)."""
    scripts, styles, attrs, handlers = {}, {}, {}, {}
    for item in inlines:
        scripts.update(dict.fromkeys(item.scripts))
        styles.update(dict.fromkeys(item.styles))
        attrs.update(dict.fromkeys(item.style_attrs))
        handlers.update(dict.fromkeys(item.handlers))
    return Inline(*(tuple(sorted(d)) for d in (scripts, styles, attrs, handlers)))


def without_policy(html: str) -> str:
    """The page without its meta policy: `make serve` serves its pages so, once the gate has checked them with
    it, because the live-reload script the dev server adds to every response carries no hash (is_dev_server)."""
    return _META_RE.sub("", html, count=1)


def meta_tag(text: str) -> str:
    return f'<meta http-equiv="{META_NAME}" content="{text}">'


def inject(html: str, text: str) -> str:
    """Put the policy meta first in <head> (after <meta charset>), replacing any earlier one."""
    html = _META_RE.sub("", html, count=1)
    tag = meta_tag(text)
    for pattern in (_CHARSET_RE, _HEAD_RE):
        match = pattern.search(html)
        if match:
            return html[: match.end()] + "\n" + tag + html[match.end() :]
    return tag + "\n" + html


@dataclass(frozen=True)
class Stray:
    """Inline content in the output that no template shipped: reported, never allowed."""

    kind: str  # "script", "style element", "style attribute", "event handler"
    snippet: str  # a short excerpt for the message
    needles: tuple[str, ...]  # text to look for in the source, most specific first


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_shipped(node, secret: str | None) -> bool:
    return secret is not None and node.attributes.get(SHIPPED_ATTR) == secret


# The first letters of `style` and of every `on…` handler, in either case: an attribute whose name starts
# with another letter is neither (str.lower maps nothing else to "s" or "o").
_STYLE_OR_ON = frozenset("sSoO")


def sort_out(html: str, secret: str | None, shipped=None) -> tuple[Inline, tuple[Stray, ...]]:
    """Hash the inline scripts and styles that carry this build's mark; list everything else inline.

    Style attributes and event handlers cannot carry a mark (and no template of
    ours or Material's, as configured, writes one), so each is a stray.
    `shipped(text)`, when given, says instead which inline scripts the templates ship
    (Zensical's templates cannot carry marks: medsite.output.csp_after).
    """
    tree = LexborHTMLParser(html)
    scripts, styles, strays = [], [], []
    for node in tree.css("script"):
        if "src" in node.attributes or not is_executable(node.attributes.get("type")):
            continue
        text = node.text(deep=True)
        if shipped(text) if shipped is not None else _is_shipped(node, secret):
            scripts.append(sha256_source(text))
        else:
            first = next((line.strip() for line in text.splitlines() if line.strip()), "")
            strays.append(Stray("script", f"<script>{_excerpt(text)}</script>", (first, "<script")))
    for node in tree.css("style"):
        text = node.text(deep=True)
        if _is_shipped(node, secret):
            styles.append(sha256_source(text))
        else:
            strays.append(Stray("style element", f"<style>{_excerpt(text)}</style>", ("<style",)))
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            if name[:1] not in _STYLE_OR_ON:  # most attributes (class, href, id...): skip them cheaply
                continue
            lower = name.lower()
            if lower == "style":
                strays.append(Stray("style attribute", f'<{node.tag} style="{_excerpt(value or "")}">', ("style=",)))
            elif lower.startswith("on"):
                strays.append(Stray("event handler", f"<{node.tag} {lower}=…>", (f"{lower}=", lower)))
    unique = lambda xs: tuple(dict.fromkeys(xs))  # noqa: E731 - keep first-seen order
    return Inline(unique(scripts), unique(styles)), unique(strays)


def protect(html: str, secret: str | None, shipped=None, verdicts=None) -> tuple[str, Inline, tuple[Stray, ...]]:
    """A page with its own policy injected and the marks removed, what it allows, and its strays.

    With ``secret`` None (HTML no template rendered, such as a static file copied
    from docs/) nothing inline is ours: every inline script or style is a stray.
    ``verdicts`` (medsite.output.csp_verdicts.Verdicts), when given, has the last build's verdict of a page
    that has not changed.
    """
    inline, strays = (verdicts.sort_out if verdicts is not None else sort_out)(html, secret, shipped)
    clean = unmark(html, secret) if secret else html
    return inject(clean, policy(inline)), inline, strays


def headers_file(text: str) -> str:
    """``_headers`` content applying ``text`` and the extra headers to every path."""
    lines = [
        "# Written by the build (scripts/medsite/output/csp.py). The policy of every page's meta tag, with all",
        "# pages' script hashes, plus what only a header can set.",
        "/*",
    ]
    lines.append(f"  {META_NAME}: {text}")
    lines += [f"  {name}: {value}" for name, value in EXTRA_HEADERS]
    return "\n".join(lines) + "\n"


def parse(text: str) -> dict[str, list[str]]:
    """Split a policy into ``{directive: [sources]}`` (for tests and the gate)."""
    out: dict[str, list[str]] = {}
    for part in text.split(";"):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), words[1:])
    return out


def read_headers(text: str) -> dict[str, str]:
    """The headers of the ``/*`` block of a _headers file."""
    out: dict[str, str] = {}
    in_block = False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            in_block = line.strip() == "/*"
            continue
        if in_block and ":" in line:
            name, value = line.split(":", 1)
            out[name.strip()] = value.strip()
    return out


def is_dev_server(config) -> bool:
    """True under `mkdocs serve`, which points site_url at its own address (dev_addr).

    Its live-reload script is added to every response, inline and different each
    time, so no build-time hash can allow it: the preview goes without the meta
    policy, and the built site (what readers get, and what the tests check) has it.
    """
    addr = config.get("dev_addr")
    site_url = config.get("site_url") or ""
    return bool(addr) and site_url.startswith(f"http://{addr.host}:{addr.port}/")
