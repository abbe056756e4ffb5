"""EVID001 on the built pages: words to avoid that reach readers by a way the Markdown check cannot see.

The source check (evidence.py) reports words in a page's Markdown and
snippets with their line. This check reads what the browser shows: the
<title>, the descriptions that search results and social cards show, menu
labels, headings, alt and title text and the body, and reports only words the
source check did not already report for that page, such as words from
mkdocs.yml, a template, or markup that splits a word ("cu<b>re</b>").
"""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.readertext import reader_text
from medsite.core.rule import SITE, gate_check
from medsite.core.wording import find_all, mentions_any, tokens
from medsite.gate.checks.evidence import word_diagnostics
from medsite.gate.checks.prose import SENTENCE_END, clean


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
    menu_seen = set()  # menu labels are on every page: report each word there once for the site
    for page in site.pages.values():
        source = project.page_by_html.get(page.rel)
        already = reported.get(source.rel if source else None, set()) | reported.get("", set())
        page_seen = set()
        texts = [(place, reader_text(text, decode=False)) for place, text in page.reader_texts]  # invisible characters out
        if not mentions_any("\n".join(text for _, text in texts), families):  # most pages: one look
            continue
        for place, text in texts:
            seen = menu_seen if place == "navigation" else page_seen
            for sentence in SENTENCE_END.split(text):
                for _family, word in find_all(sentence, families):
                    if word.lower() in already or (word.lower(), place) in seen:
                        continue
                    seen.add((word.lower(), place))
                    yield Diagnostic("EVID001", f"word to avoid '{word}' in the built page ({place}); the Markdown check did not see it "
                                     "(it may come from mkdocs.yml, a template, or markup inside the word)",
                                     page.rel, target=word, source=_source_line(source, word),
                                     hint="reword it where it is written; say what was studied, in whom, what it showed and what is unknown")
