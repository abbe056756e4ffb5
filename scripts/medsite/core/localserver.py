"""Run a standard-library server on 127.0.0.1 in a thread for as long as a `with` block lasts."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import partial
from socketserver import BaseServer

# How often the serving loop looks for shutdown(): the default 0.5 s made every stop wait up to that long.
POLL_SECONDS = 0.02


@contextmanager
def running(server: BaseServer, name: str = "local-server"):
    """Serve in a daemon thread; yields the base URL without a trailing slash; always shuts down and closes."""
    thread = threading.Thread(target=partial(server.serve_forever, poll_interval=POLL_SECONDS), name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
