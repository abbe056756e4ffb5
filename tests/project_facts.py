"""What tests need to know about today's pages and bibliography, read from the project when they run.

Tests that inspect the real site pick their page, citation key or entry here, by what it is (a
condition page, a work the page cites twice, an entry with a DOI and a PMID), never by today's file
name, key or wording: editors can rename, rewrite and re-cite without breaking a test.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from medsite.markdown import citations, referencespage
from medsite.sources import bibliography, frontmatter
from medsite.sources.pagemeta import PageMeta
from medsite.sources.pageurls import page_url
from medsite.sources.settings import read_mkdocs

ROOT = Path(__file__).resolve().parents[1]
BIBLIOGRAPHY = "docs/references.yaml"


def _nav_pages(nav) -> list[str]:
    out = []
    for item in nav:
        value = list(item.values())[0] if isinstance(item, dict) else item
        out.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return out


MKDOCS = read_mkdocs(ROOT / "mkdocs.yml")[0]
NAV = _nav_pages(MKDOCS["nav"])


@cache
def bib() -> bibliography.Bibliography:
    return bibliography.load(BIBLIOGRAPHY, ROOT)


@dataclass(frozen=True)
class Page:
    uri: str  # "about-ms/causes.md"
    meta: PageMeta
    body: str
    body_line: int

    @property
    def rel(self) -> str:
        return f"docs/{self.uri}"

    @property
    def url(self) -> str:
        """The page's URL path as the site links it: "about-ms/causes/" ("" for the home page)."""
        return page_url(self.uri)

    @property
    def cites(self) -> list[citations.Cite]:
        """Citations in reading order (code left out), with their file lines."""
        return [c for g in citations.find(self.body, first_line=self.body_line) for c in g.cites]

    @property
    def cited_keys(self) -> list[str]:
        return list(dict.fromkeys(c.key for c in self.cites))


@cache
def pages() -> tuple[Page, ...]:
    """Every page in the navigation, in its order."""
    out = []
    for uri in NAV:
        parsed = frontmatter.read(ROOT / "docs" / uri, uri)
        out.append(Page(uri, PageMeta.from_meta(parsed.meta), parsed.body, parsed.body_line))
    return tuple(out)


def content_pages(*page_types: str) -> list[Page]:
    """Content pages (review block, JSON-LD), optionally only those of the given page_types."""
    return [p for p in pages() if p.meta.is_content and (not page_types or p.meta.page_type in page_types)]


def first(items, what: str):
    """The first item; a project without one cannot run the test, and says so."""
    for item in items:
        return item
    raise AssertionError(f"the project has no {what}: the test needs one")


def page(uri: str) -> Page:
    return first((p for p in pages() if p.uri == uri), f"page {uri}")


def editable_page() -> Page:
    """A condition page that cites at least two works and has a second-level heading: tests add to it or break it."""
    return first((p for p in content_pages("condition") if len(p.cited_keys) >= 2 and "\n## " in p.body),
                 "condition page citing two works, with a ## heading")


def line_of(page: Page, text: str) -> int:
    """The file line (front matter counted) where `text` first occurs in the page."""
    source = (ROOT / page.rel).read_text(encoding="utf-8")
    return source[: source.index(text)].count("\n") + 1


def cited_twice() -> tuple[Page, str]:
    """(page, key): the first content page that cites one work at least twice."""
    return first(((p, key) for p in content_pages() for key in p.cited_keys
                  if sum(c.key == key for c in p.cites) >= 2), "page citing a work twice")


def entry_with(*fields: str) -> bibliography.Entry:
    """The first cited bibliography entry that has all these CSL fields ("DOI", "PMID", "issue", ...)."""
    cited = {key for p in content_pages() for key in p.cited_keys}
    return first((e for e in bib().entries if e.id in cited and all(e.csl.get(f) not in (None, "") for f in fields)),
                 f"cited entry with {', '.join(fields)}")


def references_page() -> Page:
    """The page where the build lists every cited work (its body holds the bibliography marker)."""
    return first((p for p in pages() if referencespage.MARKER in p.body), "references page")


def home_page() -> Page:
    return page("index.md")


def links_in(page: Page) -> list[str]:
    """Docs-relative paths of the pages a page links to in Markdown (`[text](other.md)`), in order."""
    targets = re.findall(r"\]\(([^)\s#]+\.md)(?:#[^)]*)?\)", page.body)
    return [posixpath.normpath(posixpath.join(posixpath.dirname(page.uri), t)) for t in targets]


