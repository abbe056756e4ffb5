"""The CSP step of a build: the MkDocs glue around the pure policy code in medsite.output.csp.

One CspStep lives for one build. It marks what the templates ship (on_env),
protects each page as it is written (on_post_page, on_post_template for
404.html), protects any other HTML in the output (static files copied from
docs/) and writes site/_headers (on_post_build). Inline content that no
template shipped is reported as OUT003 at the source file and line it came
from, and is left out of every policy, so browsers refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from medsite.build import engines
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.output import csp, csp_verdicts, template_marks
from medsite.sources.site import Site

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("OUT003", ERROR,
         what="The built page has an inline script, <style> element, style attribute or event handler that neither the theme nor our templates ship (it came from a page, an include, the bibliography or a setting).",
         why="The page's Content-Security-Policy allows only what we ship, so browsers refuse it: it is either an attack or markup that silently does not work.",
         fix="Remove it from the file at the line shown; a feature that needs script or styling belongs in overrides/ or docs/assets/site.css, reviewed by a maintainer.",
         where="site/page/index.html",
         bad='<p><span style="color:red">Warning</span>: ask your neurologist first.</p>',
         good="<p><strong>Warning</strong>: ask your neurologist first.</p>"),
)

CODE = "OUT003"


def locate(needles, files) -> tuple[Path, int] | None:
    """The first file and 1-based line that contains a needle (case-insensitive), most specific needle first."""
    texts = []
    for path in files:
        try:
            texts.append((path, path.read_text(encoding="utf-8", errors="replace").lower().splitlines()))
        except OSError:
            continue
    for needle in (n.lower() for n in needles if n):
        for path, lines in texts:
            for number, line in enumerate(lines, 1):
                if needle in line:
                    return path, number
    return None


@dataclass
class CspStep:
    root: Path
    docs_dir: Path
    includes_dir: Path
    preview: bool = False  # `mkdocs serve`: report and unmark, but inject no policy (see csp.is_dev_server)
    report: Callable[[Diagnostic], None] = lambda d: None
    secret: str = field(default_factory=template_marks.new_secret)
    pages: dict = field(default_factory=dict)  # output path -> csp.Inline
    template_dirs: tuple = ()  # the folders whose templates are ours (Engine.template_dirs)
    verdicts: csp_verdicts.Verdicts | None = None  # the last build's, for pages that have not changed

    # What counts as shipped on the engines that run this step: what carries the build's secret.
    MARKS_SCOPE = "marks"

    @classmethod
    def for_site(cls, site: Site, *, preview: bool = False, report=lambda d: None, verdicts=None) -> CspStep:
        """`verdicts`: the last build's for this scope (default: the marks', as on the engines that run this step)."""
        # The engines that run this step (csp_inside: MkDocs, ProperDocs) render with the same theme.
        dirs = dict.fromkeys(d for e in engines.ENGINES.values() if e.csp_inside for d in e.template_dirs(site))
        if verdicts is None:
            verdicts = csp_verdicts.Verdicts(cls.MARKS_SCOPE, f"{site.root.resolve()}:{cls.MARKS_SCOPE}")
        return cls(site.root, site.docs_dir, site.includes_dir, preview, report, template_dirs=tuple(dirs),
                   verdicts=verdicts)

    def install(self, env):
        return template_marks.install(env, self.secret, self.template_dirs)

    def _rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def report_strays(self, strays, dest: str, source: Path | None) -> None:
        if not strays:  # the usual page: no need to list the includes
            return
        includes = sorted(p for p in self.includes_dir.rglob("*") if p.is_file()) if self.includes_dir.is_dir() else []
        for stray in strays:
            candidates = ([source] if source else []) + includes
            found = locate(stray.needles, candidates)
            path, line = (self._rel(found[0]), found[1]) if found else (self._rel(source) if source else f"site/{dest}", 1)
            message = f"inline {stray.kind} that neither the theme nor our templates ship, in site/{dest}: {stray.snippet}"
            self.report(Diagnostic(CODE, message, path, line, target=stray.snippet, hint=RULES[CODE].fix))

    def protect(self, html: str, dest: str, source: Path | None, *, secret: str | None) -> str:
        protected, inline, strays = csp.protect(html, secret, verdicts=self.verdicts)
        self.report_strays(strays, dest, source)
        self.pages[dest] = inline
        if self.preview:  # the same page, unmarked, without the policy the live-reload script would break
            return template_marks.unmark(html, secret) if secret else html
        return protected

    def post_page(self, output: str, dest: str, source: Path) -> str:
        return self.protect(output, dest, source, secret=self.secret)

    def post_template(self, output: str, name: str) -> str:
        if not name.endswith(".html"):
            return output
        override = self.root / "overrides" / name
        return self.protect(output, name, override if override.is_file() else None, secret=self.secret)

    def post_build(self, site_dir) -> None:
        """Protect HTML that no template rendered (copied from docs/: nothing in it is ours), then write _headers."""
        site = Path(site_dir)
        for path in sorted(site.rglob("*.html")):
            dest = path.relative_to(site).as_posix()
            if dest in self.pages:
                continue
            source = self.docs_dir / dest
            html = path.read_text(encoding="utf-8", errors="replace")
            protected = self.protect(html, dest, source if source.is_file() else None, secret=None)
            if not self.preview:
                path.write_text(protected, encoding="utf-8")
        if self.verdicts is not None:
            self.verdicts.save()
        if not self.preview:
            text = csp.policy(csp.merge(self.pages.values()), header=True)
            (site / csp.HEADERS_FILE).write_text(csp.headers_file(text), encoding="utf-8")
