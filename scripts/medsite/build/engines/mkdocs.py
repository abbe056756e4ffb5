"""MkDocs 1.x with Material: the default engine (`mkdocs build --strict` into the staging folder).

Its warnings are read from its log (medsite.build.engine_log: pages missing from the menu, broken
links and anchors, each at the page); under --strict every warning stops the build, so all are
errors. Our hooks (scripts/mkdocs_hooks.py) make the CSP as each page is written.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from medsite.build import engine_log
from medsite.build.engines.base import Engine, build_failed, log_lines, package_folder, write_config
from medsite.core.diagnostics import Diagnostic
from medsite.sources import settings
from medsite.sources.site import Site

MISSING_LINK = re.compile(r"Doc file '(?P<doc>[^']+)' contains a link '(?P<link>[^']+)', but (?P<why>.*)")
DOC_FILE = re.compile(r"Doc file '(?P<doc>[^']+)'|page '(?P<page>[^']+)'|Error reading page '(?P<read>[^']+)'")
OURS = re.compile(r"^[^\s:]+:\d+(?::\d+)?: [A-Z]+\d{3} ")



def _docs(site: Site) -> str:
    """The content folder as diagnostics name it (MkDocs names pages relative to it)."""
    return os.path.relpath(site.docs_dir, site.root).replace(os.sep, "/")


class MkDocs(Engine):
    name = "mkdocs"
    label = "MkDocs"
    module = "mkdocs"
    csp_inside = True

    def config(self, site: Site, **settings_for_engine) -> Path:
        """The generated configuration this engine reads instead of mkdocs.yml (`make site`, `make serve`)."""
        return write_config(site, self.name, **settings_for_engine)

    def command(self, site: Site, staging: Path) -> tuple[list[str], Path | None]:
        config = self.config(site)
        return [sys.executable, "-m", self.module, "build", "--strict", "--clean", "--config-file", str(config),
                "--site-dir", str(staging)], config

    def _from_log(self, message: str, site: Site) -> Diagnostic:
        """One log line as a diagnostic."""
        docs = _docs(site)
        m = MISSING_LINK.match(message)
        if m:
            path = f"{docs}/{m['doc']}"
            code = "LNK002" if "anchor" in m["why"] else "LNK001"
            link = m["link"]
            return Diagnostic(code, f"link '{link}': {m['why'].rstrip('.')}", path,
                              engine_log.link_line(site.root / path, link), target=link)
        m = DOC_FILE.search(message)
        path = f"{docs}/{next(g for g in m.groups() if g)}" if m else settings.MKDOCS
        return build_failed(message.strip(), path)

    def read_log(self, output: str, site: Site, staging: Path) -> list[Diagnostic]:
        found = []
        for message in engine_log.records(output):  # multi-line records kept whole (engine_log.py)
            # A third-party step may log through MkDocs' logger in our format: its object is in the file.
            if not OURS.match(message):
                found.extend(engine_log.explain(message, _docs(site), staging, lambda first: self._from_log(first, site),
                                                 site.root))
        return found

    def wrote_everything(self, returncode: int, output: str) -> bool:
        # Under --strict the engine writes the whole site and only then aborts on the warnings it
        # logged, so that output is complete and the gate checks it too.
        return returncode == 0 or "in strict mode!" in output

    def failure_explained(self, diagnostics: list[Diagnostic]) -> bool:
        return bool(diagnostics)

    def stopped(self, output: str, site: Site) -> Diagnostic:
        lines = log_lines(output)  # "Error: <what>", and then where, on the last line
        error = next((line for line in lines if line.startswith("Error:")), "")
        last = lines[-1] if lines else f"{self.name} failed"
        message = f"{error} {last}".strip() if error != last else error
        return build_failed(f"{self.label} stopped: {message}", settings.MKDOCS)

    def theme_dirs(self) -> list[Path]:
        material = package_folder("material", "templates")
        return [material] if material else []


ENGINE = MkDocs()
