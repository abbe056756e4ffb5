"""What readers pay, measured in Chromium on a site served like a host serves it (gzip).

- first_load: compressed bytes of a page's HTML, stylesheets, scripts and fonts
  fetched while it loads, before any interaction (images are left out, as in
  the gate's PERF001). Sizes are the encoded response bodies Chromium received.
- first_query: compressed bytes fetched from opening search to the results of one
  query (the search script and stylesheet, Pagefind's engine, WebAssembly, the
  index chunks the words need and the result fragments), including requests made
  by Pagefind's worker.
- keystroke_ms: time from a key press in the search box to the results for what
  is typed, timed inside the page (event time of the keydown to the status line
  naming the query), over many queries after the first, typed at about eight keys
  a second. A key whose results are overtaken by the next key gives no sample;
  the later key's sample then includes the wait, as the reader sees it.
- last_key_ms: for each query, the time from its last key to its results: what a
  reader waits for once the word is typed (one sample a query).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright import sync_api as playwright_api

from medsite.tools import chromium

FIRST_LOAD_TYPES = {"document", "stylesheet", "script", "font"}
DESKTOP = {"width": 1280, "height": 800}

# Installed before the page's scripts: note the event time of every keydown in the search box, and
# when the status line (written after the results) names the query typed so far.
TIMER = """
window.__searchTimes = [];
document.addEventListener('keydown', (e) => {
  if (e.target && e.target.id === 'site-search-input') window.__lastKey = e.timeStamp;
}, true);
new MutationObserver(() => {
  const status = document.getElementById('site-search-status');
  const box = document.getElementById('site-search-input');
  if (!status || !box || window.__lastKey === undefined) return;
  const query = box.value.trim();
  if (query && status.textContent.includes('\u201c' + query + '\u201d')) {
    window.__searchTimes.push({query, ms: performance.now() - window.__lastKey});
    window.__lastKey = undefined;
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@dataclass
class Transfers:
    """Requests that finished, with their encoded (compressed) body sizes."""

    items: list = field(default_factory=list)  # (url, resource type, bytes)

    def on_finished(self, request) -> None:
        try:
            size = request.sizes()["responseBodySize"]
        except Exception:  # noqa: BLE001 - a request torn down with its page has no sizes
            size = 0
        self.items.append((request.url, request.resource_type, size))

    def since(self, start: int) -> list:
        return self.items[start:]


@contextmanager
def browser():
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium.PATH, args=["--headless", *chromium.QUIET_FLAGS])
        try:
            yield instance
        finally:
            instance.close()


def _tab(instance):
    context = instance.new_context(viewport=DESKTOP, service_workers="block")
    context.add_init_script(TIMER)
    page = context.new_page()
    transfers = Transfers()
    page.on("requestfinished", transfers.on_finished)
    return context, page, transfers


def first_load(instance, url: str) -> dict:
    """Compressed first-load bytes of ``url``, in all and by file."""
    context, page, transfers = _tab(instance)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        parts = [(u, n) for u, kind, n in transfers.items if kind in FIRST_LOAD_TYPES]
        return {"bytes": sum(n for _, n in parts), "parts": parts}
    finally:
        context.close()


def _wait_for_results(page, query: str, timeout_ms: float = 20_000) -> None:
    page.wait_for_function(
        "(q) => { const s = document.getElementById('site-search-status'); return !!s && s.textContent.includes('\u201c' + q + '\u201d') }",
        arg=query,
        timeout=timeout_ms,
        polling=10,
    )


def _result_count(status: str) -> int:
    """The number in the status line ("12 results for ...", "No results for ...")."""
    first = status.split(" ", 1)[0]
    return int(first) if first.isdigit() else 0


def search_costs(instance, url: str, first: str, queries: list[str]) -> dict:
    """Bytes fetched by the first query, and keystroke-to-results times for the later ones."""
    # Playwright's wait_for_function uses eval, which the site's CSP forbids: measure with the CSP off.
    # It changes no byte and no timing of the site's own code.
    context = instance.new_context(viewport=DESKTOP, service_workers="block", bypass_csp=True)
    context.add_init_script(TIMER)
    page = context.new_page()
    transfers = Transfers()
    page.on("requestfinished", transfers.on_finished)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        start = len(transfers.items)
        page.locator("button.site-search__button").click()
        page.locator("#site-search-input").wait_for(state="visible")
        page.keyboard.type(first)
        _wait_for_results(page, first)
        page.wait_for_load_state("networkidle")
        fetched = transfers.since(start)
        times, counts, last_key = [], {}, []
        for query in queries:
            page.locator("#site-search-input").fill("")
            page.evaluate("window.__searchTimes = []")
            page.keyboard.type(query, delay=120)  # a quick typist: about 8 keys a second
            _wait_for_results(page, query)
            samples = page.evaluate("window.__searchTimes")
            times += [t["ms"] for t in samples]
            # What a reader waits for once the word is typed: its last key to its results.
            last_key += [t["ms"] for t in samples if t["query"] == query]
            counts[query] = _result_count(page.locator("#site-search-status").text_content() or "")
        return {
            "first_query_bytes": sum(n for _, _, n in fetched),
            "first_query_requests": len(fetched),
            "keystroke_ms": times,
            "results_per_query": counts,
            "last_key_ms": last_key,
        }
    finally:
        context.close()
