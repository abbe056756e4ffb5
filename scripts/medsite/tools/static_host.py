"""A built site served from 127.0.0.1 as a static host serves it: gzip, the headers of
``site/_headers``, 404.html for misses and a redirect for folders without their slash.

Used by `make bench-web` and by the browser tests, so both see the same bytes and headers.
"""

from __future__ import annotations

import contextlib
import gzip
import mimetypes
import posixpath
import urllib.parse
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from medsite.core.localserver import running
from medsite.output import csp

_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class SiteHandler(SimpleHTTPRequestHandler):
    """Serve a built site like a static host: gzip, the _headers file, and 404.html for misses."""

    site_dir: Path
    use_gzip: bool = True
    response_headers: dict[str, str] = {}  # from site/_headers
    extra: dict[str, tuple[str, bytes]] = {}  # path -> (content type, body): test fixtures

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self._serve(head=True)

    def do_GET(self):
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
            # The browser may move on before the body is sent: as on a real host.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)


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
    with running(server, "site-server") as base:
        yield base + "/"
