"""What the published site may contain: elements, attributes and URL schemes, and nothing else.

Two areas of an HTML page have two policies:

- **Content** (the ``<article>`` that rendered Markdown fills, and the footer's copyright line, which
  mkdocs.yml fills): nh3's defaults (``nh3.ALLOWED_TAGS`` / ``ALLOWED_ATTRIBUTES``, the policy of the
  maintained sanitizer ammonia) plus the short list below, each with its reason.
- **Chrome** (everything else: Material's header, navigation, search, footer and <head>): what the
  theme's templates and our overrides emit, which is a fixed, small vocabulary.

Some things are never allowed anywhere, whatever the area: event-handler attributes, ``style``,
URLs whose scheme runs code, and the elements in ``FORBIDDEN``.
"""

from __future__ import annotations

import re

import nh3

# --- Content: nh3's policy, extended --------------------------------------------------------------

# Why each addition to nh3's tags:
CONTENT_EXTRA_TAGS = {
    "svg": "Material inlines its icons as SVG (the 'edit this page' button sits inside the article); "
           "inside an <svg> the drawing policy below applies",
}
CONTENT_TAGS = frozenset(nh3.ALLOWED_TAGS) | frozenset(CONTENT_EXTRA_TAGS)

# Attributes allowed on every content element, with the reason (nh3 allows none on every element).
CONTENT_GLOBAL_ATTRS = {
    "class": "Markdown extensions mark admonitions, footnotes, headerlinks and details by class; Material styles them",
    "id": "heading anchors, footnote targets and {#id} attribute lists that links point to",
    "title": "abbreviation meanings (abbr), 'Link to this section', footnote back-links",
    "lang": "marks a phrase in another language for screen readers",
    "aria-label": "accessible names (our review box, Material's icon buttons)",
    "aria-labelledby": "accessible names from visible text (figures)",
    "aria-describedby": "accessible descriptions (figures)",
    "aria-hidden": "hides decorative icons from screen readers",
}

# Per-element additions to nh3.ALLOWED_ATTRIBUTES, with the reason.
CONTENT_EXTRA_ATTRS = {
    ("a", "rel"): "footnote and edit links carry rel (nh3 itself writes rel on links)",
    ("details", "open"): "pymdownx.details '???+' opens a section by default",
    ("time", "datetime"): "machine-readable review dates in our review box",
    ("img", "title"): "tooltips on figures",
    ("img", "loading"): "lazy loading of figures",
    ("div", "data-search-exclude"): "keeps each page's reference list out of the search index (our hook)",
    ("div", "data-pagefind-ignore"): "the same for Pagefind, which builds the site's search index (search_index.py)",
    ("div", "data-pagefind-body"): "marks the page's own text for Pagefind's index (overrides/main.html)",
}


def _content_attrs() -> dict[str, frozenset]:
    out: dict[str, set] = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, attr in CONTENT_EXTRA_ATTRS:
        out.setdefault(tag, set()).add(attr)
    return {tag: frozenset(attrs) for tag, attrs in out.items()}


CONTENT_ATTRS = _content_attrs()

# Schemes a link or image may use. nh3's list, narrowed to what a health site links to: web pages,
# e-mail and telephone (ssh:, magnet:, bitcoin: ... have no place here). Relative URLs are always fine.
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"}) & frozenset(nh3.ALLOWED_URL_SCHEMES)

# Attributes that hold a URL (and so a scheme) in HTML and SVG.
URL_ATTRS = frozenset({"href", "src", "cite", "action", "formaction", "xlink:href", "poster", "data", "background",
                       "longdesc", "usemap", "ping", "codebase", "manifest", "srcset", "lowsrc", "dynsrc"})

# --- Inline SVG and SVG files ----------------------------------------------------------------------

