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

from mkdocs.utils import markdown_extensions

from medsite.core.diagnostics import Diagnostic
from medsite.output import csp, theme
from medsite.output.csp_step import CspStep
from medsite.sources import pageurls


def protect_site(root: Path, site: Path) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    dirs = [d for d in (root / "overrides", theme.zensical_templates()) if d and d.is_dir()]
    step = CspStep(root, root / "docs", root / "includes", report=found.append)
    shipped = lambda text: theme.known_inline_script(text, dirs)  # noqa: E731
    docs = root / "docs"
    # Each published page's Markdown source, from the one page-to-file mapping (pageurls).
    sources = {pageurls.html_file(p.relative_to(docs).as_posix()): p
               for p in docs.rglob("*") if p.is_file() and p.name.endswith(markdown_extensions)}
    for path in sorted(site.rglob("*.html")):
        dest = path.relative_to(site).as_posix()
        html = path.read_text(encoding="utf-8", errors="replace")
        protected, inline, strays = csp.protect(html, None, shipped)
        static = docs / dest  # an .html file copied from docs/ as it is
        step.report_strays(strays, dest, sources.get(dest) or (static if static.is_file() else None))
        step.pages[dest] = inline
        path.write_text(protected, encoding="utf-8")
    text = csp.policy(csp.merge(step.pages.values()), header=True)
    (site / csp.HEADERS_FILE).write_text(csp.headers_file(text), encoding="utf-8")
    return found
