"""`make site`: build into a staging folder, gate it, and only then replace site/.

MkDocs runs in a subprocess with --strict (and `validation` in mkdocs.yml for
links and anchors). Its log lines become diagnostics; a crash inside MkDocs
becomes one BUILD001 line instead of a traceback. site/ is replaced only when
the build and the gate both pass, so a bad change never loses the last good site.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .diagnostics import Diagnostic
from .gate import cli as gate_cli
from .gate.project import Project
from .gate.run import run as run_gate
from .search_index import build_index as build_search_index

DOCS = "docs"  # the project layout's content folder, as MkDocs names pages in its messages
LOG_LINE = re.compile(r"^(ERROR|WARNING)\s+-\s+(.*)$")
OURS = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<code>[A-Z]+\d{3}) (?P<msg>.*)$")
MISSING_LINK = re.compile(r"Doc file '(?P<doc>[^']+)' contains a link '(?P<link>[^']+)', but (?P<why>.*)")
DOC_FILE = re.compile(r"Doc file '(?P<doc>[^']+)'|page '(?P<page>[^']+)'|Error reading page '(?P<read>[^']+)'")


def _line_containing(path: Path, needle: str) -> int | None:
    try:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return i
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _from_log(message: str, root: Path) -> Diagnostic:
    """One MkDocs log line as a diagnostic; under --strict every warning stops the build, so all are errors."""
    m = OURS.match(message)
    if m:  # our own hooks already speak the gate's format
        return Diagnostic(m["code"], m["msg"], m["path"], int(m["line"]), int(m["col"]) if m["col"] else None)
    m = MISSING_LINK.match(message)
    if m:
        path = f"{DOCS}/{m['doc']}"
        code = "LNK002" if "anchor" in m["why"] else "LNK001"
        link = m["link"]
        return Diagnostic(code, f"link '{link}': {m['why'].rstrip('.')}", path, _line_containing(root / path, link.split("#")[0] or link), target=link)
    m = DOC_FILE.search(message)
    path = f"{DOCS}/{next(g for g in m.groups() if g)}" if m else "mkdocs.yml"
    return Diagnostic("BUILD001", message.strip(), path)


def mkdocs_build(root: Path, staging: Path) -> tuple[bool, list[Diagnostic]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(staging)]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    output = (proc.stdout or "") + (proc.stderr or "")
    diagnostics = []
    for raw in output.splitlines():
        m = LOG_LINE.match(raw.strip())
        if m:
            diagnostics.append(_from_log(m.group(2), root))
    if proc.returncode != 0 and not diagnostics:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        error = next((line for line in lines if line.startswith("Error:")), "")
        last = lines[-1] if lines else "mkdocs failed"
        message = f"{error} {last}".strip() if error != last else error
        diagnostics.append(Diagnostic("BUILD001", f"MkDocs stopped: {message}", "mkdocs.yml"))
    return proc.returncode == 0, diagnostics


def publish(staging: Path, site: Path) -> None:
    """Replace site/ with the staging build; the old site is removed only after the swap."""
    old = staging.parent / "previous-site"
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    staging.rename(site)
    shutil.rmtree(old, ignore_errors=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="medsite.build", description=__doc__.splitlines()[0])
    p.add_argument("--root", default=".")
    p.add_argument("--site-dir", default="site")
    gate_cli.add_gate_options(p)
    args = p.parse_args(argv)
    root = Path(args.root).resolve()
    site = root / args.site_dir
    staging = root / ".staging" / "site"
    staging.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(staging, ignore_errors=True)

    started = time.perf_counter()
    built, diagnostics = mkdocs_build(root, staging)
    if built:  # after the engine, before the gate: search is indexed from the staging HTML, whichever engine wrote it
        diagnostics += build_search_index(staging)
    project = Project(root, staging if built else None)
    diagnostics += run_gate(project, source_only=not built)
    diagnostics = list(dict.fromkeys(diagnostics))  # the hook and the gate both report unknown keys
    diagnostics.sort(key=Diagnostic.sort_key)
    warnings_fatal = args.warnings_as_errors or bool(project.config.get("warnings_fatal"))
    status = gate_cli.report(diagnostics, fmt=args.format, summary=args.summary, warnings_fatal=warnings_fatal)
    if status or not built:
        print(f"site: not published; {args.site_dir}/ keeps its last good build", file=sys.stderr)
        return 1
    publish(staging, site)
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"site: published {pages} pages to {args.site_dir}/ in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
