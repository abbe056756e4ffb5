"""SAFE022: every built page has exactly the structure the templates make; content cannot leave its place.

overrides/main.html puts a page's content inside one wrapper, `<div data-pagefind-body>`, inside the
one `<article>`, and the review block with the disclosure (`aside.health-footer`) after it, as the
article's own child. Raw HTML in a page can close elements it did not open (`</div></article>`):
then what follows lands outside the article, where the theme's rules apply, or the review block ends
up inside an element the content opened (a closed `<details>`), where readers never see it. The
parsed page (parsed as browsers parse it) must therefore have one article, one wrapper as its child,
and on content pages one review block and one disclosure exactly where the templates put them.
"""

from __future__ import annotations

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check
from medsite.gate.checks.source_map import find_first
from medsite.sources.pagemeta import PageMeta

_FOOTER = ('<aside class="health-footer"><p class="health-footer__dates">Page last reviewed: '
           '<time datetime="2026-11-25">25 November 2026</time>.</p>'
           '<p class="health-footer__disclosure">Disclosure.</p></aside>')
_PAGE = ('<html><head><script type="application/ld+json">{"@type":"MedicalWebPage","name":"A page",'
         '"lastReviewed":"2026-11-25"}</script></head><body><article><div data-pagefind-body>'
         '<h1 id="a-page">A page</h1>{content}</div>' + _FOOTER + '</article></body></html>')

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE022", ERROR,
         what="A built page does not have the structure the templates make: its content closed the article or its wrapper, or the review block or disclosure is missing, repeated, or inside an element the content opened (a <details>, say).",
         why="Readers must always see who reviewed the page and that the publisher sells the treatments it describes; content that escapes its place can hide that, or reach parts of the page where other rules apply.",
         fix="Close every HTML element the page opens, and close none it did not open (no </div>, </article> or unclosed <details> in a page).",
         where="site/page/index.html",
         bad=_PAGE.replace("{content}", "<p>Text.</p></div><details><summary>More</summary><div>"),
         good=_PAGE.replace("{content}", "<p>Text.</p><details><summary>More</summary><p>More text.</p></details>")),
)

# Elements that keep what is inside them from readers (closed, or never rendered).
_HIDING_ANCESTORS = frozenset({"details", "dialog", "template", "noscript", "select", "textarea", "object"})
# Needles for the source line: markup that closes or opens what the template owns, most telling first.
_NEEDLES = ("</article", "</div", "<details", "health-footer", "</aside", "<article", "<aside")


def _ancestors(node):
    node = node.parent
    while node is not None and node.tag not in ("html", "-document"):
        yield node
        node = node.parent


def problems(html: str, *, content_page: bool) -> list[str]:
    """What is wrong with one page's structure (empty when it is as the templates make it)."""
    tree = LexborHTMLParser(html)
    articles = tree.css("article")
    if len(articles) != 1:
        return [f"the page has {len(articles)} <article> elements, not 1 (its content closed or opened one)"]
    article = articles[0]
    out = []
    wrappers = tree.css("[data-pagefind-body]")
    if len(wrappers) != 1 or wrappers[0].parent is None or wrappers[0].parent.mem_id != article.mem_id:
        out.append("the content's wrapper (<div data-pagefind-body>) is not the article's own, single child "
                   "(the content closed it)")
    if not content_page:
        return out
    for selector, name, parent in ((".health-footer", "review block", article),
                                   (".health-footer__disclosure", "disclosure", None),
                                   (".health-footer__dates", "line of review dates", None)):
        found = tree.css(selector)
        if len(found) != 1:
            out.append(f"{name}: {len(found)} on the page, not 1")
            continue
        node = found[0]
        if parent is not None and (node.parent is None or node.parent.mem_id != parent.mem_id):
            out.append(f"the {name} is not the article's own child (it sits inside <{node.parent.tag if node.parent else '?'}>, "
                       "which the content opened)")
        elif parent is None and (node.parent is None or "health-footer" not in (node.parent.attributes.get("class") or "").split()):
            out.append(f"the {name} is not inside the review block")
        hidden = next((a for a in _ancestors(node) if a.tag in _HIDING_ANCESTORS or "hidden" in a.attributes), None)
        if hidden is not None:
            out.append(f"the {name} is inside <{hidden.tag}>, where readers may never see it")
    footer = tree.css_first(".health-footer")
    if footer is not None and wrappers and len(wrappers) == 1:
        order = [n.mem_id for n in article.iter(include_text=False)]
        if wrappers[0].mem_id in order and footer.mem_id in order and order.index(footer.mem_id) < order.index(wrappers[0].mem_id):
            out.append("the review block comes before the content")
    return list(dict.fromkeys(out))


@gate_check(stage=SITE)
def check(project):
    site_dir = Path(project.site_dir) if project.site_dir else None
    if site_dir is None:
        return
    for page, source_page in project.built_pages():
        if source_page is None or source_page.page is None:
            continue
        meta = PageMeta.from_meta(source_page.page.meta)
        content_page = meta.is_content and meta.last_reviewed is not None and meta.next_review_due is not None
        try:
            html = (site_dir / page.rel.removeprefix("site/")).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for problem in problems(html, content_page=content_page):
            yield Diagnostic("SAFE022", problem, page.rel,
                             source=find_first(source_page, _NEEDLES) or Location(source_page.rel, 1),
                             hint=RULES["SAFE022"].fix)
