"""Hold one published HTML or SVG document against the allowlist (safety_policy); yield what breaks it.

Why walk the parsed tree rather than diff against ``nh3.clean``: lexbor parses HTML as browsers do
(the HTML standard's tree builder, SVG and MathML foreign content, character references decoded),
so each element found is one a reader's browser would build, and each finding names the element
and attribute that broke the policy, which is what an editor needs to find it in the source. A diff
of two serialisations names neither, and nh3 rewrites harmless things (rel on links, quoting),
which would be noise. nh3 still supplies the content policy's data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from xml.parsers import expat

from selectolax.lexbor import LexborHTMLParser

from medsite.core.rule import ERROR, Rule, declare
from medsite.gate import safety_policy as policy
from medsite.sources.safe_exceptions import refused, signature

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE004", ERROR,
         what="The published output has an element outside the allowlist (script, iframe, object, form, base, style, meta refresh, math, an unknown tag...).",
         why="Only markup that cannot run code, redirect readers or load other sites may reach readers, however it was written (raw HTML, snippet, front matter, bibliography, mkdocs.yml).",
         fix="Remove the markup at the source line shown; write plain Markdown. A real need (an embed) is a reviewed safe_exceptions entry in gate.yml.",
         where="site/page/index.html",
         bad='<p>Text.</p><iframe src="https://video.example/ms"></iframe>',
         good="<p><a href=\"https://video.example/ms\">The clinic's video about MS</a></p>"),
    Rule("SAFE005", ERROR,
         what="A published element has an attribute outside the allowlist: an event handler (onclick=, onload=...), style=, or one the site does not use.",
         why="Handlers run script; inline styles can hide the disclosure and are refused by the site's security policy.",
         fix="Remove the attribute at the source line shown (including {: ...} attribute lists); style pages with classes from site.css.",
         where="site/page/index.html",
         bad='<p style="display:none">Hidden text.</p>',
         good="<p>Text.</p>"),
    Rule("SAFE006", ERROR,
         what="A published link, image or other URL uses a scheme that is not allowed (javascript:, data:, vbscript:..., also when written with character references like &#106;), or an SVG link points outside the drawing.",
         why="These URLs run code when followed.",
         fix="Link to an https page, a mailto: address, or a file of the site.",
         where="site/page/index.html",
         bad='<p><a href="javascript:alert(1)">Read more</a></p>',
         good='<p><a href="https://journal.example/">Read more</a></p>'),
    Rule("SAFE007", ERROR,
         what="A published page runs a script the theme does not ship: an inline script no template has, or a script or stylesheet file that is not the theme's or the site's own.",
         why="The site's security policy allows only the scripts we ship; anything else is injected code or a third-party request.",
         fix="Remove the script; features come from the theme or overrides/, reviewed by a maintainer.",
         where="site/page/index.html, in <head>",
         bad='<script src="https://cdn.example/widget.js"></script>',
         good="<title>A page</title>"),
    Rule("SAFE010", ERROR,
         what="An SVG file does not parse, or contains a processing instruction (xml-stylesheet) or entity declarations.",
         why="A browser renders an SVG file as a document; these features load or expand content outside the allowlist.",
         fix="Save the drawing as plain SVG (an editor's 'plain SVG' or 'optimised SVG' export).",
         where="docs/assets/drawing.svg",
         bad="""\
