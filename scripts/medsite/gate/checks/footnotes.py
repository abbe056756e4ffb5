"""FN: authors' own footnotes ([^note]) have a definition, and every definition is used."""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.markdown.structure import FOOTNOTE_DEFINITION, FOOTNOTE_REFERENCE

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("FN001", ERROR,
         what="A footnote reference [^x] has no definition.",
         why="The marker would show as raw text.",
         fix="Add '[^x]: text' or remove the marker.",
         bad="Relapses vary.[^n1]",
         good="""\
Relapses vary.[^n1]

[^n1]: The editors' own note."""),
    Rule("FN002", ERROR,
         what="A footnote definition is never referenced.",
         why="The note would be silently dropped.",
         fix="Reference it with [^x] or delete it.",
         bad="[^n1]: The editors' own note.",
         good="""\
Relapses vary.[^n1]

[^n1]: The editors' own note."""),
)


@gate_check(stage=SOURCE)
def check(project):
    for page in project.pages:
        defined, referenced = {}, {}
        for line_no, line in page.prose_lines():
            m = FOOTNOTE_DEFINITION.match(line)
            if m:
                defined.setdefault(m.group(1), line_no)
                line = line[m.end():]
            for ref in FOOTNOTE_REFERENCE.finditer(line):
                referenced.setdefault(ref.group(1), (line_no, ref.start() + 1))
        for name, (line_no, col) in referenced.items():
            if name not in defined:
                yield Diagnostic("FN001", f"footnote [^{name}] has no definition", page.rel, line_no, col,
                                 target=name, hint=f"add a line '[^{name}]: text' at the end of the page")
        for name, line_no in defined.items():
            if name not in referenced:
                yield Diagnostic("FN002", f"footnote [^{name}] is defined but never referenced", page.rel, line_no,
                                 target=name, hint=f"reference it with [^{name}] or delete the definition")
