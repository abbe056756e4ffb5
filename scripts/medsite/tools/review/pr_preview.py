"""`make pr-preview`: the pages a pull request changes, as ONE self-contained HTML file.

GitHub can show a single, unzipped artifact file in the browser (upload-artifact
v7 with `archive: false`), but only a simple one: no links to other files. So
the changed pages' articles are put into one file with the site's own CSS
inlined and pictures as data: URIs; links between included pages jump within
the file, other links go to the published site. Scripts and event handlers
never get in (nh3 allowlist). A banner at the top says that this is a preview,
not published, and whether the checks passed; each page shows its errors.

Built also for a failing build: MkDocs writes every page before --strict
stops it, so the staging folder holds the pages to look at.
"""

from __future__ import annotations

import argparse
import base64
import html
import mimetypes
import posixpath
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nh3
from selectolax.lexbor import LexborHTMLParser

from medsite.core.diagnostics import Severity
from medsite.tools.review.comment import _display, load_diagnostics
from medsite.tools.review.event import EventError, from_env
from medsite.tools.serve_findings import problems_box
from medsite.verify.services import ConfigError, read_mkdocs

MAX_IMAGE = 512 * 1024
TAGS = {"a", "abbr", "aside", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl",
        "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul"}
ATTRIBUTES = {"*": {"class", "id", "title", "lang", "dir", "role"}, "a": {"href"},
              "img": {"src", "alt", "width", "height"}, "time": {"datetime"}, "td": {"colspan", "rowspan"},
              "th": {"colspan", "rowspan", "scope"}, "details": {"open"}, "ol": {"start"}}


def built_dir(candidates: list[str]) -> Path | None:
    """The first folder that holds a built site: the staging folder after a failed build, else site/."""
    for c in candidates:
        if (Path(c) / "index.html").is_file():
            return Path(c)
    return None


def html_path(doc: str) -> str:
    """Where MkDocs writes docs/<doc> (use_directory_urls)."""
    stem = doc[: -len(".md")]
    return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


def changed_pages(base_sha: str | None, docs: str = "docs") -> list[str]:
    """Pages (relative to docs/) the pull request adds or changes, from git; [] when git cannot say."""
    if not base_sha:
        return []
    for spec in (f"{base_sha}...HEAD", f"{base_sha}..HEAD"):
        proc = subprocess.run(["git", "diff", "--name-only", "--diff-filter=AMR", spec, "--", docs],
                              capture_output=True, text=True)
        if proc.returncode == 0:
            return sorted(p[len(docs) + 1:] for p in proc.stdout.split() if p.endswith(".md"))
    return []


def _anchor(doc: str) -> str:
    return "page-" + "".join(c if c.isalnum() else "-" for c in doc[: -len(".md")])