<?xml-stylesheet href="https://styles.example/x.css"?>
<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>""",
         good='<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'),
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    needles: tuple[str, ...]  # text to look for in the sources, most specific first
    target: str
    element: tuple | None = None  # the element's signature, to compare with safe_exceptions
    line: int | None = None  # line in the published file, when the parser knows it (SVG)
    origin: tuple[str, ...] = ()  # where such markup comes from, most likely first (see ORIGINS)
    exceptable: bool = True  # False for what no safe_exceptions entry may allow: handlers, code-running URLs


# Kinds of source, and which part of a page each usually reaches: the page's body and the snippets it
# pastes fill the article; front matter titles the page (<h1>, <head>, everyone's navigation); the
# bibliography fills the reference list; mkdocs.yml the copyright line and the review box's publisher.
BODY, FRONT, INCLUDES, BIBLIOGRAPHY, SETTINGS = "body", "front", "includes", "bibliography", "settings"
FRONTS, PAGES = "fronts", "pages"  # every page's front matter (titles in the navigation); every page's body
_REGIONS = (  # (CSS selector, likely origins), most specific first
    (".md-copyright__highlight", (SETTINGS,)),
    ("article .health-footer", (SETTINGS, FRONT)),
    ("article .footnote", (BIBLIOGRAPHY, BODY, INCLUDES)),
    ("article h1", (FRONT, BODY)),
    ("article", (BODY, INCLUDES, FRONT, BIBLIOGRAPHY, SETTINGS)),
    ("head", (FRONT, SETTINGS, FRONTS)),
    ("body", (FRONT, FRONTS, SETTINGS)),
)
ORIGINS = (BODY, FRONT, INCLUDES, BIBLIOGRAPHY, SETTINGS, FRONTS, PAGES)


def _origins(tree) -> dict[int, tuple[str, ...]]:
    """mem_id -> likely origins, for every element of a themed page."""
    out: dict[int, tuple[str, ...]] = {}
    for selector, first in _REGIONS:
        order = first + tuple(o for o in ORIGINS if o not in first)
        for area in tree.css(selector):
            for node in area.traverse(include_text=False):
                out.setdefault(node.mem_id, order)
    return out


_CONTROL = "".join(chr(i) for i in range(0x21))
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: tabs and newlines anywhere, and control characters at the ends, dropped."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(_CONTROL)
    m = _SCHEME.match(cleaned)
    return m.group(1).lower() if m else None


def is_same_site(url: str) -> bool:
    """A relative URL to a file of this site (no scheme, no other host)."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(_CONTROL)
    return bool(cleaned) and url_scheme(cleaned) is None and not cleaned.startswith(("//", "\\\\", "/\\", "\\/"))


def _attr_allowed(zone: str, tag: str, name: str) -> bool:
    if zone == "svg":
        return name in policy.SVG_ATTRS or name.startswith("aria-")
    content = name in policy.CONTENT_GLOBAL_ATTRS or name in policy.CONTENT_ATTRS.get(tag, ())
    if zone == "content":
        return content
    return (content or name in policy.CHROME_GLOBAL_ATTRS or name.startswith(policy.CHROME_ATTR_PREFIXES)
            or name in policy.CHROME_ATTRS.get(tag, ()))


def _tag_allowed(zone: str, tag: str) -> bool:
    if zone == "svg":
        return tag in policy.SVG_TAGS
    if tag in policy.DOCUMENT_TAGS:
        return True
    return tag in (policy.CONTENT_TAGS if zone == "content" else policy.CHROME_TAGS)


def _attribute_findings(zone: str, tag: str, attrs: dict, *, names: bool = True) -> Iterator[Finding]:
    """Handlers and code-running URLs always; with ``names``, also attributes the policy does not list."""
    for raw_name, raw_value in attrs.items():
        name, value = str(raw_name).lower(), raw_value or ""
        if name.startswith("on"):
            yield Finding("SAFE005", f"event handler '{name}=' on <{tag}>", (f"{name}=", name), name, exceptable=False)
            continue
        if names and not _attr_allowed(zone, tag, name):
            yield Finding("SAFE005", f"attribute '{name}' is not allowed on <{tag}>", (f"{name}=", name), name)
            continue
        if name not in policy.URL_ATTRS and not name.endswith(":href"):
            continue
        if zone == "svg":
            if not policy.SVG_LOCAL_HREF.match(value.strip()):
                yield Finding("SAFE006", f"<{tag} {name}> points outside the drawing ({value[:60]!r})",
                              (value, f"{name}="), value)
            continue
        scheme = url_scheme(value)
        if scheme is not None and scheme not in policy.URL_SCHEMES:
            yield Finding("SAFE006", f"'{scheme}:' URL in {name}= of <{tag}>", (value, value[:40], f"{scheme}:"), f"{scheme}:",
                          exceptable=False)


