"""`make bench-web`: what readers pay, on the real site and on synthetic sites of 1,000 and 5,000 pages.

Every site is built (engine, then the search index) and served from 127.0.0.1
with gzip and the headers of ``site/_headers``, as a static host would. For each
site, in Debian's Chromium (bench/browser_metrics.py says exactly what is counted):

- first load of a typical content page (the one with the median compressed HTML):
  compressed HTML, CSS, JavaScript and fonts, before any interaction; goal 64 KB
  or less, and flat (within 5%) from the real site to 5,000 pages;
- the bytes the first search query fetches;
- the median and 90th percentile time from a key press in the search box to its
  results (goal: median 100 ms or less at 5,000 pages), typing 20 words a reader
  would search for: one word from the title or a heading of each of 20 pages drawn
  at random (seeded), so some are rare and some are on most pages; and the median
  wait from each word's last key to its results.

Synthetic pages are written like real ones (bench/synth.py, bench/synthtext.py):
the real pages' sentences with words from a vocabulary of about 9,000, drawn so that
a few words are on most pages and most words on a few, each page as long as one of the
real content pages.

Then Lighthouse 12 (pinned in bench/lighthouse) on the real site's home page,
longest content page and References page, mobile settings; goal 100 in all four
categories. It prints a table with a row per site, the first-load spread across
sizes, and machine-readable lines per site: ``first_load pages=N kb=X`` and
``key_results pages=N median_ms=X p90_ms=Y samples=Z``. JSON reports go to bench-results/ (gitignored).

This is a benchmark, not a test: it prints numbers and fails only when something
cannot run. It serves sites with medsite.tools.static_host, as the browser tests do, so
both see the same bytes and headers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from medsite.output import search_index
from medsite.output.after_engine import write_outputs
from medsite.sources.site import Site
from medsite.tools import chromium
from medsite.tools.static_host import serve

ROOT = Path(__file__).resolve().parents[4]
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = chromium.PATH
CHROMIUM_FLAGS = ("--headless=new", *chromium.QUIET_FLAGS, "--disable-default-apps", "--disable-extensions")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
QUERIES = 20  # reader queries timed on each site
# Words nobody searches for on their own.
COMMON = {"about", "also", "from", "have", "into", "more", "that", "them", "they", "this", "what",
          "when", "where", "which", "while", "will", "with", "your", "their", "there", "these"}

def content_text_length(html: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    node = LexborHTMLParser(html).css_first("article.md-content__inner") or LexborHTMLParser(html).body
    return len(node.text(separator=" ", strip=True)) if node else 0


def longest_page(site_dir: Path) -> str:
    """The URL path of the content page with the most text (not the home page, not references)."""
    best, best_len = "", -1
    for path in sorted(site_dir.rglob("index.html")):
        rel = path.parent.relative_to(site_dir).as_posix()
        if rel in (".", "references", "glossary"):
            continue
        length = content_text_length(path.read_text(encoding="utf-8"))
        if length > best_len:
            best, best_len = rel + "/", length
    return best


def lighthouse_version() -> str:
    package = LIGHTHOUSE.parents[1] / "package.json"
    return json.loads(package.read_text(encoding="utf-8")).get("version", "?") if package.is_file() else "?"


def run_lighthouse(url: str, *, form: str, out: Path) -> dict:
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        "--max-wait-for-load=30000",
    ]
    if form == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed for {url} ({form}):\n{result.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summarize(report: dict) -> dict:
    cats = report["categories"]
    scores = {c: (round(cats[c]["score"] * 100) if cats.get(c, {}).get("score") is not None else None) for c in CATEGORIES}
    weight = report["audits"].get("total-byte-weight", {}).get("numericValue")
    failing = {
        c: [
            ref["id"]
            for ref in cats[c]["auditRefs"]
            if ref.get("weight", 0) > 0 and (report["audits"][ref["id"]].get("score") not in (None, 1))
        ]
        for c in CATEGORIES
        if c in cats
    }
    return {
        "scores": scores,
        "transfer_bytes": int(weight) if weight is not None else None,
        "breakdown": breakdown(report),
        "failing": failing,
    }


def breakdown(report: dict) -> dict[str, int]:
    """Transferred bytes by kind of resource, to show where the first-load weight goes."""
    items = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    out: dict[str, int] = {}
    for item in items:
        url, kind = item.get("url", ""), (item.get("resourceType") or "Other")
        if url.startswith("data:"):
            continue
        if "/pagefind/" in url or "site-search" in url:
            kind = "search"
        out[kind] = out.get(kind, 0) + int(item.get("transferSize") or 0)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def content_pages(site_dir: Path) -> list[Path]:
    """HTML files of the content pages (they carry the review block), sorted by path."""
    return [p for p in sorted(site_dir.rglob("index.html")) if "health-footer" in p.read_text(encoding="utf-8")]


def typical_page(site_dir: Path) -> str:
    """URL path of the content page whose compressed HTML is the median one."""
    sized = sorted((len(gzip.compress(p.read_bytes(), 6, mtime=0)), p) for p in content_pages(site_dir))
    page = sized[len(sized) // 2][1]
    rel = page.parent.relative_to(site_dir).as_posix()
    return "" if rel == "." else rel + "/"


def reader_queries(site_dir: Path, count: int, *, seed: int = 1) -> list[str]:
    """Words a reader would type: one word of four letters or more from the title or a heading
    of each of ``count`` content pages drawn at random (seeded). Titles carry a page's rarer
    words, headings common ones too, so the queries range from a few results to hundreds."""
    from selectolax.lexbor import LexborHTMLParser

    rng = random.Random(seed)
    pages = content_pages(site_dir)
    queries: list[str] = []
    for _ in range(count * 10):
        if len(queries) == count:
            break
        body = LexborHTMLParser(rng.choice(pages).read_text(encoding="utf-8")).css_first("[data-pagefind-body]")
        for node in body.css("a.headerlink"):
            node.decompose()
        headings = " ".join(h.text(separator=" ") for h in body.css("h1, h2, h3"))
        words = [w for w in re.findall(r"[a-z]{4,}", headings.lower()) if w not in COMMON and w not in queries]
        if words:
            queries.append(rng.choice(words))
    return queries


def build_site(project: Path, out: Path) -> Path:
    """The engine, then the search index and the feed: what `make site` publishes, without the gate (see `make bench`)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "--clean", "--site-dir", str(out)]
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build failed in {project}:\n{proc.stderr[-3000:]}")
    site, problems = Site.load(project)
    problems += write_outputs(site, out)
    if problems:
        raise RuntimeError("\n".join(d.text() for d in problems))
    return out


