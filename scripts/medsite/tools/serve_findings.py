"""`make serve` only: after every rebuild, the same checks as `make site`, shown in the pages being previewed.

`make site` builds, then gates the sources and the built pages (medsite.gate.run.gate_build). The
preview does the same on each rebuild, over the folder `mkdocs serve` has just written: our
extensions' diagnostics (as objects, through the same file `make site` reads), MkDocs' own warnings
(read with the same code as `make site` reads its log, so an unresolved link is LNK001 at the
source line, not an uncoded terminal line), the search index and every gate check. Then each problem
shows

- in the terminal, as `make site` prints it (the same folded lines, the same count);
- in the page it belongs to: a box at the top, and a numbered mark at its place when the page
  shows it (the link, the image, the cited key, the word, or the paragraph of its source line);
- on a site-wide list (PROBLEMS_PAGE), linked from a bar on every page while there are any.

None of this happens in `make site`: the hooks switch it on only when MkDocs runs `serve`. The gate
runs over the pages before any box is added, so the boxes are never checked themselves.
"""

from __future__ import annotations

import atexit
import html
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, Severity
from medsite.core.urls import linked_anchor
from medsite.markdown.extensions import report
from medsite.output import csp
from medsite.sources import pageurls

log = logging.getLogger("mkdocs.plugins.medsite.preview")

BOX_CLASS = "medsite-preview-problems"
MARK_CLASS = "medsite-preview-problem"
BAR_CLASS = "medsite-preview-sitewide"
PROBLEMS_PAGE = "preview-problems/index.html"  # in the served folder only; `make site` never writes it
OURS = "mkdocs.plugins.medsite"  # our own loggers: what they say reaches the report as objects already
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">')
# Shown on every page: errors not tied to one page (bibliography, settings, lock file, snippets).
_SHARED_PREFIXES = ("docs/references", "gate.yml", "mkdocs.yml", "verification.lock.json", "includes/")
_MARKDOWN_PUNCTUATION = re.compile(r"\[\^?[^\]]*\]\([^)]*\)|\[@[^\]]*\]|[*_`>#|]+|\{[^}]*\}|^\s*(?:[-+]|\d+\.)\s+")


