"""One pass over the built site: parse each HTML page once and keep what the checks need."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from medsite.output import readability

_LEFTOVER = re.compile(r"\[@|\[\^|\{\{|\{%")


@dataclass
class Link:
    href: str
    has_name: bool
    in_content: bool
    has_href: bool = True  # False: an <a> in the content with no href that is no anchor target either


@dataclass
class Image:
    src: str
    alt: str | None
    caption: str  # text of the enclosing <figure>'s figcaption, if any


@dataclass
class HtmlPage:
    rel: str  # "site/about-ms/symptoms/index.html"
    url: str  # "about-ms/symptoms/"
    ids: set = field(default_factory=set)
    duplicate_ids: list = field(default_factory=list)  # ids given to more than one element, in page order
    links: list = field(default_factory=list)
    images: list = field(default_factory=list)
    leftovers: list = field(default_factory=list)
    article_text: str = ""  # the article's text as readers read it, code and marked citation errors left out
    h1: str = ""
    jsonld: list = field(default_factory=list)
    has_footer: bool = False
    has_disclosure: bool = False
    review_date: str | None = None  # <time datetime> of "Page last reviewed"
    body_text: str = ""  # the prose readers read through (readability.body_text)
    reader_texts: list = field(default_factory=list)  # (place, text) of everything else a reader sees; see _reader_texts
    first_load: list = field(default_factory=list)  # URLs the HTML makes a browser fetch at once (see _first_load)
    theme_images: list = field(default_factory=list)  # logo, favicon and other images outside the content (see _theme_images)


@dataclass
class SiteIndex:
    root: Path
    pages: dict  # rel -> HtmlPage
    files: set  # every file, as "site/..." paths
    resolved: dict = field(default_factory=dict)  # (folder, href) -> (target, fragment), see checks.links


def _accessible_name(node) -> bool:
    if (node.text(deep=True) or "").strip():
        return True
    if node.tag == "area" and (node.attributes.get("alt") or "").strip():  # an image map's area is named by its alt
        return True
    if (node.attributes.get("aria-label") or "").strip() or (node.attributes.get("title") or "").strip():
        return True
    return any((img.attributes.get("alt") or "").strip() for img in node.css("img"))


# Where readers see words: search results and social cards read these meta tags.
_META_TEXT = 'meta[name="description"], meta[property="og:title"], meta[property="og:description"], meta[name^="twitter:"]'
_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, td, th, dt, dd, figcaption, summary, blockquote, .admonition-title"
# Formatted references quote other people's titles ("... Regenerative Medicine ..."): not our wording.
_NOT_OUR_WORDS = ".footnote, .reference-entry, .csl-entry"


def _reader_texts(tree, article) -> list[tuple[str, str]]:
    """(place, text) for the title, meta descriptions, navigation, and the article's blocks and alt text."""
    out = []
    title = tree.css_first("title")
    if title is not None:
        out.append(("title", title.text()))
    for node in tree.css(_META_TEXT):
        out.append(("description", node.attributes.get("content") or ""))
    for node in tree.css("nav a, .md-header__topic"):  # menu labels come from mkdocs.yml
        out.append(("navigation", node.text(deep=True)))
    inside = {n.mem_id for n in article.css("*")} if article is not None else set()
    for node in tree.css("img[alt], [title], [aria-label]"):  # the theme's own: the same on every page, like the menu
        if node.mem_id not in inside and node.tag not in ("html", "head"):
            out.extend(("theme", node.attributes[attr]) for attr in ("alt", "title", "aria-label") if node.attributes.get(attr))
    if article is None:
        return out
    skip = {n.mem_id for sel in article.css(_NOT_OUR_WORDS) for n in [sel, *sel.css("*")]}
    for node in article.css(_BLOCKS):
        if node.mem_id not in skip:
            out.append(("heading" if node.tag in {"h1", "h2", "h3", "h4", "h5", "h6"} else "body", node.text(deep=True)))
    for node in article.css("img[alt], [title], [aria-label]"):
        if node.mem_id not in skip:
            for attr in ("alt", "title", "aria-label"):
                if node.attributes.get(attr):
                    out.append(("alt text" if attr == "alt" else f"{attr} attribute", node.attributes[attr]))
    return [(place, text) for place, text in out if text and text.strip()]


_SCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript"}
_FETCHED_RELS = {"stylesheet", "preload", "modulepreload"}


def _first_load(tree) -> list[str]:
    """URLs that the HTML itself makes a browser fetch before the reader does anything.

    Stylesheets (not alternate ones), preloads and module preloads, and every script
    loaded by URL, whether plain, async, defer or module: all are fetched while the
    page loads (async and defer change when a script runs, not whether it is fetched).
    Images are not included (IMG004 budgets them), nor anything a script fetches later.
    """
    urls = []
    for node in tree.css("link[href][rel], script[src]"):
        attrs = node.attributes
        if node.tag == "script":
            if (attrs.get("type") or "").strip().lower() in _SCRIPT_TYPES:
                urls.append(attrs.get("src") or "")
            continue
        rels = set((attrs.get("rel") or "").lower().split())
        if rels & _FETCHED_RELS and "alternate" not in rels:
            urls.append(attrs.get("href") or "")
    return [u for u in urls if u]


_LINKS = "a[href], area[href]"


def _links(tree, article) -> list[Link]:
    """Every <a>, <area> and <link> with an href, in that order; <link>s are not content and need no name.

    Then each <a> of the content with no href at all, unless it is a target (id or name): it looks
    like a link and goes nowhere.
    """
    content = {n.mem_id for n in article.css(_LINKS)} if article else set()
    links = [Link(node.attributes.get("href") or "", _accessible_name(node), node.mem_id in content)
             for node in tree.css(_LINKS)]
    links += [Link(node.attributes.get("href") or "", True, False) for node in tree.css("link[href]")]
    for node in article.css("a:not([href])") if article else []:
        if not (node.attributes.get("id") or node.attributes.get("name")):
            links.append(Link("", _accessible_name(node), True, has_href=False))
    return links


