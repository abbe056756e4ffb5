// Site search on Pagefind's chunked index. Nothing here loads until a reader opens search
// (partials/site-search-loader.html imports this module); then Pagefind fetches only the
// index chunks and result fragments that the query needs.
//
// The dialog is a native <dialog> opened with showModal(): it has the accessible name
// "Search", keeps focus inside, and closes with Escape. Keys: type to search; Down moves
// from the box to the results and between them, Up moves back; Enter in the box opens the
// first result, Enter on a result opens it. Colours come from Material's palette
// variables, so both colour schemes follow the reader's setting.

const ROOT = new URL("../../", import.meta.url); // this file is assets/javascripts/site-search.js
const HIGHLIGHT = "highlight"; // query parameter that asks a page to mark the searched words
const PAGE = 10; // results shown at once

let dialog, input, list, status, opener;
let pagefind; // the Pagefind module, loaded on first open
let latest = 0; // number of the newest search, so a slow older answer never replaces a newer one
let running = false; // a search is being computed
let wanted = null; // the newest text typed while it was
const MIN_LENGTH = 2; // one letter matches most words of a big site and tells the reader nothing
// Pagefind reads the last word of a query as the start of longer words. Two letters start
// thousands of words on a big site, so they are searched as a whole word instead ("MS", not
// every word beginning "ms"): only the pages with that word, and far less work for Pagefind.
const PREFIX_FROM = 3;

function stylesheet() {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("assets/stylesheets/site-search.css", ROOT).href;
  const loaded = new Promise((resolve) => {
    link.onload = link.onerror = resolve;
  });
  document.head.append(link);
  return loaded;
}

