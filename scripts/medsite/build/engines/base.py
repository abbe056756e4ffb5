"""What an engine is to us: one interface, so that changing engine is one new file (plus its pin).

An engine renders the pages of a `Site` (medsite.sources.site) into a staging folder, in a
subprocess. Our own steps inside it (the Markdown extensions in medsite.markdown.extensions, and on
the MkDocs family the CSP hooks in scripts/mkdocs_hooks.py) write their Diagnostic objects as JSON
lines to the file named by MEDSITE_DIAGNOSTICS; `build` reads them back as they were written. Only
the engine's own messages are read from its log (`read_log`), and, when it fails, the line that says
why it stopped (`stopped`), as one BUILD001.

An engine says:
- `command`: how to build into the staging folder (and any file it generated for that build);
- `read_log`, `wrote_everything`, `stopped`: what its log and exit status mean;
- `theme_dirs`: its theme's template folders (the inline scripts and files it may ship);
- `csp_inside`: whether our hooks make the CSP while it writes each page (MkDocs, ProperDocs),
  or `make site` makes it after the build (Zensical: medsite.output.csp_after);
- `source_of`: the source page of a built HTML file.

Input no engine may read (YAML aliases, oversized values, YAML tags in mkdocs.yml, settings off their
lock, paragraphs of brackets its Markdown parser would read for minutes) is refused before any engine
runs (`refused_input`); every other fault is the gate's to report. No engine reads mkdocs.yml itself:
each gets a configuration written from the values our loader read (`write_config`), so its own YAML
loader (PyYAML's unsafe one, in MkDocs) never sees contributor YAML. The engine runs under a wall-clock
limit (gate.yml limits.engine_seconds): past it, it is killed and the build fails with one BUILD010 line
(site/ keeps its last good build).
"""

from __future__ import annotations

import copy
import html
import importlib.util
import os
import re
import subprocess
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

import yaml

from medsite.build import publish
from medsite.core import stopping
from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare
from medsite.markdown import bracket_reach
from medsite.markdown.extensions import report
from medsite.sources import settings
from medsite.sources.limits import time_limit_hint
from medsite.sources.links import refused_links
from medsite.sources.site import Site, SitePage

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("BUILD001", ERROR,
         what="MkDocs could not build the site (a template, snippet or Markdown extension failed).",
         why="Nothing can be published.",
         fix="Read the message; it names the page or file where MkDocs stopped.",
         where="situation",
         bad="A template in overrides/ uses a value that does not exist, and MkDocs stops: 'overrides/main.html: BUILD001 MkDocs stopped: ... has no attribute ...'",
         good="The templates use only the values the engines give them; mkdocs.yml itself is refused before any engine runs (GATE003, GATE010, GATE011)."),
    Rule("BUILD010", ERROR,
         what="The engine did not finish building within its time limit (gate.yml limits.engine_seconds) and was stopped.",
         why="A build that never ends blocks every later build and hides the fault; nothing is published, site/ keeps its last good build.",
         fix="Look at what changed since the last build that passed (a very long or oddly built page); if the site is legitimately this slow to build, raise limits.engine_seconds in gate.yml.",
         where="situation",
         bad="gate.yml: BUILD010 MkDocs did not finish within 600 s and was stopped",
         good="The engine builds the site in well under its limit (the real site: about 10 s)."),
)

