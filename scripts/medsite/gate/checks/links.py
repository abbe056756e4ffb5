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
    Rule("LNK007", ERROR,
         what="A link goes nowhere: its address is empty (`[text]()`, `href=\"\"`) or missing (`<a>` with no href).",
         why="An empty address reloads the same page, so the reader clicks and nothing seems to happen.",
         fix="Put the page or web address in the round brackets, or remove the link and keep the words.",
         bad="Read [what MS is]().",
         good="Read [what MS is](../about-ms/what-is-ms.md)."),
)

OK_SCHEMES = {"https", "mailto", "tel"}
_SPACE = re.compile(r"\s")
_HEAD = re.compile(r"[^/?#]*")
# What a mail program and a phone can use: one or more addresses (a@b.c, comma-separated), and a number
# of digits with the usual separators, an optional leading + and extension.
_ADDRESS_PART = re.compile(r"[^@\s,;<>()]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{2,}(?:;ext=[0-9]+)?")
# How an empty link is written in Markdown or HTML, to find its line.
EMPTY_LINK_NEEDLES = ["]()", "](<>)", 'href=""', "href=''", "<a>", "<a "]
# "#top" scrolls to the top in every browser (HTML's "top of the document"), with or without such an id.
_TOP = "top"


def resolve(site, page, href: str):
    """(target file as 'site/...', fragment as written) for an internal href, or (None, fragment) if it points
    outside the site.

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
    return cache[key], fragment


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


def fragment_found(fragment: str, ids) -> bool:
    """Whether a browser finds the fragment: as written first, then percent-decoded (HTML's order)."""
    return fragment in ids or unquote(fragment) in ids or fragment.lower() == _TOP


def _mail_address(text: str) -> bool:
    """name@host.domain: one @, something before it, and a host of two or more labels after it."""
    local, at, host = text.partition("@")
    labels = host.split(".")
    return bool(at and _ADDRESS_PART.fullmatch(local) and _ADDRESS_PART.fullmatch(host) and len(labels) > 1 and all(labels))


def _contact_problem(scheme: str, href: str) -> str | None:
    """Why a mailto: or tel: link cannot be used, or None."""
    address = unquote(href.split(":", 1)[1].partition("?")[0]).strip()
    if scheme == "mailto":
        if not address or not all(_mail_address(a.strip()) for a in address.split(",")):
            return f"e-mail link '{href}' has no usable address (write it as mailto:name@example.org)"
    elif not _PHONE.fullmatch(address):
        return f"phone link '{href}' has no usable number (write it as tel:+441234567890)"
    return None


def _problems(site, page, link, http_allowed):
    """(code, message) for each thing wrong with one link: a nameless link is also checked for where it goes."""
    href = link.href
    if not link.has_name:
        yield "LNK005", f"link to '{href}' has no text or accessible name" if href else "link has no text or accessible name"
    if not link.has_href or (not href.strip() and link.in_content):
        # The theme's own links to the page itself (Zensical's logo and menu on the home page) are href="" on purpose.
        what = "has no address (an <a> with no href)" if not link.has_href else "has an empty address"
        yield "LNK007", f"link {what}, so it goes nowhere"
        return
    if _SPACE.search(href):
        yield "LNK004", f"malformed URL '{href}' (contains spaces)"
        return
    scheme = _scheme(href)
    if scheme == "http":
        if href not in http_allowed:
            yield "LNK003", f"insecure http: link '{href}'"
        return
    if scheme in OK_SCHEMES:
        parts = split(href)
        if scheme == "https" and not (parts and parts.netloc):  # no host, or one that cannot be read
            yield "LNK004", f"malformed URL '{href}' (no host, or one that cannot be read)"
        elif scheme in ("mailto", "tel") and (problem := _contact_problem(scheme, href)):
            yield "LNK004", problem
        return
    if scheme or href.startswith("//"):
        yield "LNK004", f"malformed or unsupported URL '{href}'"
        return
    target, fragment = resolve(site, page, href)
    if target is None:
        yield "LNK001", f"link to '{href}' points to a missing page or file"
    elif fragment and target in site.pages and not fragment_found(fragment, site.pages[target].ids):
        yield "LNK002", f"link to '{href}' points to a missing anchor '#{unquote(fragment)}'"


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
            for code, message in _problems(site, page, link, http_allowed):
                if not link.in_content:
                    # Navigation and template links repeat on every page: report each once.
                    key = (code, link.href)
                    if key in reported_outside_content:
                        continue
                    reported_outside_content.add(key)
                needles = href_needles(link.href) if link.href else EMPTY_LINK_NEEDLES
                source = find_first(source_page, needles) if link.in_content else None
                hint = None
                if code == "LNK002":  # "did you mean": the closest id the target page really has
                    target, fragment = resolve(site, page, link.href)
                    hint = anchor_hint(unquote(fragment), site.pages[target].ids)
                yield Diagnostic(code, message, page.rel, target=link.href, source=source, hint=hint)
