"""The tests' local HTTP server: pytest_httpserver's, stopped at once instead of after up to half a second.

`socketserver`'s serve_forever looks for a shutdown request every `poll_interval` (0.5 s by default), so
each `stop()` waited for it: half a second per test that starts a server.
"""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from medsite.core.localserver import POLL_SECONDS


class LocalHTTPServer(HTTPServer):
    def thread_target(self) -> None:
        assert self.server is not None
        self.server.serve_forever(poll_interval=POLL_SECONDS)
