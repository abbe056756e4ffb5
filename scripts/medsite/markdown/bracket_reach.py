"""Paragraphs that Python-Markdown would take minutes to read: refused before any engine runs.

Python-Markdown reads a link's text from each '[' to its matching ']', and a link's target from
the '(' after a ']' to its matching ')'; when one never closes it reads on to the paragraph's end,
then starts again at the next bracket. So 40 kB of '[' in one paragraph is 800 million steps
(minutes), and deeply nested brackets cost the same. The sum of those reaches is computed here in
one pass, the way the parser would walk them, outside code (which Markdown does not parse for
links), and a paragraph over limits.bracket_reach_kchars is refused at its first line. A real
paragraph needs a few thousand characters of reach; a paragraph of 40 citations about 2,000.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.markdown import structure

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("BUILD011", ERROR,
         what="A paragraph has so many unclosed or deeply nested brackets ([ or ( after ]) that the engine's Markdown "
              "parser would take minutes to read it (over gate.yml limits.bracket_reach_kchars).",
         why="Python-Markdown rereads the rest of the paragraph from every bracket that does not close: "
             "a paste of 40 kB of '[' would hang every build.",
         fix="Close the brackets, escape the ones meant as text (\\[), or put the text in a code block.",
         where="situation",
         bad="docs/page.md:12: BUILD011 this paragraph's 40,000 brackets would make Markdown read 800,000 "
             "thousand characters (the limit is 4,000 thousand)",
         good="Brackets in prose close ([@key], [text](link)); brackets shown as text are escaped (\\[) or in code."),
)

CODE = "BUILD011"


def _paragraphs(blanked: str):
    """(first line index, text) of each run of non-blank lines of a body whose code is blanked."""
    start, lines = None, []
    for i, line in enumerate(blanked.split("\n")):
        if line.strip():
            if start is None:
                start = i
            lines.append(line)
        elif start is not None:
            yield start, "\n".join(lines)
            start, lines = None, []
    if start is not None:
        yield start, "\n".join(lines)


# A backslash and the character it escapes, or a bracket: the only characters `reach` needs to see
# (a loop over every character of every page in Python cost more than the rest of this step).
_SIGNIFICANT = re.compile(r"\\.|[\[\]()]", re.S)


def reach(text: str) -> tuple[int, int]:
    """(characters the link parser would scan from the brackets of `text`, how many brackets)."""
    squares: list[int] = []  # open '[' positions
    parens: list[tuple[int, bool]] = []  # open '(' positions, and whether each starts a link target
    total = count = 0
    after_square = -1  # the position just after the last ']' that was not escaped
    for m in _SIGNIFICANT.finditer(text):
        pos, char = m.start(), m.group()
        if char == "[":
            squares.append(pos)
            count += 1
        elif char == "]":
            if squares:
                total += pos - squares.pop()
            after_square = pos + 1
        elif char == "(":
            parens.append((pos, after_square == pos))
            count += after_square == pos
        elif char == ")" and parens:
            opened, target = parens.pop()
            total += pos - opened if target else 0
    end = len(text)
    total += sum(end - p for p in squares) + sum(end - p for p, target in parens if target)
    return total, count


def check_page(body: str, first_line: int, path: str, limit_kchars: int) -> Diagnostic | None:
    """BUILD011 at the first paragraph of `body` (whose first line is `first_line`) over the limit."""
    if "[" not in body:
        return None
    # Each '[' and each link target's '(' (it follows a ']') reads at most to the body's end, and blanking code
    # keeps the length and only removes brackets: under the limit so, as most pages are, no walk is needed.
    if (body.count("[") + body.count("](")) * len(body) <= limit_kchars * 1000:
        return None
    blanked = structure.blank_code(body)  # code is never parsed for links
    # The reach of the whole body is at least that of any of its paragraphs (a bracket reads on at most to
    # the body's end, and one paragraph's brackets pair the same way inside the body): most pages stop here.
    if reach(blanked)[0] <= limit_kchars * 1000:
        return None
    for start, text in _paragraphs(blanked):
        total, brackets = reach(text)
        if total > limit_kchars * 1000:
            return Diagnostic(
                CODE,
                f"this paragraph's {brackets:,} brackets would make Markdown read {total // 1000:,} thousand characters "
                f"(the limit is {limit_kchars:,} thousand): some never close, or they nest very deep",
                path, first_line + start,
                hint="close the brackets, escape the ones meant as text (\\[), or put the text in a code block "
                     "(only if such a paragraph is really needed, raise limits.bracket_reach_kchars in gate.yml)")
    return None