def _chrome_element_findings(tag: str, attrs: dict, node, script_ok, asset_ok) -> Iterator[Finding]:
    """Rules for the few chrome elements whose attribute values decide whether they are safe."""
    get = lambda k: (attrs.get(k) or "").strip()  # noqa: E731
    if tag == "meta":
        equiv, name, prop = get("http-equiv").lower(), get("name").lower(), get("property").lower()
        if equiv and equiv not in policy.META_HTTP_EQUIV:
            yield Finding("SAFE004", f'<meta http-equiv="{equiv}"> is not allowed (it can redirect readers or set cookies)',
                          ("http-equiv", "<meta"), f"meta http-equiv={equiv}")
        if name and name not in policy.META_NAMES:
            yield Finding("SAFE004", f'<meta name="{name}"> is not one the templates write', ("<meta",), f"meta name={name}")
        if prop and not policy.META_PROPERTY.match(prop):
            yield Finding("SAFE004", f'<meta property="{prop}"> is not one the templates write', ("<meta",),
                          f"meta property={prop}")
    elif tag == "link":
        rels = set(get("rel").lower().split())
        for rel in sorted(rels - policy.LINK_RELS):
            yield Finding("SAFE004", f'<link rel="{rel}"> is not allowed (it can fetch or run something)',
                          (f'rel="{rel}"', "<link"), f"link rel={rel}")
        if rels & policy.LINK_RELS_SAME_SITE and not (is_same_site(get("href")) and asset_ok(get("href"), False)):
            yield Finding("SAFE007", f"<link rel=\"{' '.join(sorted(rels))}\"> loads {get('href')!r}, not a file of this site",
                          (get("href"), "<link"), get("href"))
    elif tag == "form" and not policy.CHROME_FORM_CLASSES & set(get("class").split()):
        yield Finding("SAFE004", "<form> other than Material's search box and colour switch", ("<form",), "form")
    elif tag == "script":
        src, kind = get("src"), get("type").lower()
        if src:
            if not (is_same_site(src) and asset_ok(src, True)):
                yield Finding("SAFE007", f"<script src={src!r}> is not a script the theme ships", (src, "<script"), src)
        elif kind in policy.DATA_SCRIPT_TYPES:
            pass  # data, never run (our JSON-LD, Material's configuration)
        elif not script_ok(node.text(deep=True)):
            text = node.text(deep=True).strip()
            yield Finding("SAFE007", f"inline <script> that no template ships ({text[:50]!r})", (text[:40], "<script"), "script")


def html_findings(text: str, *, themed: bool, script_ok: Callable[[str], bool] = lambda s: False,
                  asset_ok: Callable[[str, bool], bool] = lambda url, is_script: False) -> Iterator[Finding]:
    """Findings for one HTML document.

    ``themed``: a page rendered through the theme, whose <article> and copyright line are content
    and the rest chrome. Otherwise (a static file from docs/) the whole document is content.
    ``script_ok(text)`` says whether an inline script is one the templates ship; ``asset_ok(url,
    is_script)`` whether a same-site URL names a file the theme ships (scripts) or the site has.
    """
    tree = LexborHTMLParser(text)
    content_ids, svg_ids = set(), set()
    origins: dict | None = None  # worked out only for a page that has findings
    if themed:
        for area in tree.css("article, .md-copyright__highlight"):
            content_ids.update(n.mem_id for n in area.traverse(include_text=False))
        # Zensical's theme puts its skip-link target, an empty <a id="__skip" tabindex="-1">, first in the
        # article; page content sits in main.html's wrapper <div>, so an editor cannot write this child.
        for skip in tree.css('article > a[id="__skip"]'):
            if not skip.text(deep=True).strip() and skip.child is None:
                content_ids.discard(skip.mem_id)
    for svg in tree.css("svg"):
        svg_ids.update(n.mem_id for n in svg.traverse(include_text=False))
    for node in tree.root.traverse(include_text=False):
        tag = (node.tag or "").lower()
        if not tag or tag.startswith(("-", "_", "!")):
            continue  # comments and the doctype
        attrs = dict(node.attributes)
        zone = "svg" if node.mem_id in svg_ids else "content" if (not themed or node.mem_id in content_ids) else "chrome"
        if tag in _DEPENDS_ON_PAGE:
            found = list(_element_findings(node, tag, attrs, zone, themed, script_ok, asset_ok))
        else:  # the same element on many pages (navigation, icons) is judged once
            found = _judged(zone, themed, tag, tuple(attrs.items()))
        if not found:
            continue
        element = signature(tag, attrs)
        never = refused(element) is not None  # no safe_exceptions entry may allow it (sources.safe_exceptions)
        if origins is None:
            origins = _origins(tree) if themed else {}
        # Attribute values and the start of the element's text tell similar tags apart.
        extra = tuple(v for v in attrs.values() if v and len(v) >= 4) + _text_needle(node)
        for f in found:
            yield Finding(f.code, f.message, f.needles + (f"<{tag}",) + extra, f.target, element, f.line,
                          origins.get(node.mem_id, ()), f.exceptable and not never)