def _data_uri(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) > MAX_IMAGE:
        return None
    kind = "image/svg+xml" if path.suffix == ".svg" else (mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _only_images_get_data(tag: str, attr: str, value: str) -> str | None:
    if value.strip().lower().startswith("data:") and not (tag == "img" and attr == "src"):
        return None
    return value


def _article(site: Path, page_html: str, included: dict[str, str], site_url: str | None) -> tuple[str, str]:
    """(title, clean article HTML) of one built page, self-contained."""
    tree = LexborHTMLParser((site / page_html).read_text(encoding="utf-8"))
    article = tree.css_first("article") or tree.body
    for permalink in article.css("a.headerlink"):  # the ¶ after each heading: no use in a preview
        permalink.decompose()
    h1 = article.css_first("h1")
    title = " ".join(h1.text().split()) if h1 else page_html
    here = posixpath.dirname(page_html)
    for img in article.css("img"):
        src = img.attributes.get("src") or ""
        if src and not urlsplit(src).scheme and not src.startswith("//"):
            uri = _data_uri(site / posixpath.normpath(posixpath.join(here, src.split("#")[0])))
            if uri:
                img.attrs["src"] = uri
    for a in article.css("a"):
        href = a.attributes.get("href") or ""
        parts = urlsplit(href)
        if not href or parts.scheme or href.startswith(("//", "#")):
            continue
        target = posixpath.normpath(posixpath.join(here, parts.path))
        target = posixpath.join(target, "index.html") if not target.endswith(".html") else target
        if target in included:
            a.attrs["href"] = f"#{included[target]}"
        elif site_url:
            a.attrs["href"] = urljoin(site_url, posixpath.normpath(posixpath.join(here, href)))
        else:
            del a.attrs["href"]
    clean = nh3.clean(article.html or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes={"https", "http", "mailto", "data"},
                      attribute_filter=_only_images_get_data, link_rel="noopener noreferrer")
    return title, clean


def _css(site: Path) -> str:
    parts = sorted((site / "assets" / "stylesheets").glob("*.css")) + [site / "assets" / "site.css"]
    return "\n".join(p.read_text(encoding="utf-8") for p in parts if p.is_file())  # made safe by render()


def inline_css(css: str) -> str:
    """CSS safe to put inside <style>: no `</` at all, so no end tag in any case or spelling
    (`</STYLE>`, `</style/`) can close the element and start markup. `<\\/` means the same in a CSS
    string and nothing in a comment; outside those, `<` is not CSS."""
    return css.replace("</", "<\\/")


_BANNER_CSS = """
.pr-banner{position:sticky;top:0;z-index:10;padding:.8rem 1.2rem;font:600 1rem/1.4 system-ui,sans-serif;
  background:#b71c1c;color:#fff}
.pr-banner.passed{background:#33691e}
.pr-banner a{color:#fff;text-decoration:underline}
.pr-page{border-top:4px solid #999;margin-top:2rem;padding-top:1rem}
"""


def render(pages: list[tuple[str, str, str, list]], *, number: int | None, passed: bool, css: str, note: str = "") -> str:
    """pages: (anchor, title, article HTML, [its problems, as `make serve` lists them]) in order."""
    status = "the checks passed" if passed else "the checks FAILED"
    label = f"pull request #{number}" if number else "this change"
    toc = "".join(f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t, _, _ in pages)
    body = []
    for anchor, _title, article, errors in pages:
        problems = problems_box(errors) if errors else ""  # the box `make serve` shows at the top of the page
        body.append(f'<section class="pr-page" id="{html.escape(anchor)}">{problems}'
                    f'<article class="md-content__inner md-typeset">{article}</article></section>')
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<meta name=\"robots\" content=\"noindex\"><title>Preview of {html.escape(label)}: not published</title>"
        f"<style>{inline_css(css)}{_BANNER_CSS}</style></head><body>"
        f'<div class="pr-banner{" passed" if passed else ""}" role="alert">PREVIEW of {html.escape(label)}: NOT PUBLISHED. '
        f"This is how the changed pages would look; {status}.</div>"
        "<div class=\"md-container\"><main class=\"md-main\"><div class=\"md-main__inner md-grid\">"
        "<div class=\"md-content\"><div class=\"md-content__inner md-typeset\">"
        f"<p><strong>Pages in this preview:</strong></p><ul>{toc}</ul>{note}</div>"
        + "".join(body)
        + "</div></div></main></div></body></html>\n"
    )


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="make pr-preview", description=__doc__.splitlines()[0])
    p.add_argument("--site-dir", action="append", default=None,
                   help="built site to take pages from; the first that exists wins (default: the refused build .site-builds/rejected, then site)")
    p.add_argument("--diagnostics", default="gate.json")
    p.add_argument("--output", default="preview.html")
    p.add_argument("--page", action="append", default=[], metavar="DOC",
                   help="a page to include, relative to docs/ (default: the pages the pull request changes)")
    args = p.parse_args(argv)
    site = built_dir(args.site_dir or [".site-builds/rejected", "site"])
    try:
        pr = from_env()
        number, base = pr.number, pr.base_sha
    except EventError:
        number, base = None, None  # run by hand: preview the home page
    try:
        site_url = read_mkdocs("mkdocs.yml").site_url
    except ConfigError:
        site_url = None
    found = load_diagnostics(args.diagnostics)
    errors = [d for d in found or [] if d.severity is Severity.ERROR]
    shown = _display(found) or []  # warnings nobody on the page can act on stay folded, as in `make serve`
    passed = found is not None and not errors and site is not None
    if site is None:
        note = "<p>MkDocs could not build any page: see the errors in the pull-request comment.</p>"
        Path(args.output).write_text(render([], number=number, passed=False, css=_BANNER_CSS, note=note), encoding="utf-8")
        print(f"pr-preview: no built pages; wrote {args.output} with the banner only")
        return 0
    docs = [d for d in (args.page or changed_pages(base)) if (site / html_path(d)).is_file()] or ["index.md"]
    included = {html_path(d): _anchor(d) for d in docs}
    pages = []
    for doc in docs:
        title, article = _article(site, html_path(doc), included, site_url)
        mine = [d for d in shown if d.where_to_edit.path in (f"docs/{doc}", f"site/{html_path(doc)}")]
        pages.append((included[html_path(doc)], title, article, mine))
    Path(args.output).write_text(render(pages, number=number, passed=passed, css=_css(site)), encoding="utf-8")
    print(f"pr-preview: wrote {args.output} with {len(pages)} page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
