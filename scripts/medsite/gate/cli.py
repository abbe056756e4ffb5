"""`python -m medsite.gate`: run the gate on the sources and a built site, print, exit 0/1/2."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from medsite.build import engines
from medsite.core import clock
from medsite.core.diagnostics import Diagnostic, has_errors, merge
from medsite.gate import formatters
from medsite.gate.project import Project
from medsite.gate.run import run


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="medsite.gate", description="Check the site's sources and built HTML before publishing.")
    p.add_argument("--root", default=".", help="project folder (default: .)")
    p.add_argument("--site-dir", default="site", help="built site to check (default: site)")
    p.add_argument("--source-only", action="store_true", help="check only the sources (fast; for pre-commit)")
    p.add_argument("--engine", choices=list(engines.ENGINES), default=engines.DEFAULT,
                   help="the engine that built the site: its theme's own scripts are allowed (default: %(default)s)")
    p.add_argument("--format", choices=sorted(formatters.FORMATS), default="text")
    p.add_argument("--summary", help="also write a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY)")
    p.add_argument("--warnings-as-errors", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--verbose", action="store_true", help="list every warning (by default the never-verified ones are summarised)")
    p.add_argument("--json-file", help="also write every diagnostic as JSON to this file (for the pull-request comment)")
    p.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)
    return p


def add_gate_options(p: argparse.ArgumentParser) -> None:
    """The output options that `medsite.tools.make_site` shares with the gate."""
    p.add_argument("--format", choices=sorted(formatters.FORMATS), default="text")
    p.add_argument("--summary")
    p.add_argument("--warnings-as-errors", action="store_true")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--json-file")


def report(diagnostics, *, fmt: str, summary: str | None, warnings_fatal: bool, shown=None, json_file=None) -> int:
    """Print `shown` (default: all diagnostics; JSON always gets all), counting all; return the exit status.

    Every command's diagnostics end here, so this is where two reports of one mistake become
    one (core.diagnostics.merge): the printed count, the job summary and the JSON file that the
    pull-request comment reads all count the merged list.
    """
    diagnostics = merge(diagnostics)
    shown = diagnostics if shown is None or fmt == "json" else merge(shown)
    output = formatters.FORMATS[fmt](shown) if fmt != "text" else formatters.text(shown, counted=diagnostics)
    if output:
        print(output)
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(formatters.summary(shown, counted=diagnostics))
    if json_file:
        with open(json_file, "w", encoding="utf-8") as fh:
            fh.write(formatters.as_json(diagnostics) + "\n")
    return 1 if has_errors(diagnostics, warnings_fatal=warnings_fatal) else 0


def shown(diagnostics, project, verbose: bool):
    """The diagnostics to print: never-verified warnings folded into one line unless verbose (quiet_warnings.py)."""
    from medsite.gate.quiet_warnings import for_display

    bib = project.sources.bibliography_path
    return for_display(diagnostics, project.root, bib, verbose=verbose)


def main(argv=None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    root = Path(args.root)

    def refuse(*diagnostics: Diagnostic) -> int:
        """Stop before checking (exit 2), saying why in the chosen format."""
        report(list(diagnostics), fmt=args.format, summary=args.summary, warnings_fatal=False, json_file=args.json_file)
        return 2

    if not (root / "mkdocs.yml").is_file():
        return refuse(Diagnostic("GATE003", "no mkdocs.yml here", str(root),
                                 hint="run from the project folder or pass --root"))
    try:
        today = args.today or clock.today()
    except clock.BadToday as exc:
        return refuse(Diagnostic("GATE003", str(exc), clock.ENV, hint="write it as YYYY-MM-DD, or unset it"))
    project = Project(root, None if args.source_only else root / args.site_dir, today=today,
                      engine=args.engine)
    if not args.source_only and not project.site_dir.is_dir():
        return refuse(Diagnostic("GATE003", "no built site", args.site_dir,
                                 hint="run `make site` first, or use --source-only"))
    if not args.source_only:
        from medsite.gate.staleness import stale_site

        stale = stale_site(root.resolve(), root.resolve() / args.site_dir)  # site/ is a link: name it as the editor does
        if stale:
            return refuse(stale)
    diagnostics = run(project, source_only=args.source_only)
    display = shown(diagnostics, project, args.verbose)
    if any(d.code == "GATE003" for d in diagnostics):
        report(diagnostics, fmt=args.format, summary=args.summary, warnings_fatal=False, shown=display,
               json_file=args.json_file)
        return 2
    warnings_fatal = args.warnings_as_errors or bool(project.config.get("warnings_fatal"))
    return report(diagnostics, fmt=args.format, summary=args.summary, warnings_fatal=warnings_fatal, shown=display,
                  json_file=args.json_file)
