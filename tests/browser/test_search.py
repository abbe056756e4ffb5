"""Search (Pagefind) in real Chromium: found by its words, used by keyboard, private, accessible.

The words are picked from the built site at test time, not from today's wording:
a word that only one page contains, and a word found only in the per-page
reference lists (which search skips) and so, in search, only on the References
page. Pagefind stems words (Snowball English, as snowballstemmer does here) and
matches the last word of a query as a prefix, so a word is chosen only when no
word elsewhere shares its stem as a prefix. "Elsewhere" is read generously: all
the markup of the other pages' indexed part, attributes included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from urllib.parse import urlsplit

import pytest
import snowballstemmer
from selectolax.lexbor import LexborHTMLParser

from .support import page_html, wait_until

WORD = re.compile(r"[a-z]+")
STEM = snowballstemmer.stemmer("english")


@cache
def stem(word: str) -> str:
    """STEM's stem of a word, each word stemmed once: picking the words below compares every token of every
    page with each candidate word (two seconds of stemming the same tokens again, without the cache)."""
    return STEM.stemWord(word)
DIALOG = "dialog.site-search"
RESULT_LINKS = ".site-search__result a"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# axe on the open dialog only (the rest of the page is inert behind it; test_axe.py covers the pages).
RUN_AXE_ON = """async ([selector, tags]) => {
  const result = await axe.run({include: [selector]}, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
    v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
}"""


@dataclass
class IndexedPage:
    path: str  # URL path, "" for home
    text_words: set  # words of the text search indexes
    markup_words: set  # every token of the indexed part's markup (a superset, to rule words out)
    reference_words: set  # words of the page's own reference list, which search skips


def _words(text: str) -> set:
    return set(WORD.findall(text.lower()))


def read_page(site_dir, path: str) -> IndexedPage | None:
    tree = LexborHTMLParser(page_html(site_dir, path))
    body = tree.css_first("[data-pagefind-body]")
    if body is None:
        return None
    references = " ".join(n.text(separator=" ") for n in body.css("[data-pagefind-ignore]"))
    for node in body.css("[data-pagefind-ignore], a.headerlink"):
        node.decompose()
    return IndexedPage(path, _words(body.text(separator=" ")), _words(body.html or ""), _words(references))


class Words:
    def __init__(self, pages: list[IndexedPage]):
        self.pages = pages

    @staticmethod
    def matches(word: str, tokens: set) -> bool:
        start = stem(word)
        return any(t.startswith(start) or stem(t).startswith(start) for t in tokens)

    def only_on(self, page: IndexedPage, word: str) -> bool:
        return all(not self.matches(word, other.markup_words) for other in self.pages if other is not page)

    @cached_property
    def unique(self) -> tuple[str, str]:
        """(page path, word): a word in one content page's text and nowhere else in the index."""
        for page in sorted(self.pages, key=lambda p: p.path):
            if page.path in ("", "references/"):
                continue
            for word in sorted(w for w in page.text_words if len(w) >= 7):
                if self.only_on(page, word):
                    return page.path, word
        pytest.fail("no word occurs on exactly one page")

    @cached_property
    def common(self) -> str:
        """The longest word in the text of more than ten pages (more than one screen of results)."""
        counts = {}
        for page in self.pages:
            for word in page.text_words:
                counts[word] = counts.get(word, 0) + 1
        many = sorted((w for w, n in counts.items() if n > 10 and len(w) >= 5), key=lambda w: (-len(w), w))
        if not many:
            pytest.fail("no word occurs on more than ten pages")
        return many[0]

    @cached_property
    def two_letters(self) -> tuple[str, int, int]:
        """(word, pages with it, pages with a word it starts): the two-letter word that starts
        words on the most pages that lack the word itself."""
        pages, found = self.pages, []
        for pair in {w for p in pages for w in p.text_words if len(w) == 2}:
            whole = sum(pair in p.text_words for p in pages)
            start = sum(any(w.startswith(pair) for w in p.text_words) for p in pages)
            found.append((start - whole, pair, whole, start))
        if not found or max(found)[0] < 3:
            pytest.fail("no two-letter word starts longer words on pages that lack it")
        _, pair, whole, start = max(found)
        return pair, whole, start

    @cached_property
    def reference_only(self) -> str:
        """A word of the per-page reference lists that, in the index, only the References page has."""
        references = next(p for p in self.pages if p.path == "references/")
        in_lists = set().union(*(p.reference_words for p in self.pages if p is not references))
        for word in sorted(w for w in in_lists if len(w) >= 6):
            if self.matches(word, references.text_words) and self.only_on(references, word):
                return word
        pytest.fail("no word occurs only in reference lists")


@pytest.fixture(scope="module")
def words(site_dir, site_pages) -> Words:
    pages = [p for p in (read_page(site_dir, path) for path in site_pages) if p is not None]
    assert any(p.path == "references/" for p in pages), "the References page must be indexed"
    return Words(pages)


def open_search(tab, *, key: str | None = None):
    if key:
        tab.page.keyboard.press(key)
    else:
        tab.page.locator("button.site-search__button").click()
    tab.page.locator(DIALOG).wait_for(state="visible", timeout=10_000)


def type_query(tab, query: str) -> list[str]:
    """Type into the open dialog; return the result paths once the results for this query are shown."""
    tab.page.keyboard.type(query)
    wait_until(tab.page, f"document.getElementById('site-search-status').textContent.includes({query!r})", timeout=10)
    hrefs = tab.page.eval_on_selector_all(RESULT_LINKS, "links => links.map((a) => a.getAttribute('href'))")
    return [urlsplit(h).path for h in hrefs]


def active(tab) -> str:
    return tab.page.evaluate("document.activeElement.id || document.activeElement.getAttribute('href') || ''")


def test_a_word_on_one_page_lists_it_first_and_the_keyboard_opens_it(open_tab, words):
    path, word = words.unique
    tab = open_tab()
    tab.goto("")
    open_search(tab, key="/")
    assert active(tab) == "site-search-input", "the search box has focus when the dialog opens"
    results = type_query(tab, word)
    assert results and results[0] == "/" + path, (word, results)
    tab.page.keyboard.press("ArrowDown")
    first = active(tab)
    assert urlsplit(first).path == "/" + path
    if len(results) > 1:
        tab.page.keyboard.press("ArrowDown")
        tab.page.keyboard.press("ArrowUp")
        assert active(tab) == first
    tab.page.keyboard.press("ArrowUp")
    assert active(tab) == "site-search-input", "Up from the first result goes back to the box"
    tab.page.keyboard.press("ArrowDown")
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")
    assert urlsplit(tab.page.url).path == "/" + path
    # The target page marks the searched word, inside the indexed text only.
    wait_until(tab.page, "document.querySelectorAll('[data-pagefind-body] mark').length > 0", timeout=10)
    marked = tab.page.eval_on_selector_all("mark", "ms => ms.map((m) => m.textContent.toLowerCase())")
    assert any(word in m or m in word for m in marked), marked
    assert tab.violations() == [] and tab.console.messages == []


def test_shortcuts_open_search_and_escape_returns_focus(open_tab, content_pages):
    tab = open_tab()
    tab.goto(content_pages[0])
    open_search(tab, key="s")
    tab.page.keyboard.press("Escape")
    tab.page.locator(DIALOG).wait_for(state="hidden")
    # Focus returns in the dialog's close handler, which may run a moment after it is hidden: wait for it
    # (a timeout fails the test, as the old immediate check did when focus never returned).
    tab.page.wait_for_function("document.activeElement && document.activeElement.matches('button.site-search__button')",
                               timeout=5000)
    tab.page.keyboard.press("Enter")  # the focused header button opens it again
    tab.page.locator(DIALOG).wait_for(state="visible")


def test_search_costs_nothing_until_opened_and_asks_no_one_else(open_tab, words):
    """First load fetches no search code or index; searching fetches only from the site, under the real CSP."""
    _, word = words.unique
    tab = open_tab()
    tab.goto("")
    tab.page.wait_for_load_state("networkidle")
    loaded = list(tab.recorder.requests)
    assert not [u for u in loaded if "pagefind" in u or "site-search" in u], loaded
    open_search(tab)
    assert type_query(tab, word)
    assert [u for u in tab.recorder.requests if "/pagefind/" in u], "search must fetch the site's own index"
    assert tab.recorder.foreign == []
    assert tab.violations() == [], "Pagefind must run under the site's CSP"
    assert tab.console.messages == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_search_dialog_passes_axe(open_tab, axe_source, words, scheme):
    tab = open_tab(color_scheme=scheme)
    tab.goto("")
    open_search(tab)
    assert type_query(tab, "stem")  # with results, their links and marked words are checked too
    tab.page.evaluate(axe_source)
    problems = tab.page.evaluate(RUN_AXE_ON, [DIALOG, TAGS])
    assert not problems, "\n".join(problems)
    assert tab.page.get_by_role("dialog", name="Search").count() == 1


def test_a_word_only_in_reference_lists_finds_only_the_references_page(open_tab, words):
    word = words.reference_only
    tab = open_tab()
    tab.goto("")
    open_search(tab)
    assert type_query(tab, word) == ["/references/"], word


def test_two_letters_find_the_whole_word_not_every_word_they_start(open_tab, words):
    """On a big site two letters start thousands of words; the reader who types "ms" means MS."""
    pair, whole, start = words.two_letters
    tab = open_tab()
    tab.goto("")
    open_search(tab)
    assert type_query(tab, pair), pair
    count = int(tab.page.locator("#site-search-status").text_content().split()[0])
    assert whole <= count < start, (pair, count, whole, start)


def test_more_results_than_fit_load_on_request(open_tab, words):
    tab = open_tab()
    tab.goto("")
    open_search(tab)
    shown = type_query(tab, words.common)
    assert len(shown) == 10, shown
    status = tab.page.locator("#site-search-status").text_content()
    assert int(status.split()[0]) > 10, status
    tab.page.get_by_role("button", name="Show more results").click()
    wait_until(tab.page, f"document.querySelectorAll({RESULT_LINKS!r}).length > 10")
    # Focus moves to the first newly shown result, so a keyboard user carries on from there.
    assert tab.page.evaluate(f"document.activeElement === document.querySelectorAll({RESULT_LINKS!r})[10]")


def test_search_works_from_the_not_found_page_at_any_depth(open_tab, words):
    """The 404 page is served at whatever address was asked for; its search must still find the site root."""
    _, word = words.unique
    tab = open_tab()
    tab.goto("no/such/page/here/", expect_status=404)
    tab.console.clear()  # Chromium logs the 404 status of the page itself
    open_search(tab)
    assert type_query(tab, word)
    assert tab.recorder.foreign == [] and tab.violations() == [] and tab.console.messages == []