class _EngineLog(logging.Handler):
    """MkDocs' own warnings during a rebuild, kept as the log lines `make site` reads (engine_log)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(OURS):
            self.lines.append(f"{record.levelname} -  {record.getMessage()}")


@dataclass
class Preview:
    enabled: bool = False
    root: Path | None = None
    sink: Path | None = None  # where our extensions write their diagnostics (report.ENV), as in `make site`
    engine_log: _EngineLog = field(default_factory=_EngineLog)
    found: list[Diagnostic] = field(default_factory=list)  # everything, counted
    shown: list[Diagnostic] = field(default_factory=list)  # as the terminal shows it (quiet_warnings folded)

    def start(self, command: str) -> None:
        self.enabled = command == "serve"
        if not self.enabled or self.sink is not None:
            return
        fd, name = tempfile.mkstemp(prefix="medsite-preview-", suffix=".jsonl")
        os.close(fd)
        self.sink = Path(name)
        atexit.register(self.sink.unlink, missing_ok=True)
        os.environ[report.ENV] = name
        logging.getLogger("mkdocs").addHandler(self.engine_log)

    def begin(self) -> None:
        """A rebuild starts: forget what the last one said."""
        if self.enabled:
            self.sink.write_text("", encoding="utf-8")
            self.engine_log.lines.clear()

    def failed(self) -> None:
        """The rebuild stopped (a page refused as input, say): say why in the terminal."""
        if self.enabled:
            for d in report.read(self.sink):
                log.error(d.text())

    def check(self, site, site_dir: Path) -> None:
        """Gate the rebuilt pages as `make site` gates its staging folder, then show what it found."""
        if not self.enabled:
            return
        from medsite.build.engines import ENGINES
        from medsite.gate import formatters
        from medsite.gate.cli import shown
        from medsite.gate.project import Project
        from medsite.gate.run import gate_build
        from medsite.output.after_engine import write_outputs

        engine = ENGINES["mkdocs"]
        self.root = site.root
        built = report.read(self.sink) + engine.read_log("\n".join(self.engine_log.lines), site, site_dir)
        built += write_outputs(site, site_dir)  # search and the feed work in the preview, checked as in `make site`
        project = Project(site.root, site_dir, engine=engine, sources=site)
        self.found = gate_build(project, built)
        self.shown = shown(self.found, project, verbose=False)
        if self.shown:
            log.warning(
                "preview: the checks over this rebuild, as `make site` will report them:\n"
                + formatters.text(self.shown, counted=self.found)
            )
        show_in_pages(site, site_dir, self.found, self.shown)


def _owner(d: Diagnostic, by_source: dict[str, str]) -> str | None:
    """The built page (site-relative) a diagnostic belongs to, if any."""
    where = d.where_to_edit.path
    if where in by_source:
        return by_source[where]
    if d.path.startswith("site/"):
        return d.path[len("site/") :]
    return None


def show_in_pages(site, site_dir: Path, found: list[Diagnostic], shown: list[Diagnostic]) -> None:
    """Each page with its own problems in a box and marked in place; the site-wide bar and list page."""
    by_source = {p.rel: pageurls.html_file(p.uri) for p in site.pages}
    listed = set(shown)  # a folded warning (never verified, not disclosed) is on the list page, not in pages
    per_page: dict[str, list[Diagnostic]] = {}
    shared = [d for d in shown if d.severity is Severity.ERROR and d.where_to_edit.path.startswith(_SHARED_PREFIXES)]
    for d in found:
        owner = _owner(d, by_source)
        if owner and d in listed:
            per_page.setdefault(owner, []).append(d)
    bar = _bar(found) if found else ""
    sources = {pageurls.html_file(p.uri): p.path for p in site.pages}
    for path in sorted(site_dir.rglob("*.html")):
        html_rel = path.relative_to(site_dir).as_posix()
        try:
            output = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        output = csp.without_policy(output)  # checked with it, as `make site` ships it; served without, for live reload
        if html_rel in sources or html_rel in per_page:
            own = per_page.get(html_rel, [])
            problems = own + [d for d in shared if d not in own]
            lines = _read_lines(sources[html_rel]) if html_rel in sources else []
            output = page_html(output, problems, lines, bar, html_rel)
        path.write_text(output, encoding="utf-8")
    (site_dir / PROBLEMS_PAGE).parent.mkdir(parents=True, exist_ok=True)
    (site_dir / PROBLEMS_PAGE).write_text(_list_page(shown, found, by_source), encoding="utf-8")


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _counts(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    return errors, len(diagnostics) - errors


def _relative(html_rel: str, target: str) -> str:
    """A link from one built page to another file of the site, relative (the preview may be served under a path)."""
    depth = html_rel.count("/")
    return "../" * depth + target


def page_html(
    output: str, problems: list[Diagnostic], source_lines: list[str], bar: str = "", html_rel: str = ""
) -> str:
    """The page with its problems: a numbered mark at each one's place that can be found, and the box at the top."""
    m = _ARTICLE.search(output)
    start = m.end() if m else 0
    marks: list[tuple[int, str]] = []
    marked: set[int] = set()
    for number, d in enumerate(problems, 1):
        at = _place(output, start, d, source_lines)
        if at is not None:
            marks.append((at, _mark(d, number)))
            marked.add(number)
    for at, mark in sorted(marks, reverse=True):
        output = output[:at] + mark + output[at:]
    top = bar.replace("{list}", html.escape(_relative(html_rel, PROBLEMS_PAGE), quote=True))
    top += problems_box(problems, marked) if problems else ""
    if not top:
        return output
    if m:
        return output[:start] + top + output[start:]
    return output.replace("<body>", "<body>" + top, 1) if "<body>" in output else top + output


def _mark_id(number: int) -> str:
    return f"medsite-problem-{number}"


def _mark(d: Diagnostic, number: int) -> str:
    title = html.escape(f"{d.code} {d.message}; fix: {d.hint or ''}", quote=True)
    return (
        f'<mark class="{MARK_CLASS}" id="{_mark_id(number)}" data-code="{html.escape(d.code, quote=True)}" '
        f'title="{title}">{number}: {html.escape(d.code)}</mark>'
    )


def _outside_tags(output: str, at: int) -> bool:
    return output.rfind("<", 0, at) <= output.rfind(">", 0, at)


