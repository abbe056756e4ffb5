"""SAFE030: no file from docs/ that a browser could be made to run as a script.

The policy allows scripts from the site itself (`script-src 'self'`), meaning ours. A host that
sends `X-Content-Type-Options: nosniff` (from _headers) makes browsers refuse a text file as a
script; GitHub Pages, where publish.yml deploys, sends no such header, and Chromium and Firefox
then run a same-origin text/plain, text/css or text/html file as a script if it parses as one
(they refuse only image, audio, video and text/csv types). So any text file copied from docs/
that reads as JavaScript would be a script of ours to the policy: one injected
`<script src="/assets/notes.txt">` away from running.

A file is safe when its first character cannot begin a script (JavaScript parses the whole file
before it runs any of it, so one syntax error stops it all): `<` (other than `<!--`), `:`, `}`,
`.` before a letter, ... after any spaces and /* comments */, which both CSS and JavaScript skip.
Otherwise its text is searched for what scripts are made of (functions, arrows, declarations,
document./window., calls such as eval( or alert(, escapes and the bracket soup of obfuscated
script). That search is a guard, not a proof; the `nosniff` header is the real protection, and
README.md says which host gives it.

File types the output check refuses whatever they hold (.js, .mjs, .json, .csv, ...: SAFE008) and
images (browsers never run image types as scripts) are not read here; pages are checked as pages.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.gate import safety_policy as policy

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE030", ERROR,
         what="A text file under docs/ (.txt, .css, a copied .html or .svg) reads as JavaScript.",
         why="Where the host sends no `nosniff` header (GitHub Pages), browsers run a same-origin text file as a script if it parses as one, and the security policy allows the site's own scripts.",
         fix="Remove the script-like text from the file (or the file); scripts belong to maintainers, in overrides/.",
         where="docs/assets/notes.txt",
         bad="alert(document.cookie)",
         good="Notes for editors: the drawings are in assets/figures."),
)

# Copied as they are and served with a text type a browser may run as script without nosniff.
_TEXT_SUFFIXES = (frozenset({".txt", ".css"}) | policy.HTML_SUFFIXES | policy.SVG_SUFFIXES)

# After spaces and /* comments */, a script cannot begin with these (a syntax error at once).
_NEVER_STARTS_A_SCRIPT = re.compile(r"(?:<(?!!--)|[:})\]*%^|&=>?,]|\.(?![0-9]))")

# What scripts are made of; each pattern is linear (no nested repetition).
_SIGNS = (
    ("a function", re.compile(r"\bfunction\b\s*\*?\s*[\w$]*\s*\([^)]*\)\s*\{")),
    ("an arrow function", re.compile(r"=>")),
    ("a declaration", re.compile(r"\b(?:var|let|const)\s+(?:[\w$]+\s*[=,;]|[\[{])")),
    ("a browser object", re.compile(r"\b(?:document|window|globalThis|self|top|parent|opener|frames|location|navigator|"
                                    r"localStorage|sessionStorage|indexedDB)\s*(?:\??\.[A-Za-z_$]|\[)")),
    ("a call", re.compile(r"\b(?:eval|alert|confirm|prompt|fetch|import|require|importScripts|setTimeout|setInterval|"
                          r"Function|atob|postMessage|XMLHttpRequest|WebSocket|Worker)\s*\(")),
    ("a constructor", re.compile(r"\bconstructor\b")),
    ("a template string", re.compile(r"`[^`]*\$\{")),
    ("an escaped name", re.compile(r"\\u(?:\{|[0-9A-Fa-f]{4})")),
    ("obfuscated script", re.compile(r"[\[\]()!+]{12,}")),
)


def cannot_be_a_script(text: str) -> bool:
    """True when the text's beginning is a JavaScript syntax error, so no browser can run it."""
    text = text.lstrip("\ufeff")
    return bool(_NEVER_STARTS_A_SCRIPT.match(text, _after_blanks_and_comments(text)))


def _after_blanks_and_comments(text: str) -> int:
    """Where the first token starts, past white space and closed /* */ comments (a loop, not a regex of
    nested repeats, so no text can make it backtrack)."""
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        end = text.find("*/", i + 2) if text.startswith("/*", i) else -1
        if end < 0:
            return i
        i = end + 2


def script_sign(text: str) -> tuple[str, int, int] | None:
    """(what, line, column) of the first thing in `text` that reads as JavaScript, or None."""
    first = None
    for what, pattern in _SIGNS:
        m = pattern.search(text)
        if m and (first is None or m.start() < first[1]):
            first = (what, m.start())
    if first is None:
        return None
    what, at = first
    line = text.count("\n", 0, at) + 1
    return what, line, at - (text.rfind("\n", 0, at) + 1) + 1


@gate_check(stage=SOURCE)
def check(project):
    for path in project.sources.copied_files(_TEXT_SUFFIXES):  # links left to the link check
        rel = path.relative_to(project.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # unreadable files are reported where the project is read
        if cannot_be_a_script(text):
            continue
        found = script_sign(text)
        if found:
            what, line, column = found
            yield Diagnostic("SAFE030", f"{what} in a {path.suffix.lower()} file, which a browser could run as a script "
                             "where the host sends no nosniff header", rel, line, column, target=what)
