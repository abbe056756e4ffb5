"""EVID001 on the built pages: words to avoid that reach readers by a way the Markdown check cannot see.

The source check (evidence.py) reports words in a page's Markdown and
snippets with their line. This check reads what the browser shows: the
<title>, the descriptions that search results and social cards show, menu
labels, headings, alt and title text and the body, and reports only words the
source check did not already report for that page, such as words from
mkdocs.yml, a template, or markup that splits a word ("cu<b>re</b>"), and the
titles, alt and aria-label text of the theme around the article (once for the site).
It reads the search index too (Pagefind's fragments, medsite.output.search_index):
what search shows for a page that the page does not have. Static .html files copied
from docs/ are checked at their own lines by textfiles.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.readertext import reader_text
from medsite.core.rule import SITE, gate_check
from medsite.core.wording import find_all, mentions_any, tokens
from medsite.gate.checks.evidence import word_diagnostics
from medsite.gate.checks.prose import SENTENCE_END, clean
from medsite.output import search_index


def _reported_in_sources(project, families) -> dict[str, set[str]]:
    """Words (lower case) the source check reports, per page rel; snippets (on many pages) under the key ''."""
    found: dict[str, set[str]] = {"": set()}
    for key, sources in ((None, project.pages), ("", project.includes)):
        for source in sources:
            if source.page:
                words = {d.target.lower() for d in word_diagnostics(source, families)}
                found.setdefault(source.rel if key is None else key, set()).update(words)
    return found


def _source_line(source, word: str) -> Location | None:
    if source is None or source.page is None:
        return None
    for key in ("title", "description"):
        value = source.page.meta.get(key)
        if isinstance(value, str) and word.lower() in reader_text(value).lower():
            return Location(source.rel, source.page.line_of(key))
    stems = [t[0] for t in tokens(word)]
    for line_no, text in source.prose_lines():
        line_stems = [t[0] for t in tokens(clean(text))]
        if any(line_stems[i:i + len(stems)] == stems for i in range(len(line_stems) - len(stems) + 1)):
            return Location(source.rel, line_no)
    return None


@gate_check(stage=SITE)
def check(project):
    site = project.site
    families = project.config.get("words_to_avoid") or []
    if site is None or not families:
        return
    reported = _reported_in_sources(project, families)
    menu_seen = set()  # menu labels and the theme's own titles are on every page: report each word there once for the site
    found_in_page: dict[str, set[str]] = {}  # page URL -> words reported or excused for it, for the search index below
    docs = Path(project.docs_dir)
    for page in site.pages.values():
        source = project.page_by_html.get(page.rel)
        already = reported.get(source.rel if source else None, set()) | reported.get("", set())
        found_in_page[page.url] = already
        if source is None and (docs / page.rel.removeprefix("site/")).is_file():
            continue  # a static .html file copied from docs/: textfiles.py reports it at its own line
        page_seen = set()
        texts = [(place, reader_text(text, decode=False)) for place, text in page.reader_texts]  # invisible characters out
        if not mentions_any("\n".join(text for _, text in texts), families):  # most pages: one look
            continue
        for place, text in texts:
            seen = menu_seen if place in ("navigation", "theme") else page_seen
            for sentence in SENTENCE_END.split(text):
                for _family, word in find_all(sentence, families):
                    if word.lower() in already or (word.lower(), place) in seen:
                        continue
                    seen.add((word.lower(), place))
                    yield Diagnostic("EVID001", f"word to avoid '{word}' in the built page ({place}); the Markdown check did not see it "
                                     "(it may come from mkdocs.yml, a template, or markup inside the word)",
                                     page.rel, target=word, source=_source_line(source, word),
                                     hint="reword it where it is written; say what was studied, in whom, what it showed and what is unknown")
    yield from _search_index(project, families, site)


def _search_index(project, families, site):
    """Words to avoid that search shows but the page does not: from data-pagefind-meta, or indexed attributes.

    Words the page itself shows were reported above, or excused (a formatted reference quotes another's title),
    so a word counts here only when the page's HTML does not have it."""
    by_url = {"/" + page.url: page for page in site.pages.values()}
    for fragment, url, texts in search_index.indexed_texts(Path(site.root)):
        page = by_url.get(url)
        shown = None  # the page's own words: read only for a fragment that has a word to avoid (few do)
        source = project.page_by_html.get(page.rel) if page else None
        seen = set()
        for place, text in texts:
            text = reader_text(text, decode=False)
            if not mentions_any(text, families):
                continue
            for sentence in SENTENCE_END.split(text):
                for _family, word in find_all(sentence, families):
                    if shown is None:
                        shown = _page_words(Path(site.root), page.rel) if page else ""
                    if word.lower() in seen or re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", shown):
                        continue
                    seen.add(word.lower())
                    yield Diagnostic("EVID001", f"word to avoid '{word}' in the search index ({place} for {url or 'a page'}), "
                                     "not in the page itself", fragment, target=word, source=_source_line(source, word),
                                     hint="reword it where it is written (a data-pagefind-meta attribute or a template)")


def _page_words(root: Path, rel: str) -> str:
    """Everything in a built page's HTML, as a reader's text, lower case: what search may rightly repeat."""
    try:
        raw = (root / rel.removeprefix("site/")).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return reader_text(raw).lower()