def synthetic_site(pages: int, work: Path) -> Path:
    from medsite.tools.bench import synth

    project = synth.make_site(ROOT, work / f"synth-{pages}", pages)
    return build_site(project, project / "site")


def measure(site: Path, label: str, instance) -> dict:
    from medsite.tools.bench import browser_metrics

    path = typical_page(site)
    words = reader_queries(site, QUERIES + 1)
    with serve(site, use_gzip=True) as base:
        load = browser_metrics.first_load(instance, base + path)
        costs = browser_metrics.search_costs(instance, base + path, words[0], words[1:])
    # Timings depend on how busy the machine is: print its load with them.
    costs["load_average"] = os.getloadavg()[0]
    bundle = sum(f.stat().st_size for f in (site / search_index.BUNDLE_DIR).rglob("*") if f.is_file())
    return {
        "site": label,
        "pages": sum(1 for p in site.rglob("index.html")),
        "page": "/" + path,
        "first_load_bytes": load["bytes"],
        "first_load_parts": load["parts"],
        "search_bundle_bytes": bundle,
        **costs,
    }


def lighthouse_rows(site: Path, forms, out_dir: Path) -> list:
    pages = {"home": "", "longest": longest_page(site), "references": "references/"}
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with serve(site, use_gzip=True) as base:
        for label, path in pages.items():
            for form in forms:
                report = run_lighthouse(base + path, form=form, out=out_dir / f"{label}-{form}.json")
                rows.append((label, "/" + path, form, summarize(report)))
    return rows


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value that ``share`` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else None


def spread(values: list[float]) -> float:
    """How far the largest value is above the smallest, in per cent of the smallest."""
    return (max(values) - min(values)) / min(values) * 100 if values and min(values) else 0.0


def _ms(value: float | None) -> str:
    return f"{value:.0f} ms" if value is not None else "?"