def _place(output: str, start: int, d: Diagnostic, source_lines: list[str]) -> int | None:
    """Where in the page the problem is: before the element that links or shows its target, else before
    the text of its target or of its source line; None when the page does not show it."""
    target = d.target or ""
    if target:
        for value in dict.fromkeys((target, linked_anchor(target) and f"#{linked_anchor(target)}")):
            if not value:
                continue
            attribute = re.compile(r'(?:href|src)="[^"]*' + re.escape(html.escape(value, quote=True)) + '"')
            for hit in attribute.finditer(output, start):
                tag = output.rfind("<", 0, hit.start())
                if tag >= start:
                    return tag
    needles = ([f"[@{target}", f"@{target}"] if d.code.startswith("REF") else [target]) if target else []
    line = d.where_to_edit.line
    if line and 0 < line <= len(source_lines):
        words = _MARKDOWN_PUNCTUATION.sub(" ", source_lines[line - 1]).split()
        needles += [" ".join(words[:n]) for n in (6, 4, 2) if len(words) >= n]
    for needle in needles:
        escaped = html.escape(needle, quote=False)
        if len(needle) < 3:
            continue
        at = output.find(escaped, start)
        while at != -1 and not _outside_tags(output, at):
            at = output.find(escaped, at + 1)
        if at != -1:
            return at
    return None


def _item(d: Diagnostic, href: str | None = None) -> str:
    where = f"{d.where_to_edit}" + (f" (built: {d.path})" if d.source else "")
    level = "warning" if d.severity is Severity.WARNING else "error"
    fix = f" <strong>Fix:</strong> {html.escape(d.hint)}" if d.hint else ""
    at = f' <a href="{html.escape(href, quote=True)}">show in the page</a>' if href else ""
    loc = d.where_to_edit
    return (
        f'<li data-code="{html.escape(d.code, quote=True)}" data-path="{html.escape(loc.path, quote=True)}" '
        f'data-line="{loc.line or ""}"><code>{html.escape(where)}</code> {html.escape(d.code)} '
        f"({level}): {html.escape(d.message)}.{fix}{at}</li>"
    )


def problems_box(problems: list[Diagnostic], marked: set[int] = frozenset()) -> str:
    """The box at the top of a page: its problems, each linked to its mark when the page shows one
    (also the pull request's one-file preview, medsite.tools.review.pr_preview)."""
    errors, warnings = _counts(problems)
    kind = "failure" if errors else "warning"
    title = f"Preview only, not published: the checks will report {errors} error(s) and {warnings} warning(s) here"
    items = "".join(_item(d, f"#{_mark_id(n)}" if n in marked else None) for n, d in enumerate(problems, 1))
    return (
        f'<div class="admonition {kind} {BOX_CLASS}" role="alert" data-search-exclude data-pagefind-ignore>'
        f'<p class="admonition-title">{html.escape(title)}</p><ul>{items}</ul></div>'
    )


def _bar(found: list[Diagnostic]) -> str:
    errors, warnings = _counts(found)
    kind = "failure" if errors else "info"
    return (
        f'<div class="admonition {kind} {BAR_CLASS}" role="status" data-search-exclude data-pagefind-ignore>'
        f"<p>Preview: <code>make site</code> will report {errors} error(s), {warnings} warning(s) for the whole "
        f'site. <a href="{{list}}">See every problem</a>.</p></div>'
    )


def _list_page(shown: list[Diagnostic], found: list[Diagnostic], by_source: dict[str, str]) -> str:
    errors, warnings = _counts(found)
    items = []
    for d in shown:
        owner = _owner(d, by_source)
        items.append(_item(d, f"../{pageurls.file_url(owner)}" if owner else None))
    body = "".join(items) or "<li>Nothing to fix.</li>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview: every problem</title></head>'
        f'<body><main><h1>Every problem the checks will report</h1><p class="{BAR_CLASS}">gate: {errors} error(s), '
        f"{warnings} warning(s) (as <code>make site</code> counts them; repeated warnings nobody can act on "
        f'are one line each, <code>make site VERBOSE=1</code> lists them)</p><ul class="{BOX_CLASS}">{body}</ul>'
        "</main></body></html>\n"
    )


preview = Preview()
