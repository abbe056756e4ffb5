"""Run one engine (MkDocs or Zensical) into the staging folder; return what it reported as diagnostics.

Our own steps inside the engine (the Markdown extensions in medsite.markdown.extensions, and on
MkDocs the CSP hooks) write their Diagnostic objects as JSON lines to the file
named by MEDSITE_DIAGNOSTICS; they are read back as they were written. Only the
engine's own messages are read from its log: MkDocs' warnings (pages missing from
the menu, broken links) as before (engine_log.py), and for either engine the line
that says why it stopped, as one BUILD001.

- MkDocs: `mkdocs build --strict --clean --site-dir <staging>`.
- Zensical: it has no --site-dir, and its site_dir must lie inside the project:
  a generated config that INHERITs mkdocs.yml and sets site_dir to the staging
  folder, always with --clean (its Markdown cache does not see changes to the
  bibliography or to our code). Its link warnings are left to the gate, which
  checks links in the output whichever engine wrote it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from medsite.build import engine_log
from medsite.core import stopping
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.markdown.extensions import report

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("BUILD001", ERROR,
         what="MkDocs could not build the site (a template, snippet or Markdown extension failed).",
         why="Nothing can be published.",
         fix="Read the message; it names the page or file where MkDocs stopped.",
         where="situation",
         bad="mkdocs.yml no longer parses, and MkDocs stops: 'mkdocs.yml: BUILD001 MkDocs stopped: Error: MkDocs encountered an error parsing the configuration file ...'",
         good="mkdocs.yml parses, and names only the extensions and options the site installs."),
)

ENGINES = ("mkdocs", "zensical")
DOCS = "docs"  # the project layout's content folder, as MkDocs names pages in its messages
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MISSING_LINK = re.compile(r"Doc file '(?P<doc>[^']+)' contains a link '(?P<link>[^']+)', but (?P<why>.*)")
DOC_FILE = re.compile(r"Doc file '(?P<doc>[^']+)'|page '(?P<page>[^']+)'|Error reading page '(?P<read>[^']+)'")
# Zensical's reason for stopping, e.g. "RuntimeError: error reading page metadata 'bad.md': invalid ..."
_ZENSICAL_ERROR = re.compile(r"^(?:RuntimeError|Error): (?P<msg>.*)$")
_ZENSICAL_PAGE = re.compile(r"'(?P<page>[^']+\.md)'")


REFUSED_INPUT = {"INPUT001", "INPUT002"}  # aliased or oversized input: no engine may read it


def refused_pages(root: Path, docs_dir: str = DOCS) -> list[Diagnostic]:
    """Pages whose front matter no engine may read: YAML aliases (a few lines can expand to
    gigabytes in the engine's own loader) or oversized values. Checked before the engine runs;
    the gate reports every other fault of a page."""
    from medsite.sources import frontmatter
    from medsite.sources.gate_settings import load_config

    limits = load_config(root / "gate.yml", "gate.yml")[0]["limits"]
    refused = []
    for path in sorted((root / docs_dir).rglob("*.md")):
        try:
            frontmatter.read(path, path.relative_to(root).as_posix(), limits)
        except Exception as exc:  # noqa: BLE001 - only DiagnosticError carries diagnostics; the gate reports the rest
            refused += [d for d in getattr(exc, "diagnostics", []) if d.code in REFUSED_INPUT]
    return refused


def _from_mkdocs_log(message: str, root: Path) -> Diagnostic:
    """One MkDocs log line as a diagnostic; under --strict every warning stops the build, so all are errors."""
    m = MISSING_LINK.match(message)
    if m:
        path = f"{DOCS}/{m['doc']}"
        code = "LNK002" if "anchor" in m["why"] else "LNK001"
        link = m["link"]
        return Diagnostic(code, f"link '{link}': {m['why'].rstrip('.')}", path,
                          engine_log.link_line(root / path, link), target=link)
    m = DOC_FILE.search(message)
    path = f"{DOCS}/{next(g for g in m.groups() if g)}" if m else "mkdocs.yml"
    return Diagnostic("BUILD001", message.strip(), path)


def _ours(message: str) -> bool:
    """A log record our extensions wrote: when MEDSITE_DIAGNOSTICS is set they write none, but a
    third-party step may log through MkDocs' logger in our format; its object is in the file."""
    return bool(re.match(r"^[^\s:]+:\d+(?::\d+)?: [A-Z]+\d{3} ", message))


def _stopped(output: str, engine: str) -> Diagnostic:
    lines = [_ANSI.sub("", line).strip() for line in output.splitlines()]
    lines = [line for line in lines if line]
    if engine == "mkdocs":  # MkDocs says "Error: <what>" and then where, on the last line
        error = next((line for line in lines if line.startswith("Error:")), "")
        last = lines[-1] if lines else "mkdocs failed"
        message = f"{error} {last}".strip() if error != last else error
        return Diagnostic("BUILD001", f"MkDocs stopped: {message}", "mkdocs.yml")
    reason = next((m["msg"] for m in map(_ZENSICAL_ERROR.match, reversed(lines)) if m), None)
    reason = reason or (lines[-1] if lines else f"{engine} failed")
    page = _ZENSICAL_PAGE.search(reason)
    path = f"{DOCS}/{page['page']}" if page else "mkdocs.yml"
    reason = reason.removeprefix("Python error: ")
    return Diagnostic("BUILD001", f"Zensical stopped: {reason}", path,
                      hint="read the message: it names the page, template or setting where the engine stopped")


def _command(engine: str, root: Path, staging: Path) -> tuple[list[str], Path | None]:
    if engine == "mkdocs":
        return [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(staging)], None
    config = root / f".zensical-{os.getpid()}.yml"  # inside the project: Zensical resolves site_dir against it
    site_dir = os.path.relpath(staging, root)
    # variant classic: Material's look and sizes (the default "modern" variant's CSS and icons
    # put every page over the gate's first-load budget, PERF001).
    config.write_text(f"# Generated by medsite.build.engines for one build; removed after it.\nINHERIT: mkdocs.yml\n"
                      f"site_dir: {site_dir}\ntheme:\n  variant: classic\n", encoding="utf-8")
    zensical = Path(sys.executable).with_name("zensical")
    return [str(zensical), "build", "--clean", "-f", str(config)], config


def build(engine: str, root: Path, staging: Path) -> tuple[bool, list[Diagnostic]]:
    """Run the engine; (whether it wrote the whole site, diagnostics)."""
    with tempfile.NamedTemporaryFile("w", prefix="medsite-diagnostics-", suffix=".jsonl", delete=False) as sink:
        sink_path = Path(sink.name)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1", report.ENV: str(sink_path)}
    cmd, generated = _command(engine, root, staging)
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                              preexec_fn=stopping.die_with_parent)
        ours = report.read(sink_path)
    finally:
        sink_path.unlink(missing_ok=True)
        if generated:
            generated.unlink(missing_ok=True)
    output = (proc.stdout or "") + (proc.stderr or "")
    diagnostics = list(ours)
    if engine == "mkdocs":
        for message in engine_log.records(output):  # multi-line records kept whole (engine_log.py)
            if not _ours(message):
                diagnostics.extend(engine_log.explain(message, DOCS, staging, lambda first: _from_mkdocs_log(first, root)))
        # Under --strict MkDocs writes the whole site and only then aborts on the warnings it logged,
        # so that output is complete and the gate checks it too.
        wrote_everything = proc.returncode == 0 or "in strict mode!" in output
    else:
        wrote_everything = proc.returncode == 0
    if proc.returncode != 0 and not (diagnostics and engine == "mkdocs"):
        diagnostics.append(_stopped(output, engine))
    return wrote_everything, diagnostics