def print_sizes(results: list[dict]) -> None:
    """One row per site, then the first-load spread, what each first load is made of, and
    one machine-readable line per site."""
    header = (f"{'site':<11} {'pages':>6}  {'first load':>10}  {'1st query':>9} {'requests':>8}  {'key→results':>11}"
              f"  {'p90':>6} {'samples':>7}  {'last key':>8}  {'results/query':>14}  {'index':>7}  page")
    print(header)
    print("-" * len(header))
    for r in results:
        times, counts = r["keystroke_ms"], sorted(r["results_per_query"].values())
        hits = f"{statistics.median(counts):.0f} ({counts[0]}-{counts[-1]})" if counts else "?"
        print(
            f"{r['site']:<11} {r['pages']:>6}  {r['first_load_bytes'] / 1024:>7.1f} KB  {r['first_query_bytes'] / 1024:>6.1f} KB"
            f" {r['first_query_requests']:>8}  {_ms(statistics.median(times) if times else None):>11}"
            f"  {_ms(percentile(times, 0.9)):>6} {len(times):>7}  {_ms(statistics.median(r['last_key_ms']) if r['last_key_ms'] else None):>8}  {hits:>14}  {r['search_bundle_bytes'] / 1024 / 1024:>4.1f} MB  {r['page']}"
        )
    loads = [r["first_load_bytes"] for r in results]
    verdict = "equal within 5%" if spread(loads) <= 5 else "NOT equal within 5%"
    print(f"First-load transfer of a typical content page: {min(loads) / 1024:.1f}-{max(loads) / 1024:.1f} KB across "
          f"{len(loads)} sizes, spread {spread(loads):.1f}% ({verdict}; goal: within 5%, and 64 KB or less)")
    for r in results:
        parts = ", ".join(f"{url.rstrip('/').rsplit('/', 1)[-1] + ('/' if url.endswith('/') else '')} {n / 1024:.1f}" for url, n in sorted(r["first_load_parts"], key=lambda x: -x[1]))
        print(f"  {r['site']} first load by file (KB): {parts}")
    busy = ", ".join(f"{r['load_average']:.1f}" for r in results)
    print(f"key→results: from a key press to its results shown, over {QUERIES} words from page titles and headings, typed"
          f" at 8 keys a second (goal: median 100 ms or less at 5,000 pages; 'last key': median over the words of the"
          f" time from a word's last key to its results); machine load average {busy} on {os.cpu_count()} CPUs")
    for r in results:
        print(f"  {r['site']} queries (results): "
              + ", ".join(f"{q} ({n})" for q, n in r["results_per_query"].items()))
    for r in results:
        print(f"first_load pages={r['pages']} kb={r['first_load_bytes'] / 1024:.1f}")
    for r in results:
        times = r["keystroke_ms"] or [float("nan")]
        print(f"key_results pages={r['pages']} median_ms={statistics.median(times):.0f}"
              f" p90_ms={percentile(times, 0.9):.0f} samples={len(r['keystroke_ms'])}")


def print_lighthouse(rows: list, forms) -> None:
    width = max(len(f"{label} {path}") for label, path, _, _ in rows) + 2
    header = f"{'page':<{width}} {'form':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'transfer':>10}"
    print(f"Lighthouse {lighthouse_version()} (served with gzip), {CHROMIUM}")
    print(header)
    print("-" * len(header))
    for label, path, form, summary in rows:
        s = summary["scores"]
        kb = summary["transfer_bytes"]
        size = f"{kb / 1024:.1f} KB" if kb is not None else "?"
        print(
            f"{label + ' ' + path:<{width}} {form:<8} {s['performance']!s:>5} {s['accessibility']!s:>5} "
            f"{s['best-practices']!s:>5} {s['seo']!s:>5} {size:>10}"
        )
    for label, _path, form, summary in rows:
        if form == forms[0]:
            parts = ", ".join(f"{kind} {size / 1024:.1f}" for kind, size in summary["breakdown"].items())
            print(f"  {label} transfer by kind (KB): {parts}")
        for cat, ids in summary["failing"].items():
            if ids:
                print(f"  {label} {form} {cat}: not full marks on {', '.join(ids)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="medsite.tools.bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", default=str(ROOT / "site"), help="the real site, built by `make site`")
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "web"))
    parser.add_argument("--sizes", default=os.environ.get("BENCH_WEB_SIZES", "1000,5000"), help="synthetic site sizes (comma-separated; empty for none)")
    parser.add_argument("--form", choices=("mobile", "desktop", "both"), default="mobile")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)

    site = Path(args.site_dir)
    if not (site / "index.html").is_file() or not (site / search_index.BUNDLE_DIR).is_dir():
        print(f"{site} has no built site with its search index: run `make site` first", file=sys.stderr)
        return 2
    if not args.no_lighthouse and (not LIGHTHOUSE.is_file() or not shutil.which("node")):
        print(f"{LIGHTHOUSE} or node is missing: `make bench-web` installs it (npm ci in bench/lighthouse)", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    from medsite.tools.bench import browser_metrics

    results = []
    with browser_metrics.browser() as instance:
        results.append(measure(site, "real", instance))
        for pages in sizes:
            started = time.perf_counter()
            synthetic = synthetic_site(pages, out_dir / "sites")
            print(f"built synthetic site of {pages} pages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            results.append(measure(synthetic, f"synth-{pages}", instance))
    print_sizes(results)
    rows = []
    if not args.no_lighthouse:
        forms = ("mobile", "desktop") if args.form == "both" else (args.form,)
        rows = lighthouse_rows(site, forms, out_dir / "lighthouse")
        print_lighthouse(rows, forms)
    (out_dir / "summary.json").write_text(
        json.dumps({"sizes": results, "lighthouse": [{"page": p, "form": f, **s} for _, p, f, s in rows]}, indent=2),
        encoding="utf-8",
    )
    print(f"Reports: {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
