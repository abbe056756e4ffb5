"""`make serve` only: show what the gate will say, inside the page being previewed and in the terminal.

On every rebuild the gate's source checks run (the same code as `make check
--source-only`: fast, no built site needed). Each problem then shows

- in the terminal, as a WARNING line `path:line: CODE message; fix: ...`;
- at the top of the page it belongs to, in a box that says it is not
  published; problems of the bibliography and settings show on every page;
- at an unknown citation, as a highlighted `[@key]` with the message on hover.

None of this happens in `make site`: the hooks switch it on only when MkDocs
runs the `serve` command.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, Severity

log = logging.getLogger("mkdocs.plugins.medsite.preview")

BOX_CLASS = "medsite-preview-problems"
MARK_CLASS = "medsite-preview-problem"
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
# Shown on every page: problems not tied to one page (bibliography, settings, lock file).
_SHARED_PREFIXES = ("docs/references", "gate.yml", "mkdocs.yml", "verification.lock.json", "includes/")


@dataclass
class Preview:
    enabled: bool = False
    root: Path | None = None
    by_path: dict[str, list[Diagnostic]] = field(default_factory=dict)
    shared: list[Diagnostic] = field(default_factory=list)

    def start(self, command: str) -> None:
        self.enabled = command == "serve"

    def check(self, root: Path) -> None:
        """Run the gate's source checks; remember the problems; print them."""
        if not self.enabled:
            return
        from medsite.gate.cli import shown
        from medsite.gate.project import Project
        from medsite.gate.run import run

        self.root = root
        project = Project(root, None)
        found = shown(run(project, source_only=True), project, verbose=False)
        self.by_path, self.shared = {}, []
        for d in found:
            if d.path.startswith(_SHARED_PREFIXES) or d.path.endswith((".yaml", ".yml", ".json")):
                self.shared.append(d)
            else:
                self.by_path.setdefault(d.path, []).append(d)
            if d.code != "REF001":  # the citation hook already prints unknown keys
                log.warning(d.text())
        errors = sum(d.severity is Severity.ERROR for d in found)
        if found:
            log.warning(f"preview: the checks will report {errors} error(s), {len(found) - errors} warning(s); "
                        "they are also shown at the top of each page concerned")

    def page_html(self, output: str, src_path: str) -> str:
        """The page with its problems shown (unchanged outside `make serve`)."""
        if not self.enabled or self.root is None:
            return output
        try:
            rel = Path(src_path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return output
        own = self.by_path.get(rel, [])
        # Errors in the bibliography or settings matter on every page; their warnings (such as
        # "never verified online") stay in the terminal, or every page would carry the same box.
        problems = own + [d for d in self.shared if d.severity is Severity.ERROR]
        if not problems:
            return output
        output = _mark_citations(output, [d for d in own if d.code == "REF001"])
        box = _box(problems)
        m = _ARTICLE.search(output)
        if m:
            return output[: m.end()] + box + output[m.end():]
        return output.replace("<body>", "<body>" + box, 1) if "<body>" in output else box + output


def _item(d: Diagnostic) -> str:
    where = f"{d.location}" + (f" (from {d.source})" if d.source else "")
    level = "warning" if d.severity is Severity.WARNING else "error"
    fix = f" <strong>Fix:</strong> {html.escape(d.hint)}" if d.hint else ""
    return (f'<li data-code="{html.escape(d.code)}"><code>{html.escape(where)}</code> {html.escape(d.code)} '
            f"({level}): {html.escape(d.message)}.{fix}</li>")


def _box(problems: list[Diagnostic]) -> str:
    errors = sum(d.severity is Severity.ERROR for d in problems)
    kind = "failure" if errors else "warning"
    title = (f"Preview only, not published: the checks will report {errors} error(s) and "
             f"{len(problems) - errors} warning(s) here")
    items = "".join(_item(d) for d in problems)
    return (f'<div class="admonition {kind} {BOX_CLASS}" role="alert" data-search-exclude>'
            f'<p class="admonition-title">{html.escape(title)}</p><ul>{items}</ul></div>')


def _mark_citations(output: str, unknown: list[Diagnostic]) -> str:
    """Highlight each `[@key]` group that holds an unknown key, with the message on hover."""
    for d in unknown:
        if not d.target:
            continue
        group = re.compile(r"\[[^\[\]<>]*@" + re.escape(html.escape(d.target)) + r"(?![\w:.#$%&\-+?<>~/])[^\[\]<>]*\]")
        title = html.escape(f"{d.code} {d.message}; fix: {d.hint or ''}", quote=True)
        output = group.sub(lambda m, title=title: f'<mark class="{MARK_CLASS}" title="{title}">{m.group(0)}</mark>', output)
    return output


preview = Preview()
