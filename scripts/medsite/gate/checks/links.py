"""LNK: every link in the built site resolves (pages, anchors), uses https, is well formed and has a name."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from medsite.build.engine_log import anchor_hint
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check
from medsite.core.urls import split
from medsite.gate.checks.source_map import find_first, href_needles

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("LNK001", ERROR,
         what="An internal link points to a page or file that does not exist.",
         why="Readers hit a dead end.",
         fix="Fix the path; link to the .md file in the source.",
         bad="Read [what MS is](../about-ms/what-ms-is.md).",
         good="Read [what MS is](../about-ms/what-is-ms.md)."),
    Rule("LNK002", ERROR,
         what="An internal link points to a missing anchor.",
         why="Readers land at the top instead of the section.",
         fix="Use the heading's id (shown in the page's table of contents) or set one with {#id}.",
         bad="Read [what myelin does](../about-ms/what-is-ms.md#what-myelin-is).",
         good="Read [what myelin does](../about-ms/what-is-ms.md#what-myelin-does)."),
    Rule("LNK003", ERROR,
         what="A link uses http: instead of https:.",
         why="Plain http can be altered in transit and leaks browsing.",
         fix="Use the https address; list true exceptions in gate.yml with a reason.",
         bad="See [the journal's page](http://journal.example/ms).",
         good="See [the journal's page](https://journal.example/ms)."),
    Rule("LNK004", ERROR,
         what="A URL is malformed (spaces, missing host, unknown scheme).",
         why="The link cannot work.",
         fix="Correct the address.",
         bad="See [the journal's page](https:///ms).",
         good="See [the journal's page](https://journal.example/ms)."),
    Rule("LNK005", ERROR,
         what="A link has no text or accessible name.",
         why="Screen-reader users hear only 'link'.",
         fix="Give the link words that say where it goes.",
         bad="[](../about-ms/what-is-ms.md)",
         good="[What is MS?](../about-ms/what-is-ms.md)"),
)

OK_SCHEMES = {"https", "mailto", "tel"}
_SPACE = re.compile(r"\s")
_HEAD = re.compile(r"[^/?#]*")


def resolve(site, page, href: str):
    """(target file as 'site/...', fragment) for an internal href, or (None, fragment) if it points outside the site.

    Cached per resolved path: navigation links repeat on every page.
    """
    base = page.url.rpartition("/")[0]
    path, _, fragment = href.partition("#")
    path = path.partition("?")[0]
    if path.startswith("/"):
        absolute = path
    elif path:
        absolute = posixpath.join("/" + base, path)
    else:
        absolute = "/" + page.url
    key = posixpath.normpath(absolute) + ("/" if absolute.endswith("/") and absolute != "/" else "")
    cache = site.resolved
    if key not in cache:
        cache[key] = _target(site, unquote(key).lstrip("/"))
    return cache[key], unquote(fragment)


def _target(site, rel: str) -> str | None:
    candidates = [f"site/{rel}index.html"] if (rel == "" or rel.endswith("/")) else [f"site/{rel}", f"site/{rel}/index.html"]
    for candidate in candidates:
        if candidate in site.files:
            return candidate
    return None


def _scheme(href: str) -> str:
    """The URL scheme, without a full parse: most links on a page are relative."""
    head = _HEAD.match(href).group(0)
    return head.partition(":")[0].lower() if ":" in head else ""


def _problem(site, page, link, http_allowed):
    href = link.href
    if not link.has_name:
        return "LNK005", f"link to '{href}' has no text or accessible name"
    if _SPACE.search(href):
        return "LNK004", f"malformed URL '{href}' (contains spaces)"
    scheme = _scheme(href)
    if scheme == "http":
        return (None, None) if href in http_allowed else ("LNK003", f"insecure http: link '{href}'")
    if scheme in OK_SCHEMES:
        parts = split(href)
        if scheme == "https" and not (parts and parts.netloc):  # no host, or one that cannot be read
            return "LNK004", f"malformed URL '{href}' (no host, or one that cannot be read)"
        return None, None
    if scheme or href.startswith("//"):
        return "LNK004", f"malformed or unsupported URL '{href}'"
    target, fragment = resolve(site, page, href)
    if target is None:
        return "LNK001", f"link to '{href}' points to a missing page or file"
    if fragment and target in site.pages and fragment not in site.pages[target].ids:
        return "LNK002", f"link to '{href}' points to a missing anchor '#{fragment}'"
    return None, None


@gate_check(stage=SITE)
def check(project):
    site = project.site
    if site is None:
        return
    http_allowed = project.config.get("http_allowed") or {}
    reported_outside_content = set()
    for page in site.pages.values():
        source_page = project.page_by_html.get(page.rel)
        for link in page.links:
            code, message = _problem(site, page, link, http_allowed)
            if not code:
                continue
            if not link.in_content:
                # Navigation and template links repeat on every page: report each once.
                key = (code, link.href)
                if key in reported_outside_content:
                    continue
                reported_outside_content.add(key)
            source = find_first(source_page, href_needles(link.href)) if link.in_content else None
            hint = None
            if code == "LNK002":  # "did you mean": the closest id the target page really has
                target, fragment = resolve(site, page, link.href)
                hint = anchor_hint(fragment, site.pages[target].ids)
            yield Diagnostic(code, message, page.rel, target=link.href, source=source, hint=hint)