# Images the theme shows on every page (logo) and the icons browsers fetch (favicon): a typo in
# mkdocs.yml's theme.logo would publish a missing picture on every page.
_THEME_IMAGES = 'img, link[rel~="icon"][href], link[rel="apple-touch-icon"][href]'


def _theme_images(tree, article) -> list[str]:
    content = {n.mem_id for n in article.css("img")} if article else set()
    out = []
    for node in tree.css(_THEME_IMAGES):
        if node.mem_id in content:
            continue
        src = node.attributes.get("href" if node.tag == "link" else "src")
        if src is not None and src not in out:
            out.append(src)
    return out


def page_links(html: str) -> list[Link]:
    """The links of one page, as parse_page finds them (for callers that need nothing else)."""
    tree = LexborHTMLParser(html)
    return _links(tree, articles(tree))


class Articles:
    """Every <article> of a page, read as one: content that closed its article and opened another
    (SAFE022) is still read by every check, not only what sits in the first."""

    def __init__(self, nodes):
        self.nodes = list(nodes)

    def css(self, selector: str) -> list:
        seen, out = set(), []
        for article in self.nodes:
            for node in article.css(selector):
                if node.mem_id not in seen:  # an article inside another is read once
                    seen.add(node.mem_id)
                    out.append(node)
        return out

    def css_first(self, selector: str):
        return next(iter(self.css(selector)), None)

    def text(self, deep: bool = True, separator: str = "") -> str:
        outer = [a for a in self.nodes if not any(p.tag == "article" for p in _parents(a))]
        return separator.join(a.text(deep=deep, separator=separator) for a in outer)


def _parents(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def articles(tree) -> Articles | None:
    """The page's articles, or None when it has none."""
    nodes = tree.css("article")
    return Articles(nodes) if nodes else None


def parse_page(html: str, rel: str, url: str) -> HtmlPage:
    tree = LexborHTMLParser(html)
    page = HtmlPage(rel, url)
    page.first_load = _first_load(tree)  # before anything below removes nodes from the tree
    for node in tree.css("[id]"):
        id_ = node.attributes.get("id")
        if id_ in page.ids and id_ not in page.duplicate_ids:
            page.duplicate_ids.append(id_)
        page.ids.add(id_)
    for node in tree.css("a[name]"):
        page.ids.add(node.attributes.get("name"))
    article = articles(tree)
    page.links = _links(tree, article)
    page.theme_images = _theme_images(tree, article)
    for node in article.css("img") if article else []:  # content images; the theme's logo is not editors' work
        figure = node.parent
        while figure is not None and figure.tag not in ("figure", "body"):
            figure = figure.parent
        caption = ""
        if figure is not None and figure.tag == "figure":
            cap = figure.css_first("figcaption")
            caption = cap.text(deep=True) if cap else ""
        page.images.append(Image(node.attributes.get("src") or "", node.attributes.get("alt"), caption))  # "" when absent
    if article:
        # Code is not read as text; an unknown citation key is marked in the page (mark.cite-error)
        # and reported once, as REF001 at its own line, not again as unrendered '[@'.
        # An escaped '@' (span.cite-escaped, from `\\@`) was meant as text: not citation syntax.
        for node in article.css("pre, code, script, style, mark.cite-error, span.cite-escaped"):
            node.decompose()
        page.reader_texts = _reader_texts(tree, article)
        text = article.text(deep=True)
        page.article_text = text
        page.leftovers = sorted(set(_LEFTOVER.findall(text)))
        h1 = article.css_first("h1")
        page.h1 = h1.text(deep=True).replace("¶", "").strip() if h1 else ""
        footer = article.css_first(".health-footer")
        page.has_footer = footer is not None
        page.has_disclosure = article.css_first(".health-footer__disclosure") is not None
        time = article.css_first(".health-footer__dates time")
        page.review_date = time.attributes.get("datetime") if time else None
        page.body_text = readability.body_text(article)  # last: it removes the parts that are not body text
    page.jsonld = [n.text() for n in tree.css('script[type="application/ld+json"]')]
    return page


def _parse_files(site_dir: str, subs: list[str]) -> list[HtmlPage]:
    out = []
    for sub in subs:
        html = (Path(site_dir) / sub).read_text(encoding="utf-8", errors="replace")
        name = sub.rpartition("/")[2]
        url = sub[: -len("index.html")] if name == "index.html" else sub
        out.append(parse_page(html, f"site/{sub}", url))
    return out


def _site_files(site_dir: Path) -> list[str]:
    """Every file under site_dir, as sorted paths relative to it."""
    return sorted((Path(dirpath) / name).relative_to(site_dir).as_posix()
                  for dirpath, _, filenames in os.walk(site_dir) for name in filenames)


def html_files(site_dir: Path) -> list[str]:
    """The HTML pages under site_dir, as sorted paths relative to it."""
    return [sub for sub in _site_files(site_dir) if sub.endswith(".html")]


def index_site(site_dir: Path) -> SiteIndex:
    """Parse every HTML page once.

    Pages are named "site/..." even when checked in the staging folder, so
    messages name the place the page will be published to.
    """
    subs = _site_files(site_dir)
    parsed = _parse_files(str(site_dir), [sub for sub in subs if sub.endswith(".html")])
    return SiteIndex(site_dir, {page.rel: page for page in parsed}, {f"site/{sub}" for sub in subs})
