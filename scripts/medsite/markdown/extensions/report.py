"""Where the extensions' diagnostics go: objects to a JSON-lines file, or a log line.

`make site` sets MEDSITE_DIAGNOSTICS to a file outside the site folder and reads
the Diagnostic objects back (build.py), whichever engine ran: nothing is parsed
out of log text. Without it (`mkdocs serve`, `zensical serve`, a plain
`markdown.markdown` call) each diagnostic is logged once as a warning, which the
engines print in the terminal.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from medsite.core.diagnostics import Diagnostic

ENV = "MEDSITE_DIAGNOSTICS"
# MkDocs shows only loggers under "mkdocs"; Zensical passes every log record through to stderr.
log = logging.getLogger("mkdocs.plugins.medsite")


def send(diagnostic: Diagnostic) -> None:
    target = os.environ.get(ENV)
    if target:
        with open(target, "a", encoding="utf-8") as out:  # one line per write: appends do not interleave
            out.write(json.dumps(diagnostic.to_dict()) + "\n")
    else:
        log.warning(diagnostic.text())


def read(path: Path) -> list[Diagnostic]:
    """The diagnostics a build wrote, each once, in the order they were found."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found: dict[str, Diagnostic] = {}
    for line in lines:
        try:
            diagnostic = Diagnostic.from_dict(json.loads(line))
        except ValueError:
            diagnostic = None
        if diagnostic is not None:  # else a line cut short by a killed engine
            found.setdefault(diagnostic.text(), diagnostic)
    return list(found.values())