async function loadPagefind() {
  if (!pagefind) {
    pagefind = import(new URL("pagefind/pagefind.js", ROOT).href).then(async (module) => {
      // Result URLs are site-root paths; on a host that serves the site below a folder they need it.
      await module.options({ baseUrl: ROOT.pathname, highlightParam: HIGHLIGHT });
      module.init();
      return module;
    });
  }
  return pagefind;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function build() {
  dialog = element("dialog", { class: "site-search", "aria-label": "Search" });
  const form = element("form", { role: "search", class: "site-search__form" });
  const label = element("label", { for: "site-search-input", class: "site-search__hidden" }, "Search this site");
  input = element("input", {
    id: "site-search-input",
    type: "search",
    class: "site-search__input",
    placeholder: "Search",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "site-search-status",
    "aria-controls": "site-search-results",
  });
  const close = element("button", { type: "button", class: "site-search__close", "aria-label": "Close search" }, "×");
  status = element("p", { id: "site-search-status", class: "site-search__status", role: "status" });
  list = element("ol", { id: "site-search-results", class: "site-search__results", "aria-label": "Results" });
  form.append(label, input, close);
  dialog.append(form, status, list);
  document.body.append(dialog);

  form.addEventListener("submit", (event) => event.preventDefault());
  close.addEventListener("click", () => dialog.close());
  // A click on the backdrop (outside the dialog's box) closes it, as Material's search did.
  dialog.addEventListener("click", (event) => event.target === dialog && dialog.close());
  dialog.addEventListener("close", () => opener && opener.focus());
  input.addEventListener("input", () => schedule(input.value));
  input.addEventListener("keydown", onInputKey);
  list.addEventListener("keydown", onResultKey);
}

function links() {
  return [...list.querySelectorAll("a")];
}

function onInputKey(event) {
  const first = links()[0];
  if (event.key === "ArrowDown" && first) {
    event.preventDefault();
    first.focus();
  } else if (event.key === "Enter" && first) {
    event.preventDefault();
    first.click();
  }
}

function onResultKey(event) {
  const all = links();
  const at = all.indexOf(document.activeElement);
  if (at < 0 || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
  event.preventDefault();
  const next = event.key === "ArrowDown" ? all[Math.min(at + 1, all.length - 1)] : all[at - 1] || input;
  next.focus();
}

// Pagefind's excerpt is the page's text (escaped) with the matched words in <mark>. Parse it
// in an inert document and copy only text and <mark>, so nothing else can reach the page.
function excerpt(html) {
  const out = element("p", { class: "site-search__excerpt" });
  const parsed = new DOMParser().parseFromString(html, "text/html").body;
  for (const node of parsed.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out.append(node.textContent);
    else if (node.nodeName === "MARK") out.append(element("mark", {}, node.textContent));
    else out.append(node.textContent || "");
  }
  return out;
}

function item(data) {
  const entry = element("li", { class: "site-search__result" });
  const link = element("a", { href: data.url, class: "site-search__link" });
  link.append(element("span", { class: "site-search__title" }, data.meta.title || data.url));
  link.append(excerpt(data.excerpt));
  entry.append(link);
  return entry;
}

// Show results PAGE at a time; each shown result costs one small fragment request.
async function show(found, from, number) {
  const data = await Promise.all(found.slice(from, from + PAGE).map((result) => result.data()));
  if (number !== latest) return;
  if (from === 0) list.replaceChildren(...data.map(item));
  else {
    list.querySelector(".site-search__more-item")?.remove();
    list.append(...data.map(item));
  }
  if (found.length > from + PAGE) {
    const more = element("button", { type: "button", class: "site-search__more" }, "Show more results");
    more.addEventListener("click", () => {
      const next = list.querySelectorAll(".site-search__result").length;
      show(found, from + PAGE, number).then(() => list.querySelectorAll(".site-search__link")[next]?.focus());
    });
    const entry = element("li", { class: "site-search__more-item" });
    entry.append(more);
    list.append(entry);
  }
}

// One search at a time, and then only the newest text: Pagefind answers queries in turn, so
// searching on every key of a fast typist would queue answers nobody waits for any more.
async function schedule(text) {
  wanted = text;
  if (running) return;
  running = true;
  while (wanted !== null) {
    const next = wanted;
    wanted = null;
    await search(next).catch(() => {});
  }
  running = false;
}

async function search(text) {
  const query = text.trim();
  const number = ++latest;
  if (query.length < MIN_LENGTH) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  let found;
  try {
    found = await (await loadPagefind()).search(query.length < PREFIX_FROM ? `"${query}"` : query);
  } catch (error) {
    // No index (the `make serve` preview has none: `make site` builds it) or a network failure.
    pagefind = undefined; // try again on the next key
    status.textContent = "Search is not available right now. Please try again later.";
    throw error;
  }
  if (wanted !== null || !found) return; // the reader has typed more: answer that instead
  await show(found.results, 0, number);
  if (number !== latest || wanted !== null) return;
  const count = found.results.length;
  status.textContent = count ? `${count} result${count === 1 ? "" : "s"} for “${query}”` : `No results for “${query}”`;
}

export async function open(button) {
  if (dialog && dialog.open) return;
  const before = document.activeElement;
  if (!dialog) {
    const styled = stylesheet();
    build();
    loadPagefind(); // start fetching the engine while the reader types
    await styled;
  }
  if (dialog.open) return;
  // Focus goes back where it was when the dialog closes (to the button, if nothing had focus).
  opener = before && before !== document.body ? before : button;
  dialog.showModal();
  input.focus();
  input.select();
}

// On a page opened from a result: mark the searched words (Pagefind's highlighter, run with
// Material's own <mark> style instead of the inline <style> it would add, which the CSP forbids).
export async function highlight() {
  const { default: PagefindHighlight } = await import(new URL("pagefind/pagefind-highlight.js", ROOT).href);
  new PagefindHighlight({ highlightParam: HIGHLIGHT, addStyles: false, markOptions: { className: "site-search-highlight" } });
  const first = document.querySelector("mark.site-search-highlight");
  if (first && !location.hash) first.scrollIntoView({ block: "center" });
}
