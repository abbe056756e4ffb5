"""SAFE: editor Markdown must not run code or load third parties."""

from __future__ import annotations

import re

from ...diagnostics import Diagnostic

TAG = re.compile(r"<\s*(script|iframe|object|embed|form)\b", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.I)
BAD_URL = re.compile(r"""(?:\]\(\s*<?|(?:href|src|action|formaction|data)\s*=\s*["']?)\s*((?:javascript|data|vbscript)\s*:)""", re.I)


def check(project):
    for page in project.pages:
        for line_no, text in page.prose_lines():
            for m in TAG.finditer(text):
                yield Diagnostic("SAFE001", f"raw <{m.group(1).lower()}> in Markdown", page.rel, line_no, m.start() + 1,
                                 target=m.group(1).lower())
            for m in HANDLER.finditer(text):
                yield Diagnostic("SAFE002", f"inline event handler '{m.group(1)}='", page.rel, line_no, m.start(1) + 1,
                                 target=m.group(1))
            for m in BAD_URL.finditer(text):
                yield Diagnostic("SAFE003", f"'{m.group(1)}' URL in Markdown", page.rel, line_no, m.start(1) + 1,
                                 target=m.group(1))
