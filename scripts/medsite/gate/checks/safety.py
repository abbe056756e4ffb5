"""SAFE001-003: early, friendly warnings about unsafe markup in pages and snippets, by line.

These read the Markdown as written, so they give the plainest message at the exact line. They
are not the authority: checks/output_safety.py holds the published output against the allowlist
and catches what line patterns cannot see (multi-line tags, character references, attribute lists,
front matter, the bibliography, mkdocs.yml).
"""

from __future__ import annotations

import html
import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.gate import safety_policy as policy

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE001", ERROR,
         what="A raw HTML tag outside the allowlist (<script>, <iframe>, <object>, <form>, <style>, <base>, <meta>, unknown tags...) in a page or snippet (an early message; SAFE004 on the published page is the authority).",
         why="Editor content must not run code, redirect readers or load third parties.",
         fix="Remove it; ask a maintainer if a feature is needed (see safe_exceptions in CONTRIBUTING.md).",
         bad='<iframe src="https://video.example/ms"></iframe>',
         good="[The clinic's video about MS](https://video.example/ms)"),
    Rule("SAFE002", ERROR,
         what="An inline event handler (onclick=, onerror=...) in a page or snippet.",
         why="It runs script.",
         fix="Remove the attribute.",
         bad='<img src="nerve.png" alt="A nerve" onerror="alert(1)">',
         good="![A nerve](nerve.png)"),
    Rule("SAFE003", ERROR,
         what="A javascript:, data: or vbscript: URL in a page or snippet.",
         why="These URLs can run code.",
         fix="Link to a real https page or a file in docs/.",
         bad="[Read more](javascript:alert(1))",
         good="[Read more](https://www.nhs.uk/conditions/multiple-sclerosis/)"),
)

TAG = re.compile(r"<\s*([a-z][a-z0-9-]*)(?=[\s/>]|$)", re.I)
# The output check's own allowlist, applied early to raw HTML as written (inside <svg>, the drawing list).
ALLOWED_TAGS = (policy.CONTENT_TAGS | policy.SVG_TAGS) - policy.FORBIDDEN
# In a tag or a {: ...} attribute list. Linear: a tag's scan stops at the next '<' and a list's at the
# next '{' (which start a tag or list of their own), so a line of 200 kB of '{' or '<a' is read once.
HANDLER = re.compile(r"(?:<[a-z][^<>]*\s|\{(?:[^{}]*?[\s:])?)(on[a-z]+)\s*=", re.I)
# One run of spaces each (`\s*<?\s*` could split a long run of spaces every way: quadratic).
BAD_URL = re.compile(r"""(?:\]\(\s*(?:<\s*)?|(?:href|src|action|formaction|data)\s*=\s*(?:["']\s*)?)((?:javascript|data|vbscript)\s*:)""",
                     re.I)


def _sources(project):
    yield from project.pages
    yield from project.includes


def _excepted(exceptions, source, line_no: int) -> bool:
    mine = [e for e in exceptions if e.file == source.rel]
    if not mine:
        return False
    text = "\n".join(source.raw_lines)
    return any(e.covers_line(text, line_no) for e in mine)


@gate_check(stage=SOURCE)
def check(project):
    exceptions = project.config.get("safe_exceptions") or []
    for source in _sources(project):
        for line_no, raw in source.prose_lines():
            if _excepted(exceptions, source, line_no):
                continue
            text = html.unescape(raw) if "&" in raw else raw  # &#106;avascript: is javascript: to a browser
            for m in TAG.finditer(text):
                tag = m.group(1).lower()
                if tag not in ALLOWED_TAGS:
                    yield Diagnostic("SAFE001", f"raw <{tag}> in Markdown is not allowed on published pages", source.rel,
                                     line_no, m.start() + 1, target=tag)
            for m in HANDLER.finditer(text):
                yield Diagnostic("SAFE002", f"inline event handler '{m.group(1)}='", source.rel, line_no, m.start(1) + 1,
                                 target=m.group(1))
            for m in BAD_URL.finditer(text):
                yield Diagnostic("SAFE003", f"'{m.group(1)}' URL in Markdown", source.rel, line_no, m.start(1) + 1,
                                 target=m.group(1))