# A drawing vocabulary: shapes, text, gradients, no scripting, no links out, no foreign content.
SVG_TAGS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title", "desc",
    "defs", "lineargradient", "radialgradient", "stop", "clippath", "mask", "pattern", "marker", "symbol", "use",
})
SVG_ATTRS = frozenset({
    "id", "class", "role", "lang", "xml:lang", "xml:space", "viewbox", "xmlns", "xmlns:xlink", "version", "width", "height",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "transform", "fill",
    "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "stroke-miterlimit", "opacity", "font-family", "font-size", "font-weight",
    "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "offset", "stop-color", "stop-opacity",
    "gradientunits", "gradienttransform", "clip-path", "clip-rule", "mask", "marker-start", "marker-mid", "marker-end",
    "markerwidth", "markerheight", "refx", "refy", "orient", "markerunits", "patternunits", "preserveaspectratio", "dx",
    "dy", "rotate", "visibility", "display", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden",
    "focusable", "href", "xlink:href",
})
# <use href> may only point inside the same drawing.
SVG_LOCAL_HREF = re.compile(r"^#[\w.:-]+$")

# --- Chrome: what Material and our overrides emit outside the article ------------------------------

CHROME_TAGS = CONTENT_TAGS | {"html", "head", "body", "title", "meta", "link", "script", "main", "form", "input",
                              "label", "button"}
# A page or a static HTML file from docs/ always has these, whichever area policy applies.
DOCUMENT_TAGS = frozenset({"html", "head", "body", "title"})
CHROME_GLOBAL_ATTRS = frozenset({"class", "id", "title", "hidden", "tabindex", "role", "lang", "dir", "for", "name", "type"})
CHROME_ATTR_PREFIXES = ("aria-", "data-md-")  # accessibility, and the hooks Material's script binds to
CHROME_ATTRS = {
    "a": {"href", "rel", "hreflang", "target"},  # target: Material's "Made with" link (extra.generator)
    "img": {"src", "alt", "width", "height"},
    "input": {"autocapitalize", "autocomplete", "autocorrect", "checked", "placeholder", "required", "spellcheck",
              "value", "disabled"},
    "link": {"href", "rel", "sizes", "media", "hreflang"},
    "meta": {"charset", "content", "name", "property", "http-equiv"},
    "script": {"src", "id"},
    "time": {"datetime"},
    "ol": {"start"},
    "button": {"data-site-search"},  # the header's search button, which loads search on first use
}
# Not "referrer": a page must not loosen the site-wide no-referrer policy that keeps readers' health reading private.
META_NAMES = frozenset({"viewport", "description", "author", "generator", "robots", "theme-color", "color-scheme"})
META_PROPERTY = re.compile(r"^og:[a-z_:]+$")
META_HTTP_EQUIV = frozenset({"content-security-policy"})  # refresh and set-cookie are never allowed
# <link rel> values that only describe the page; any other (import, preload, prefetch...) fetches or runs.
LINK_RELS = frozenset({"stylesheet", "icon", "canonical", "prev", "next", "alternate", "manifest", "apple-touch-icon",
                       "author", "license", "search", "sitemap"})
LINK_RELS_SAME_SITE = frozenset({"stylesheet", "icon", "manifest", "apple-touch-icon"})  # these are fetched
# The forms Material writes: the colour-scheme switch and the search box. Neither has an action;
# they never submit anywhere.
CHROME_FORM_CLASSES = frozenset({"md-search__form", "md-header__option"})
# Non-executed <script> types that the templates use: Material's config and our JSON-LD.
DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})

# Never allowed, in any area, whatever an exception says about other markup.
FORBIDDEN = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
                       "math", "foreignobject", "animate", "set", "animatetransform", "animatemotion", "handler",
                       "listener", "xml", "import", "noembed", "param", "template", "slot"})

# Files a browser renders as documents or runs: checked element by element, or only allowed from the theme.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml"})
SVG_SUFFIXES = frozenset({".svg"})
# Static files that editors may put under docs/: images, the stylesheet, robots.txt. Anything else
# (scripts, WebAssembly, XML and XSL, PDFs, archives...) is refused.
DOCS_STATIC_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".css", ".txt"})