def figure_page_linked_from_home() -> Page:
    """A content page with an image, that the home page links to."""
    linked = set(links_in(home_page()))
    return first((p for p in content_pages() if p.uri in linked and re.search(r"!\[|<img\b", p.body)),
                 "content page with an image, linked from the home page")


def snippets(page: Page) -> list[str]:
    """The includes/ files a page pulls in (`--8<-- "name.md"` lines), in order."""
    return re.findall(r'^--8<-- "([^"]+)"', page.body, re.M)


def lone_citation(*page_types: str, with_snippet: bool = False) -> tuple[Page, str]:
    """(page, key): the first content page (of these page_types; with a snippet, if asked) with a
    citation written alone, `[@key]`."""
    return first(((p, k) for p in content_pages(*page_types) if snippets(p) or not with_snippet
                  for k in p.cited_keys if f"[@{k}]" in p.body),
                 "content page with a lone citation" + (" and a snippet" if with_snippet else ""))


def citing_page(key: str) -> Page:
    return first((p for p in content_pages() if key in p.cited_keys), f"page citing {key}")


def misspelt(key: str) -> str:
    """A key one letter away from `key`, not in the bibliography, whose closest known key is `key`."""
    known = list(bib().by_id)
    for i in range(len(key) - 1, -1, -1):
        for letter in "0123456789qxz":
            typo = key[:i] + letter + key[i + 1:]
            if typo not in known and difflib.get_close_matches(typo, known, n=1) == [key]:
                return typo
    raise AssertionError(f"no misspelling of {key} is closest to it")


def entry_block(key: str) -> str:
    """The entry's lines as written in the bibliography, from its `- id:` line up to the next entry."""
    text = (ROOT / BIBLIOGRAPHY).read_text(encoding="utf-8")
    start = text.index(f"- id: {key}\n")
    end = text.find("\n- id: ", start + 1)
    return text[start: end + 1 if end >= 0 else len(text)]


def person_authored_article() -> str:
    """The key of the first entry written as `type: article-journal` then an `author:` list of people."""
    return first((e.id for e in bib().entries
                  if entry_block(e.id).startswith(f"- id: {e.id}\n  type: article-journal\n  author:\n  - family:")),
                 "journal article with personal authors")


def simply_named_entry() -> bibliography.Entry:
    """The first entry with one to six authors, each a one-word family name and initials ("Reich DS"),
    a title, a journal and a year written as date-parts: its authors can be written on one line."""
    def simple(author: dict) -> bool:
        return set(author) == {"family", "given"} and author["family"].isalpha() and author["given"].isupper() \
            and author["given"].isalpha()
    return first((e for e in bib().entries
                  if 1 <= len(e.csl.get("author") or []) <= 6 and all(simple(a) for a in e.csl["author"])
                  and e.title and e.csl.get("container-title") and "date-parts" in (e.csl.get("issued") or {})
                  and "  author:\n  - family:" in entry_block(e.id)),
                 "entry with up to six simply named authors")


def author_lines(key: str) -> str:
    """The entry's `author:` list exactly as written (the key line and every name line)."""
    block = entry_block(key)
    start = block.index("  author:\n")
    lines = block[start:].splitlines(keepends=True)
    end = 1 + next((i for i, line in enumerate(lines[1:]) if not line.startswith(("  - ", "    "))), len(lines) - 1)
    return "".join(lines[:end])


def fragment_link() -> tuple[Page, str, str]:
    """(page, target, anchor): the first link with an #anchor to another page, `[text](target.md#anchor)`."""
    return first(((p, m.group(1), m.group(2)) for p in content_pages()
                  for m in re.finditer(r"\]\(([^)\s#]+\.md)#([a-z0-9-]{6,})\)", p.body)), "link to another page's anchor")


def figure() -> tuple[Page, str, str, str]:
    """(page, the <figure markdown> block as written, its image's alt text, its image's src): the first content figure."""
    for p in content_pages():
        m = re.search(r"<figure markdown>\n!\[([^\]]+)\]\(([^)\s]+)\).*?</figure>", p.body, re.S)
        if m:
            return p, m.group(0), m.group(1), m.group(2)
    raise AssertionError("the project has no content page with a <figure markdown> image: the test needs one")


def relative(from_uri: str, to_path: str) -> str:
    """A docs-relative path written as a link from the page `from_uri` (Markdown links are file-relative)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_uri) or ".")
