"""`make serve`: the live preview on a port of your choice, rebuilt when anything the site reads changes.

Checks that the port is free first, so a busy port is one plain line rather
than a traceback, then runs `mkdocs serve` on the configuration `make site` would
give MkDocs: generated from mkdocs.yml as our loader reads it (no YAML tags, the
settings that run code held to their lock), so the preview refuses what `make site`
refuses, with the same lines, and MkDocs' own loader never reads mkdocs.yml.
Besides docs/ (which MkDocs watches anyway) the preview rebuilds when the snippets
in includes/, the templates, the gate settings, the lock file or the bibliography
change; a change to mkdocs.yml needs a restart (it is read once, here).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from medsite.core import stopping

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
    from medsite.build import engines
    from medsite.gate import formatters
    from medsite.gate.rules import with_fix
    from medsite.sources.site import Site

    site, _ = Site.load(Path("."))
    refused = engines.refused_input(site)  # what `make site` refuses before any engine runs
    if refused:
        print(formatters.lines([with_fix(d) for d in refused]), file=sys.stderr)
        print("serve: not started; fix the lines above (mkdocs.yml is read once, when the preview starts)", file=sys.stderr)
        return 1
    config = engines.ENGINES["mkdocs"].config(site)
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config), "--dev-addr", f"{args.host}:{port}",
           *watch_args(Path("."), site.bibliography_path)]
    print(f"serve: preview at http://{args.host}:{port}/ (stop with Ctrl+C; restart after editing mkdocs.yml)",
          file=sys.stderr)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return run_until_stopped(cmd, config)


def run_until_stopped(cmd: list[str], config: Path) -> int:
    """Run the preview; a stop signal is passed on to it, and the generated configuration removed after."""
    child = subprocess.Popen(cmd, preexec_fn=stopping.die_with_parent)

    def pass_on(signum, _frame):
        if signum != signal.SIGINT:  # Ctrl+C already reached the preview, which is in our process group
            child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    try:
        return child.wait()
    finally:
        config.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
