"""Output formats, looked up by name: each takes sorted diagnostics and returns text.

Every value a diagnostic quotes is escaped for the format it is shown in (medsite.core.report_escape):
a newline, a backtick or `::` in a message or a file name is shown, never obeyed.
"""

from __future__ import annotations

import json
from collections import Counter

from medsite.core.diagnostics import Diagnostic, Severity
from medsite.core.report_escape import markdown_code, markdown_text, workflow_data, workflow_property


def text(diagnostics: list[Diagnostic], counted: list[Diagnostic] | None = None) -> str:
    """One line per diagnostic, then the count (of `counted` when the lines are a summary of it)."""
    lines = [d.text() for d in diagnostics]
    counted = diagnostics if counted is None else counted
    errors = sum(d.severity is Severity.ERROR for d in counted)
    lines.append(f"gate: {errors} error(s), {len(counted) - errors} warning(s)")
    return "\n".join(lines)


def lines(diagnostics: list[Diagnostic]) -> str:
    """One line per diagnostic and no count: for a command that stops on what it was given (new page, cite)."""
    return "\n".join(d.text() for d in diagnostics)


def as_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diagnostics], indent=2)


def github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    out = []
    for d in diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        where = d.where_to_edit  # annotate the Markdown the fault came from, not the generated HTML
        props = [f"file={workflow_property(where.path)}"]
        if where.line:
            props.append(f"line={where.line}")
        if where.column:
            props.append(f"col={where.column}")
        props.append(f"title={workflow_property(d.code)}")
        message = d.message + (f" ({d.path})" if d.source else "") + (f". Fix: {d.hint}" if d.hint else "")
        message += f" (see {d.doc})" if d.doc else ""
        out.append(f"::{level} {','.join(props)}::{workflow_data(message)}")
    return "\n".join(out)


def summary(diagnostics: list[Diagnostic], counted: list[Diagnostic] | None = None) -> str:
    """A Markdown summary for the CI job page (counting `counted` when the rows are a summary of it, as text does)."""
    counted = diagnostics if counted is None else counted
    errors = sum(d.severity is Severity.ERROR for d in counted)
    head = "## Gate: passed" if not errors else "## Gate: failed"
    lines = [head, "", f"{errors} error(s), {len(counted) - errors} warning(s).", ""]
    if diagnostics:
        counts = Counter(d.code for d in counted)  # every warning, as the count above: a folded line stands for many
        lines += ["| Code | Count |", "|---|---|"] + [f"| {markdown_text(c)} | {n} |" for c, n in sorted(counts.items())] + [""]
        lines += ["| Where | Code | Message |", "|---|---|---|"]
        for d in diagnostics[:200]:
            where = markdown_code(d.where_to_edit, in_table=True)
            lines.append(f"| {where} | {markdown_text(d.code)} | {markdown_text(d.message)} |")
        if len(diagnostics) > 200:
            lines.append(f"| … | | {len(diagnostics) - 200} more |")
    return "\n".join(lines) + "\n"


FORMATS = {"text": text, "json": as_json, "github": github}
