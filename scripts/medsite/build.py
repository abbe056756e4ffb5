"""`make site`: build into a staging folder of its own, gate it, and only then switch site/ to it.

MkDocs runs in a subprocess with --strict (and `validation` in mkdocs.yml for
links and anchors). Its log lines become diagnostics; a crash inside MkDocs
becomes one BUILD001 line instead of a traceback. One build runs at a time
(buildlock); site/ is a link switched atomically to a build that passed, so a
bad change, a second build, Ctrl-C or a full disk never loses the published
site (publish, recover, stopping). Whatever goes wrong ends in one plain line and a
non-zero exit.
"""

from __future__ import annotations

from . import stopping

if __name__ == "__main__":  # before the slow imports below, so that an early Ctrl-C is one plain line too
    stopping.while_starting()
    stopping.checkpoint("starting")

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from . import buildlock, buildlog
from . import publish as publishing
from .diagnostics import Diagnostic
from .gate import cli as gate_cli
from .gate import rules
from .gate.project import Project
from .gate.rules import with_fix
from .gate.run import run as run_gate
from .recover import recover
from .search_index import build_index as build_search_index

BUSY = 75  # another build holds the lock: try again later (EX_TEMPFAIL), not a fault in the content
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
    if m:  # our own hooks already speak the gate's format: `message; fix: hint`
        msg, _, hint = m["msg"].partition("; fix: ")
        return Diagnostic(m["code"], msg, m["path"], int(m["line"]), int(m["col"]) if m["col"] else None, hint=hint or None)
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
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                          preexec_fn=stopping.die_with_parent)
    output = (proc.stdout or "") + (proc.stderr or "")
    diagnostics = []
    for message in buildlog.records(output):  # multi-line records kept whole (buildlog.py)
        diagnostics.extend(buildlog.explain(message, DOCS, staging, lambda first: _from_log(first, root)))
    if proc.returncode != 0 and not diagnostics:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        error = next((line for line in lines if line.startswith("Error:")), "")
        last = lines[-1] if lines else "mkdocs failed"
        message = f"{error} {last}".strip() if error != last else error
        diagnostics.append(Diagnostic("BUILD001", f"MkDocs stopped: {message}", "mkdocs.yml"))
    # Under --strict MkDocs writes the whole site and only then aborts on the warnings it logged
    # (ours among them), so that output is complete and the gate checks it too: an injected script
    # is then reported by the output checks as well as by the step that refused to allow it.
    wrote_everything = proc.returncode == 0 or "in strict mode!" in output
    return wrote_everything, diagnostics


def refused_settings(root: Path) -> list[Diagnostic]:
    """mkdocs.yml read by our loader before MkDocs reads it: MkDocs' own loader expands
    YAML aliases, so a ten-line alias bomb in `extra` would keep it busy for minutes."""
    project = Project(root)
    _ = project.mkdocs  # reading it records any refusal in project.problems
    return [d for d in project.problems if d.code == "INPUT001"]



def _fault(code: str, message: str, path: str, args, hint: str | None = None) -> None:
    """One diagnostic line for a fault of the build itself (not of the content)."""
    diagnostic = Diagnostic(code, message, path, severity=rules.severity(code), hint=hint or rules.RULES[code].fix)
    if args.format == "text":
        print(diagnostic.text(), file=sys.stderr)
    else:
        gate_cli.report([diagnostic], fmt=args.format, summary=args.summary, warnings_fatal=False)


def _build_and_gate(root: Path, staging: Path, args) -> int:
    refused = refused_settings(root)
    built, diagnostics = (False, refused) if refused else mkdocs_build(root, staging)
    stopping.check()
    if built:  # after the engine, before the gate: search is indexed from the staging HTML, whichever engine wrote it
        diagnostics += build_search_index(staging)
    project = Project(root, staging if built else None)
    diagnostics += run_gate(project, source_only=not built)
    stopping.check()
    # The hooks and the gate both report unknown keys and refused input; the hooks' copy,
    # read back from MkDocs' log, lacks the target, so compare what is printed.
    diagnostics = list({d.text(): d for d in map(with_fix, diagnostics)}.values())
    diagnostics.sort(key=Diagnostic.sort_key)
    warnings_fatal = args.warnings_as_errors or bool(project.config.get("warnings_fatal"))
    status = gate_cli.report(diagnostics, fmt=args.format, summary=args.summary, warnings_fatal=warnings_fatal,
                             shown=gate_cli.shown(diagnostics, project, args.verbose), json_file=args.json_file)
    return 1 if status or not built else 0


def _publish_locked(root: Path, layout: publishing.Layout, args) -> int:
    """Everything that needs the lock: recover, stage, build, gate, switch."""
    for note in recover(layout):
        print(f"site: {note}", file=sys.stderr)
    started = time.perf_counter()
    staging = publishing.new_staging(layout)
    try:
        if _build_and_gate(root, staging, args):
            kept = publishing.keep_rejected(layout, staging)
            if kept:
                print(f"site: the refused build is in {layout.shown(kept)}/ for a look (never published)", file=sys.stderr)
            print(f"site: not published; {publishing.describe(layout)}", file=sys.stderr)
            return 1
        stopping.checkpoint("gated")
        stopping.check()
        build, notes = publishing.publish(layout, staging)
        publishing.drop_rejected(layout)
    finally:
        publishing.discard(staging)
    stopping.check()  # a signal swallowed while switching: say so, though the new build is already published
    for note in notes:
        print(f"site: {note}", file=sys.stderr)
    pages = publishing.count_pages(build)  # our own build folder: another run cannot change what we count
    print(f"site: published {pages} pages to {layout.label}/ in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _run(root: Path, layout: publishing.Layout, args) -> int:
    """The build, with every fault of the build itself turned into one diagnostic line."""
    try:
        publishing.ensure_builds_folder(layout)
        with buildlock.held(layout.lock):
            return _publish_locked(root, layout, args)
    except buildlock.BuildRunning as busy:
        _fault("BUILD003", str(busy), layout.label, args)
        return BUSY
    except publishing.NotAFolder as bad:
        _fault("BUILD002", f"{bad}; {publishing.describe(layout)}", bad.path, args,
               hint=f"remove or rename {bad.path} (the build keeps its versions there), then run `make site` again")
        return 1
    except OSError as exc:
        where = publishing.folder_at_fault(exc, layout)
        _fault("BUILD002", f"could not publish: {exc.strerror or exc}; {publishing.describe(layout)}", where, args)
        return 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="medsite.build", description=__doc__.splitlines()[0])
    p.add_argument("--root", default=".")
    p.add_argument("--site-dir", default="site")
    gate_cli.add_gate_options(p)
    args = p.parse_args(argv)
    root = Path(args.root).resolve()
    layout = publishing.Layout(root / args.site_dir, args.site_dir.rstrip("/") or "site")
    stopping.while_running()
    try:  # outermost, so that a signal while a fault is being reported is still caught here
        return _run(root, layout, args)
    except stopping.Stopped as stop:
        print(f"site: stopped by {stopping.name(stop.signum)}; {publishing.describe(layout, 'has')}", file=sys.stderr)
        return stop.exit_code


if __name__ == "__main__":
    sys.exit(main())
