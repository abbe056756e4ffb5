"""Reviewed exceptions to the SAFE rules: `safe_exceptions` in gate.yml.

SAFE findings cannot be silenced from inside a page. When the clinic truly needs markup the
allowlist refuses (an embedded video, say), a maintainer adds an entry naming the source file and
the exact markup, with the reason; the entry then allows that one element, with exactly those
attributes, from that one file, and nothing else. An entry that allows nothing is reported.

An entry can never allow what the policy forbids outright, whoever reviewed it: an element that runs
code, redirects readers or changes how the page loads (script, style, meta, base, object...), an event
handler, an inline style, srcdoc, or a URL whose scheme runs code. Such an entry is SAFE020 at its line
in gate.yml, and the output check never lets an exception cover those findings (markup_check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("SAFE020", ERROR,
         what="A safe_exceptions entry in gate.yml names markup the policy forbids outright (script, style, meta refresh, base, object, an event handler, style=, srcdoc, a javascript: URL...).",
         why="An exception is for an embed the allowlist does not know, never for markup that runs code, redirects readers or hides text: no review can make that safe.",
         fix="Remove the entry; a feature that needs script belongs in overrides/, reviewed by a maintainer.",
         where="gate.yml",
         bad="""\
safe_exceptions:
  - file: docs/page.md
    markup: '<script src="https://widget.example/w.js"></script>'
    why: the clinic's booking widget""",
         good="""\
safe_exceptions:
  - file: docs/page.md
    markup: '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Our video"></iframe>'
    why: the clinic's explainer video"""),
)

# Elements no exception may allow: they run code, redirect, load other documents or change how the page
# loads or looks. (An <iframe> may be allowed: an embedded video, in its own origin.)
NEVER_TAGS = frozenset({"script", "style", "meta", "link", "base", "object", "embed", "applet", "frame", "frameset",
                        "portal", "math", "foreignobject", "animate", "set", "animatetransform", "animatemotion",
                        "handler", "listener", "xml", "import", "noembed", "param", "template", "slot", "form",
                        "input", "button", "textarea", "select", "noscript"})
# Attributes no exception may allow, on any element.
NEVER_ATTRS = frozenset({"style", "srcdoc", "http-equiv", "formaction", "action", "is"})
# URL schemes an allowed element may use (relative URLs are always fine).
EXCEPTION_SCHEMES = frozenset({"https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CONTROL = "".join(chr(i) for i in range(0x21))


def refused(element: tuple) -> str | None:
    """Why no exception may allow this element (a `signature`), or None when one may."""
    tag, attrs = element
    if tag in NEVER_TAGS:
        return f"<{tag}> is never allowed"
    for name, value in attrs:
        if name.startswith("on"):
            return f"the event handler '{name}=' is never allowed"
        if name in NEVER_ATTRS:
            return f"the attribute '{name}=' is never allowed"
        scheme = _SCHEME.match(re.sub(r"[\t\n\r]", "", value).strip(_CONTROL))
        if scheme and scheme.group(1).lower() not in EXCEPTION_SCHEMES:
            return f"a '{scheme.group(1).lower()}:' URL in {name}= is never allowed"
    return None


def signature(tag: str, attrs) -> tuple:
    """An element as the check compares it: its name and its attributes, in any order or quoting."""
    return (tag.lower(), tuple(sorted((str(k).lower(), v or "") for k, v in attrs.items())))


@dataclass(frozen=True)
class SafeException:
    """Markup gate.yml allows in one file (an embed, say), with the reason given for it."""

    file: str  # project-relative source file, e.g. "docs/about/contact.md"
    markup: str  # the opening tag as written, e.g. '<iframe src="https://...">'
    why: str
    line: int | None  # of the entry in gate.yml

    @property
    def element(self) -> tuple | None:
        """The first element of the markup, or None when the markup has no element."""
        # Imported here: every engine's render loads the settings, and most sites list no exception (issue 19).
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(self.markup)
        for node in tree.root.traverse(include_text=False):
            if node.tag not in ("html", "head", "body") and not node.tag.startswith(("-", "_")):
                return signature(node.tag, node.attributes)
        return None

    def covers_line(self, text: str, line: int) -> bool:
        """True when the markup, as written, spans ``line`` of ``text`` (for the source-level checks)."""
        start = text.find(self.markup)
        while start != -1:
            first = text.count("\n", 0, start) + 1
            if first <= line <= first + self.markup.count("\n"):
                return True
            start = text.find(self.markup, start + 1)
        return False


def parse(items, rel: str, line: int | None):
    """(exceptions, problems) from the gate.yml list; every entry needs file, markup and why."""
    out, problems = [], []
    for item in items or []:
        complete = isinstance(item, dict) and all(isinstance(item.get(k), str) and item[k].strip() for k in ("file", "markup", "why"))
        if not complete:
            problems.append(Diagnostic("GATE003", "each safe_exceptions entry needs 'file', 'markup' and 'why'", rel, line,
                                       hint="name the source file, copy the exact markup, and say why it is needed"))
            continue
        exception = SafeException(item["file"].strip(), item["markup"].strip(), item["why"].strip(), line)
        if exception.element is None:
            problems.append(Diagnostic("GATE003", f"safe_exceptions markup {exception.markup!r} has no element", rel, line))
            continue
        why_not = refused(exception.element)
        if why_not:
            problems.append(Diagnostic("SAFE020", f"safe_exceptions entry for {exception.file} cannot allow "
                                       f"{exception.markup[:60]!r}: {why_not}", rel, line, hint=RULES["SAFE020"].fix))
            continue
        out.append(exception)
    return out, problems
