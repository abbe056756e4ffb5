"""Reviewed exceptions to the SAFE rules: `safe_exceptions` in gate.yml.

SAFE findings cannot be silenced from inside a page. When the clinic truly needs markup the
allowlist refuses (an embedded video, say), a maintainer adds an entry naming the source file and
the exact markup, with the reason; the entry then allows that one element, with exactly those
attributes, from that one file, and nothing else. An entry that allows nothing is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from medsite.core.diagnostics import Diagnostic


def signature(tag: str, attrs) -> tuple:
    """An element as the check compares it: its name and its attributes, in any order or quoting."""
    return (tag.lower(), tuple(sorted((str(k).lower(), v or "") for k, v in attrs.items())))


@dataclass(frozen=True)
class SafeException:
    file: str  # project-relative source file, e.g. "docs/about/contact.md"
    markup: str  # the opening tag as written, e.g. '<iframe src="https://...">'
    why: str
    line: int | None  # of the entry in gate.yml

    @property
    def element(self) -> tuple | None:
        """The first element of the markup, or None when the markup has no element."""
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
        out.append(exception)
    return out, problems