# Elements whose verdict depends on the page (script text, URLs relative to the page's folder).
_DEPENDS_ON_PAGE = frozenset({"script", "link"})


@lru_cache(maxsize=65536)
def _judged(zone: str, themed: bool, tag: str, attrs: tuple) -> tuple[Finding, ...]:
    return tuple(_element_findings(None, tag, dict(attrs), zone, themed, None, None))


def _element_findings(node, tag, attrs, zone, themed, script_ok, asset_ok) -> Iterator[Finding]:
    if not themed and tag == "meta" and _plain_meta(attrs):
        return  # a static document may declare these
    if tag in policy.FORBIDDEN and not (tag == "script" and zone == "chrome"):
        yield Finding("SAFE004", f"<{tag}> is not allowed in published pages", (f"<{tag}",), tag)
        yield from _attribute_findings(zone, tag, attrs, names=False)  # never excepted, see output_safety
        return
    if not _tag_allowed(zone, tag):
        where = "in page content" if zone == "content" else "in a drawing" if zone == "svg" else "in the page"
        yield Finding("SAFE004", f"<{tag}> is not allowed {where}", (f"<{tag}",), tag)
        yield from _attribute_findings(zone, tag, attrs, names=False)
        return
    yield from _attribute_findings(zone, tag, attrs)
    if zone == "chrome":
        yield from _chrome_element_findings(tag, attrs, node, script_ok, asset_ok)


def _text_needle(node) -> tuple[str, ...]:
    text = (node.text(deep=True) or "").strip()[:40]
    return (text,) if len(text) >= 4 else ()


def _plain_meta(attrs: dict) -> bool:
    """<meta charset>, the viewport, or the security policy that the build writes into every HTML file."""
    names = {str(k).lower() for k in attrs}
    if names == {"charset"}:
        return True
    value = (attrs.get("name") or attrs.get("http-equiv") or "").strip().lower()
    return names in ({"name", "content"}, {"http-equiv", "content"}) and value in {"viewport", *policy.META_HTTP_EQUIV}


def svg_findings(text: str) -> Iterator[Finding]:
    """Findings for a standalone SVG file, parsed as the XML a browser reads it as (with line numbers)."""
    parser = expat.ParserCreate()
    data = text.encode("utf-8")
    found: list[Finding] = []

    def start(name, attrs):
        tag, line = name.lower(), parser.CurrentLineNumber
        element = signature(tag, attrs)
        if tag not in policy.SVG_TAGS:
            found.append(Finding("SAFE004", f"<{name}> is not allowed in a drawing", (f"<{name}",), tag, element, line))
            return
        start_tag = data[parser.CurrentByteIndex:data.find(b">", parser.CurrentByteIndex) + 1]
        for f in _attribute_findings("svg", tag, attrs):
            at = start_tag.lower().find(f.target.lower().encode("utf-8"))  # a tag may span lines: name the attribute's
            found.append(Finding(f.code, f.message, f.needles, f.target, element,
                                 line + (start_tag[:at].count(b"\n") if at > 0 else 0), exceptable=f.exceptable))

    def refuse(what):
        def handler(*_args):
            found.append(Finding("SAFE010", f"{what} in an SVG file", (), what, None, parser.CurrentLineNumber))
        return handler

    parser.StartElementHandler = start
    parser.ProcessingInstructionHandler = refuse("a processing instruction (<?...?>, e.g. a stylesheet)")
    parser.EntityDeclHandler = refuse("an entity declaration (<!ENTITY>)")
    parser.ExternalEntityRefHandler = refuse("an external entity")
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        found.append(Finding("SAFE010", f"the SVG file does not parse: {expat.errors.messages.get(exc.code, exc)}", (),
                             "parse", None, exc.lineno))
    return iter(found)