REFUSED_INPUT = {"INPUT001", "INPUT002", "SAFE021"}  # aliased or oversized input, linked files: no engine may read it
# mkdocs.yml with a YAML tag (GATE010) or a setting off its lock (GATE011): no engine may run with it.
REFUSED_SETTINGS = {"INPUT001", "GATE010", "GATE011"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The engine could not write its output: a full disk or quota, a read-only disk, a file-size limit.
# That is a fault of the machine (BUILD002, as when publishing), not of mkdocs.yml or of a page.
WRITE_FAULT = re.compile(r"\[Errno (?:28|122|30|27)\] ([^:'\n]+)")


def refused_input(site: Site) -> list[Diagnostic]:
    """What no engine may read: YAML aliases in the settings (MkDocs' own loader expands them, so a
    ten-line alias bomb in `extra` would keep it busy for minutes), and pages whose front matter has
    aliases or oversized values (a few lines can expand to gigabytes in an engine's loader),
    mkdocs.yml with a YAML tag or a setting off its lock, and symbolic links under docs/ and includes/
    (medsite.sources.links: what they point to would be published). Every page MkDocs would build is read,
    whatever its Markdown suffix."""
    links = refused_links(site.root, (site.docs_dir, site.includes_dir))
    refused = [d for d in site.problems
               if d.code in REFUSED_SETTINGS or (d.code == "GATE003" and d.path == settings.MKDOCS)]
    if refused or links:
        return refused + links
    limit = site.limits.bracket_reach_kchars
    for page in site.pages:
        try:
            parsed = site.front_matter(page)
        except DiagnosticError as exc:
            refused += [d for d in exc.diagnostics if d.code in REFUSED_INPUT]
            continue
        slow = bracket_reach.check_page(parsed.body, parsed.body_line, page.rel, limit)
        if slow:
            refused.append(slow)
    return refused


OVERRIDES = "overrides"  # the one folder of templates maintainers own (DESIGN.md, "Trust boundary")


def ours(site: Site) -> Path | None:
    """overrides/ at the project root, when theme.custom_dir names it; None for any other custom_dir."""
    custom = site.custom_dir
    if custom is None:
        return None
    mine = (site.root / OVERRIDES).resolve()
    return mine if custom.resolve() == mine and not (site.root / OVERRIDES).is_symlink() else None


GENERATED = ".{engine}-generated-{pid}.yml"  # in the project folder: engines resolve paths against it


def escaped_palette(theme: dict) -> dict:
    """The theme settings with the palette's text HTML-escaped: Material prints the toggle names and
    media queries into attributes unescaped (partials/palette.html): neither Jinja2 in MkDocs nor
    MiniJinja in Zensical escapes them (checked with a name holding `&`, `"` and `<i>`)."""
    theme = copy.deepcopy(theme)
    for option in theme.get("palette") or []:
        if not isinstance(option, dict):
            continue
        for holder in (option, option.get("toggle")):
            if isinstance(holder, dict):
                for key, value in holder.items():
                    if isinstance(value, str):
                        holder[key] = html.escape(value, quote=True)
    return theme


def write_config(site: Site, engine: str, **settings_for_engine) -> Path:
    """The engine's configuration, generated: mkdocs.yml's values as our loader read them (no tags, no
    aliases, checked against their lock), plus the engine's own, written as plain YAML by safe_dump.
    Never INHERIT: that would hand the engine's loader the contributor's file."""
    config = copy.deepcopy(site.mkdocs)
    config.pop("INHERIT", None)
    config.update(settings_for_engine)
    if isinstance(config.get("theme"), dict):  # both engines' templates print the palette's text unescaped
        config["theme"] = escaped_palette(config["theme"])
    path = site.root / GENERATED.format(engine=engine, pid=os.getpid())
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(f"# Generated by medsite.build.engines from mkdocs.yml for one {engine} run; removed after it.\n{text}",
                    encoding="utf-8")
    return path


def build_failed(message: str, path: str, line: int | None = None, hint: str | None = None) -> Diagnostic:
    """One BUILD001: what stopped the engine, at the file it names."""
    return Diagnostic("BUILD001", message, path, line, hint=hint)


def package_folder(module: str, *parts: str) -> Path | None:
    """A folder inside an installed package, found without importing it (None when not installed)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)), *parts)
    return folder if folder.is_dir() else None


class Engine(ABC):
    name: ClassVar[str]  # as `make site ENGINE=...` and `--engine` spell it
    label: ClassVar[str]  # as messages name it
    module: ClassVar[str]  # the Python package that must be installed
    csp_inside: ClassVar[bool]  # True: our hooks make the CSP as pages are written; False: after the build

    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    @abstractmethod
    def command(self, site: Site, staging: Path) -> tuple[list[str], Path | None]:
        """The build command, run in the project folder, and a file generated for it (removed after)."""

    @abstractmethod
    def read_log(self, output: str, site: Site, staging: Path) -> list[Diagnostic]:
        """The engine's own warnings and errors in its output (not ours: those come back as objects)."""

    def wrote_everything(self, returncode: int, output: str) -> bool:
        """Whether the staging folder holds the whole site (so the gate checks it too)."""
        return returncode == 0

    def failure_explained(self, diagnostics: list[Diagnostic]) -> bool:
        """Whether what was reported already says why the build failed (else `stopped` says it)."""
        return False

    @abstractmethod
    def stopped(self, output: str, site: Site) -> Diagnostic:
        """Why the engine failed, as one BUILD001 at the file it names."""

    @abstractmethod
    def theme_dirs(self) -> list[Path]:
        """The template folders of the theme this engine renders with (installed ones only)."""

    def template_dirs(self, site: Site) -> list[Path]:
        """The template folders whose inline scripts and files count as ours: overrides/ at the project
        root (when theme.custom_dir names it), then the installed theme's. Trust comes from the path
        alone: a custom_dir anywhere else (under docs/, say, where editors write) is not ours, so
        nothing its templates emit is allowed or hashed."""
        return [d for d in (ours(site), *self.theme_dirs()) if d is not None]

    def source_of(self, site: Site, html_rel: str) -> SitePage | None:
        """The page a built HTML file (site-relative, e.g. 'about/index.html') was rendered from."""
        return site.pages_by_html_file.get(html_rel)

    def build(self, site: Site, staging: Path) -> tuple[bool, list[Diagnostic]]:
        """Run the engine; (whether it wrote the whole site, diagnostics)."""
        with tempfile.NamedTemporaryFile("w", prefix="medsite-diagnostics-", suffix=".jsonl", delete=False) as sink:
            sink_path = Path(sink.name)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1", report.ENV: str(sink_path)}
        cmd, generated = self.command(site, staging)
        seconds = site.limits.engine_seconds
        try:
            try:  # on timeout, run() kills the engine and waits for it: nothing is left writing to staging
                proc = subprocess.run(cmd, cwd=site.root, env=env, capture_output=True, text=True,
                                      preexec_fn=stopping.die_with_parent, timeout=seconds)
            except subprocess.TimeoutExpired:
                return False, [self.timed_out(site, seconds)]
            ours = report.read(sink_path)
        finally:
            sink_path.unlink(missing_ok=True)
            if generated:
                generated.unlink(missing_ok=True)
        output = (proc.stdout or "") + (proc.stderr or "")
        fault = WRITE_FAULT.search(output) if proc.returncode != 0 else None
        if fault:  # whatever the engine logged after that is a consequence of the disk
            where = os.path.relpath(staging.parent, site.root).replace(os.sep, "/")
            return False, list(ours) + [Diagnostic(
                publish.FAULT, f"{self.label} could not write the build: {fault.group(1).strip()}", where,
                hint="free disk space (or make the folder writable), then run `make site` again")]
        diagnostics = list(ours) + self.read_log(output, site, staging)
        if proc.returncode != 0 and not self.failure_explained(diagnostics):
            diagnostics.append(self.stopped(output, site))
        return self.wrote_everything(proc.returncode, output), diagnostics

    def timed_out(self, site: Site, seconds: int) -> Diagnostic:
        """One BUILD010: the engine ran past its time limit and was stopped."""
        return Diagnostic("BUILD010", f"{self.label} did not finish within {seconds} s and was stopped",
                          site.gate_config_path,
                          hint="look at what changed since the last build that passed (a very long or oddly built "
                               f"page); {time_limit_hint('engine_seconds')}")


def log_lines(output: str) -> list[str]:
    """The output's non-empty lines, without colours."""
    return [line for line in (ANSI.sub("", line).strip() for line in output.splitlines()) if line]
