"""The CSP step after the build, for engines whose templates cannot carry our marks (Zensical).

On MkDocs the templates' inline scripts are marked as they are loaded (medsite.output.template_marks,
through a Jinja loader wrapper) and only marked scripts are hashed. Zensical renders with
MiniJinja in Rust: no loader to wrap. So "only what we ship" holds here by the gate's
allowlist: an inline script is allowed only if a template of Zensical's theme or of
overrides/ has it, with at most a base URL or a scope where the template prints one
(medsite.output.theme.known_inline_script). Anything else is OUT003, as on MkDocs, and
left out of every policy. Each page gets its policy; site/_headers the union.
"""

from __future__ import annotations

from pathlib import Path

from medsite.build.engines import Engine
from medsite.core.diagnostics import Diagnostic
from medsite.output import csp, csp_verdicts, theme
from medsite.output.csp_step import CspStep
from medsite.sources.site import Site


def protect_site(site: Site, staging: Path, engine: Engine) -> list[Diagnostic]:
    """Give each page written to `staging` its policy, and site/_headers the union; OUT003 for the rest."""
    found: list[Diagnostic] = []
    dirs = engine.template_dirs(site)
    shipped = lambda text: theme.known_inline_script(text, dirs)  # noqa: E731
    # What counts as shipped here: the templates' scripts, as patterns (not the marks the step's default reads).
    verdicts = csp_verdicts.Verdicts(theme.inline_scripts_key(dirs), f"{site.root.resolve()}:{engine.name}")
    step = CspStep.for_site(site, report=found.append, verdicts=verdicts)
    for path in sorted(staging.rglob("*.html")):
        dest = path.relative_to(staging).as_posix()
        html = path.read_text(encoding="utf-8", errors="replace")
        protected, inline, strays = csp.protect(html, None, shipped, verdicts)
        page = engine.source_of(site, dest)
        static = site.docs_dir / dest  # an .html file copied from docs/ as it is
        step.report_strays(strays, dest, page.path if page else (static if static.is_file() else None))
        step.pages[dest] = inline
        path.write_text(protected, encoding="utf-8")
    verdicts.save()
    text = csp.policy(csp.merge(step.pages.values()), header=True)
    (staging / csp.HEADERS_FILE).write_text(csp.headers_file(text), encoding="utf-8")
    return found
