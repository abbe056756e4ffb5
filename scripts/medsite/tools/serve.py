"""`make serve`: the live preview on a port of your choice, rebuilt when anything the site reads changes.

Checks that the port is free first, so a busy port is one plain line rather
than a traceback, then hands over to `mkdocs serve`. Besides docs/ (which
MkDocs watches anyway) the preview rebuilds when the snippets in includes/,
the templates, the gate settings, the lock file or the bibliography change.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

# What the build reads besides docs/ and mkdocs.yml. Add the offer-facts data file here when it exists.
WATCHED = ("includes", "overrides", "gate.yml", "verification.lock.json", "data")


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def watch_args(root: Path, bibliography: str | None) -> list[str]:
    paths = [*WATCHED, *([bibliography] if bibliography else [])]
    out: list[str] = []
    for rel in dict.fromkeys(paths):
        if (root / rel).exists() and not rel.startswith("docs/"):
            out += ["--watch", rel]
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="make serve", description=__doc__.splitlines()[0])
    p.add_argument("--port", default=os.environ.get("PORT") or "8000")
    p.add_argument("--host", default="127.0.0.1")
    args = p.parse_args(argv)
    if not str(args.port).isdigit() or not 0 < int(args.port) < 65536:
        print(f"serve: PORT={args.port} is not a port number; use one such as PORT=8001", file=sys.stderr)
        return 2
    port = int(args.port)
    if port_in_use(args.host, port):
        print(f"serve: port {port} is already in use (is another preview running?); "
              f"stop it, or choose another port: make serve PORT={port + 1}", file=sys.stderr)
        return 1
    from medsite.verify.services import read_mkdocs

    try:
        bibliography = read_mkdocs("mkdocs.yml").bibliography
    except Exception:  # noqa: BLE001 - MkDocs itself reports a broken mkdocs.yml, in its own words
        bibliography = None
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"{args.host}:{port}", *watch_args(Path("."), bibliography)]
    print(f"serve: preview at http://{args.host}:{port}/ (stop with Ctrl+C)", file=sys.stderr)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.execv(sys.executable, cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
