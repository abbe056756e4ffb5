"""`make site`: build into a staging folder of its own, gate it, and only then switch site/ to it.

The engine (MkDocs by default; --engine names another of medsite.build.engines.ENGINES) runs in a
subprocess (medsite.build.engines); the sources are read once (medsite.sources.site.Site); our extensions' diagnostics come back as objects, the engine's
own warnings from its log, and a crash inside it is one BUILD001 line instead of
a traceback. One build runs at a time
(build_lock); site/ is a link switched atomically to a build that passed, so a
bad change, a second build, Ctrl-C or a full disk never loses the published
site (publish, recover, stopping). Whatever goes wrong ends in one plain line and a
non-zero exit.
"""

from __future__ import annotations

from medsite.core import stopping

if __name__ == "__main__":  # before the slow imports below, so that an early Ctrl-C is one plain line too
    stopping.while_starting()
    stopping.checkpoint("starting")

import argparse
import sys
import time
from pathlib import Path

from medsite.build import build_lock, engines
from medsite.build import publish as publishing
from medsite.build.recover import recover
from medsite.core import clock
from medsite.core.diagnostics import Diagnostic
from medsite.gate import cli as gate_cli
from medsite.gate import formatters
from medsite.gate.project import Project
from medsite.gate.rules import with_fix
from medsite.gate.run import gate_build
from medsite.output import csp_after
from medsite.output.after_engine import write_outputs
from medsite.sources.site import Site

BUSY = 75  # another build holds the lock: try again later (EX_TEMPFAIL), not a fault in the content


def _fault(code: str, message: str, path: str, args, hint: str | None = None) -> None:
    """One diagnostic line for a fault of the build itself (not of the content)."""
    diagnostic = with_fix(Diagnostic(code, message, path, hint=hint))
    if args.format == "text":  # on stderr, like the build's other notes: a fault of the build, not a finding
        print(formatters.lines([diagnostic]), file=sys.stderr)
    else:
        gate_cli.report([diagnostic], fmt=args.format, summary=args.summary, warnings_fatal=False)


def _build_and_gate(root: Path, staging: Path, args) -> int:
    engine = engines.ENGINES[args.engine]
    site, _ = Site.load(root)  # its problems reach the report through the Project below
    refused = engines.refused_input(site)  # what no engine may read, whatever the engine
    built, diagnostics = (False, refused) if refused else engine.build(site, staging)
    stopping.check()
    if built and not engine.csp_inside:  # its templates cannot carry the CSP step's marks: after the build
        diagnostics += csp_after.protect_site(site, staging, engine)
    if built:  # after the engine, before the gate: search is indexed from the staging HTML, whichever engine wrote it
        diagnostics += write_outputs(site, staging)  # search index and feed, the same whichever engine built
    project = Project(root, staging if built else None, engine=engine, sources=site)
    diagnostics = gate_build(project, diagnostics)  # the same as `make serve` shows (medsite.tools.serve_findings)
    stopping.check()
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
        with build_lock.held(layout.lock):
            return _publish_locked(root, layout, args)
    except build_lock.BuildRunning as busy:
        _fault(busy.code, str(busy), layout.label, args)
        return BUSY
    except publishing.NotAFolder as bad:
        _fault(publishing.FAULT, f"{bad}; {publishing.describe(layout)}", bad.path, args,
               hint=f"remove or rename {bad.path} (the build keeps its versions there), then run `make site` again")
        return 1
    except OSError as exc:
        where = publishing.folder_at_fault(exc, layout)
        _fault(publishing.FAULT, f"could not publish: {exc.strerror or exc}; {publishing.describe(layout)}", where, args)
        return 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="medsite.tools.make_site", description=__doc__.splitlines()[0])
    p.add_argument("--root", default=".")
    p.add_argument("--site-dir", default="site")
    p.add_argument("--engine", choices=list(engines.ENGINES), default=engines.DEFAULT, help="the engine that renders the pages")
    gate_cli.add_gate_options(p)
    args = p.parse_args(argv)
    root = Path(args.root).resolve()
    layout = publishing.Layout(root / args.site_dir, args.site_dir.rstrip("/") or "site")
    try:
        clock.today()  # a bad MEDSITE_TODAY is one line before anything is built
    except clock.BadToday as exc:
        _fault("GATE003", str(exc), clock.ENV, args, hint="write it as YYYY-MM-DD, or unset it")
        return 2
    stopping.while_running()
    try:  # outermost, so that a signal while a fault is being reported is still caught here
        return _run(root, layout, args)
    except stopping.Stopped as stop:
        print(f"site: stopped by {stopping.name(stop.signum)}; {publishing.describe(layout, 'has')}", file=sys.stderr)
        return stop.exit_code


if __name__ == "__main__":
    sys.exit(main())
