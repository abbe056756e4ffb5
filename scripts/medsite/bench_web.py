"""`make bench-web`: Lighthouse on the built site, served as a real host would serve it.

The site (default ``site/``) is served from 127.0.0.1 with gzip and with the
headers of ``site/_headers`` (what Netlify or Cloudflare Pages would send).
Lighthouse 12 (pinned in bench/lighthouse/package.json) runs on the home page
and on the longest content page, with its mobile and desktop settings, in
Debian's Chromium. The four category scores and the first-load transfer size
are printed; the JSON reports go to bench-results/ (gitignored).

This is a benchmark, not a test: it prints numbers and fails only when
Lighthouse cannot run. The static server here is also what the browser tests
use, so they see the same bytes and headers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import os
import posixpath
import shutil
import subprocess
import sys
import threading
import urllib.parse
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import chromium, csp

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = chromium.PATH
CHROMIUM_FLAGS = ("--headless=new", *chromium.QUIET_FLAGS, "--disable-default-apps", "--disable-extensions")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET_BYTES = 64 * 1024

_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class SiteHandler(SimpleHTTPRequestHandler):
    """Serve a built site like a static host: gzip, the _headers file, and 404.html for misses."""

    site_dir: Path
    use_gzip: bool = True
    response_headers: dict[str, str] = {}  # from site/_headers
    extra: dict[str, tuple[str, bytes]] = {}  # path -> (content type, body): test fixtures

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_HEAD(self):  # noqa: N802
        self._serve(head=True)

    def do_GET(self):  # noqa: N802
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        url_path = urllib.parse.urlsplit(self.path).path
        if url_path in self.extra:
            ctype, body = self.extra[url_path]
            return self._send(200, ctype, body, head=head, site_headers=False)
        parts = [p for p in posixpath.normpath(urllib.parse.unquote(url_path)).split("/") if p not in ("", ".", "..")]
        target = self.site_dir.joinpath(*parts)
        if target.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target = target / "index.html"
        status = 200
        if not target.is_file():
            status, target = 404, self.site_dir / "404.html"
            if not target.is_file():
                return self._send(404, "text/plain; charset=utf-8", b"not found\n", head=head)
        ctype, encoding = mimetypes.guess_type(target.name)
        if encoding or not ctype:
            ctype = "application/octet-stream"  # e.g. sitemap.xml.gz: sent as the bytes it is
        elif ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
            ctype += "; charset=utf-8"
        return self._send(status, ctype, target.read_bytes(), head=head)

    def _send(self, status: int, ctype: str, body: bytes, *, head: bool, site_headers: bool = True) -> None:
        accepts = self.headers.get("Accept-Encoding", "")
        compress = self.use_gzip and "gzip" in accepts and ctype.startswith(_COMPRESSIBLE) and len(body) > 256
        if compress:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "no-cache")
        for name, value in self.response_headers.items() if site_headers else ():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser moved on before the body was sent: as on a real host


@contextmanager
def serve(site_dir: str | Path, *, use_gzip: bool = True, apply_headers: bool = True, extra=None):
    """Serve ``site_dir`` on 127.0.0.1 at a random port; yields the base URL (ending in /).

    ``extra`` maps URL paths to (content type, bytes) for test fixture pages; the
    dict may be filled in after the server has started.
    """
    site = Path(site_dir).resolve()
    headers: dict[str, str] = {}
    headers_path = site / csp.HEADERS_FILE
    if apply_headers and headers_path.is_file():
        headers = csp.read_headers(headers_path.read_text(encoding="utf-8"))
    handler = type(
        "BoundSiteHandler",
        (SiteHandler,),
        {"site_dir": site, "use_gzip": use_gzip, "response_headers": headers, "extra": extra if extra is not None else {}},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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
        if url.endswith("search_index.json"):
            kind = "search index"
        elif "/workers/" in url:
            kind = "search worker"
        out[kind] = out.get(kind, 0) + int(item.get("transferSize") or 0)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="medsite.bench_web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", default=str(ROOT / "site"))
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "lighthouse"))
    parser.add_argument("--form", choices=("mobile", "desktop", "both"), default="both")
    args = parser.parse_args(argv)

    site = Path(args.site_dir)
    if not (site / "index.html").is_file():
        print(f"{site}/index.html is missing: run `make site` first", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.is_file():
        print(f"{LIGHTHOUSE} is missing: `make bench-web` installs it (npm ci in bench/lighthouse)", file=sys.stderr)
        return 2
    if not shutil.which("node"):
        print("node is not installed", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    forms = ("mobile", "desktop") if args.form == "both" else (args.form,)
    pages = {"home": "", "longest": longest_page(site)}

    rows = []
    with serve(site, use_gzip=True) as base:
        for label, path in pages.items():
            for form in forms:
                name = f"{label}-{form}"
                report = run_lighthouse(base + path, form=form, out=out_dir / f"{name}.json")
                rows.append((label, "/" + path, form, summarize(report)))

    width = max(len(f"{label} /{path}") for label, path in pages.items()) + 2
    header = f"{'page':<{width}} {'form':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'transfer':>10}"
    print(f"Lighthouse {lighthouse_version()} on {site} (served with gzip), {CHROMIUM}")
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
    for label, path, form, summary in rows:
        if form == forms[0]:
            parts = ", ".join(f"{kind} {size / 1024:.1f}" for kind, size in summary["breakdown"].items())
            print(f"  {label} transfer by kind (KB): {parts}")
        for cat, ids in summary["failing"].items():
            if ids:
                print(f"  {label} {form} {cat}: not full marks on {', '.join(ids)}")
    content = [r for r in rows if r[0] == "longest" and r[3]["transfer_bytes"] is not None]
    if content:
        worst = max(r[3]["transfer_bytes"] for r in content)
        verdict = "within" if worst <= TARGET_BYTES else "OVER"
        print(f"First-load transfer of the longest content page: {worst / 1024:.1f} KB ({verdict} the 64 KB budget)")
        print("  (Lighthouse counts the search worker's script only in part; gzip it yourself for the full figure.)")
    (out_dir / "summary.json").write_text(
        json.dumps([{"page": p, "form": f, **s} for _, p, f, s in rows], indent=2), encoding="utf-8"
    )
    print(f"Reports: {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
