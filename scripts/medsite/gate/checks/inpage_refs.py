"""PART004: a sentence that points readers elsewhere on the page ("the table below", "the list above",
"our answers below", "see below", "the [warning signs](#warning-signs) below") points to something that is there, in
that direction. A table whose every answer is "Not disclosed" is no table of answers: the clinic page's
offer panel counts only once the clinic has given an answer.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.gate.checks.page_parts import LIST_ITEM, TABLE_ROW, TABLE_RULE, admonition_kinds, sections
from medsite.gate.checks.prose import sentences
from medsite.markdown import snippet_includes
from medsite.sources import offer_facts

RULES = declare(
    Rule("PART004", ERROR,
         what="A sentence points to something on the page ('the table below', 'the list above', 'our answers below', 'the box below', 'see below', or a link to a heading with 'above' or 'below') that is not there in that direction, or to a table whose every answer is 'Not disclosed'.",
         why="Readers told to look for data that does not exist are misled about what the page, or the clinic, has said.",
         fix="Add what the sentence points to, point the other way (above or below), or rewrite the sentence to say plainly what is and is not known.",
         bad="The table below gives the figures [@smith2020].",
         good="""\
The table below gives the figures [@smith2020].

| Group | Relapsed within 2 years |
|---|---|
| On the medicine | 27% [@smith2020] |"""),
)

# What a sentence points to, and in which direction.
POINTERS = [
    ("table", re.compile(r"\btables?\s+(above|below)\b", re.I)),
    ("list", re.compile(r"\b(?:list(?:ed)?|points?|items?|steps?)\s+(above|below)\b", re.I)),
    ("box", re.compile(r"\b(?:box|callout)\s+(above|below)\b", re.I)),
    ("answers", re.compile(r"\banswers\s+(above|below)\b", re.I)),
    ("text", re.compile(r"\bsee\s+(above|below)\b", re.I)),
]
# A link to a heading of this page followed by a direction: "the [warning signs](#warning-signs) below".
ANCHOR_POINTER = re.compile(r"\]\(#([\w-]+)\)\s*,?\s*(above|below)\b", re.I)
NOT_DISCLOSED = re.compile(r"not\s+disclosed", re.I)


def _offer_table_answers(project) -> bool:
    """Whether the offer panel holds any answer (a file that cannot be read shows none; OFFER002 says why)."""
    if "_offer_answers" not in project.__dict__:
        path = str(project.extra.get("clinic_offer") or offer_facts.DEFAULT_PATH)
        try:
            facts = offer_facts.load(path, project.root)
            project.__dict__["_offer_answers"] = len(facts.undisclosed) < len(offer_facts.FACTS)
        except DiagnosticError:
            project.__dict__["_offer_answers"] = False
    return project.__dict__["_offer_answers"]


def _included(project, page) -> list[tuple[int, str]]:
    """The lines of the snippets the page includes (--8<--), each at the line that includes it."""
    out = []
    for ref in snippet_includes.find(page.page.body, first_line=page.page.body_line):
        path = project.includes_dir / ref.path
        if snippet_includes.outside(ref.path, project.includes_dir) or not path.is_file():
            continue  # SAFE032 and META010 report these
        try:
            out += [(ref.line, text) for text in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        except OSError:
            continue
    return out


def _targets(project, page) -> dict[str, list[tuple[int, bool]]]:
    """Line of each table, list item and callout on the page (snippets included, at their include line);
    for tables, whether it holds any answer."""
    lines = sorted([*page.prose_lines(), *_included(project, page)], key=lambda pair: pair[0])
    found: dict[str, list[tuple[int, bool]]] = {"table": [], "list": [], "box": [], "text": []}
    for n, (line_no, text) in enumerate(lines):
        if text.strip() and not text.lstrip().startswith("<!--"):
            found["text"].append((line_no, True))
        if offer_facts.MARKER in text:
            found["table"].append((line_no, _offer_table_answers(project)))
        elif re.match(r"^\s*<table\b", text, re.I):
            found["table"].append((line_no, True))
        elif TABLE_RULE.match(text) and n and TABLE_ROW.match(lines[n - 1][1]):
            cells = []
            for _, row in lines[n + 1:]:
                if not TABLE_ROW.match(row):
                    break
                cells += [c.strip() for c in row.strip().strip("|").split("|")[1:]]  # the answers, not the row labels
            answered = not cells or not all(NOT_DISCLOSED.search(c) for c in cells)
            found["table"].append((lines[n - 1][0], answered))
        elif LIST_ITEM.match(text):
            found["list"].append((line_no, True))
        elif admonition_kinds(text):
            found["box"].append((line_no, True))
    return found


def _extent(places: list[tuple[int, bool]]) -> dict[bool, tuple[int, int] | None]:
    """The first and last line of the places, and of those with an answer: all a direction needs."""
    every = [n for n, _ in places]
    answered = [n for n, ok in places if ok]
    return {False: (min(every), max(every)) if every else None, True: (min(answered), max(answered)) if answered else None}


def _reaches(extent, line: int, direction: str, *, answered: bool = False) -> bool:
    first_last = extent[answered]
    return first_last is not None and (first_last[1] > line if direction == "below" else first_last[0] < line)


def _problem(kind: str, direction: str, line: int, targets) -> str | None:
    wanted = ["table", "list"] if kind == "answers" else [kind]
    if not any(_reaches(targets[k], line, direction) for k in wanted):
        return f"there is no {' or '.join(wanted)} {direction} it on the page"
    if not any(_reaches(targets[k], line, direction, answered=True) for k in wanted):
        return f"every answer in the table {direction} it is 'Not disclosed'"
    return None


def page_diagnostics(project, page):
    targets = None
    for s in sentences(page):
        if s.place != "body":
            continue
        for kind, pattern in POINTERS:
            m = pattern.search(s.text)
            if not m:
                continue
            targets = targets or {kind: _extent(places) for kind, places in _targets(project, page).items()}
            problem = _problem(kind, m.group(1).lower(), s.line, targets)
            if problem:
                yield Diagnostic("PART004", f"'{m.group(0)}' points to nothing: {problem}", page.rel, s.line, target=m.group(0),
                                 hint="add what it points to, point the other way, or say plainly what is and is not known")
    headings = {sec.id: sec.line for sec in sections(page)}
    for line_no, text in page.prose_lines():
        for m in ANCHOR_POINTER.finditer(text):
            anchor, direction = m.group(1), m.group(2).lower()
            at = headings.get(anchor)
            if at is not None and (at < line_no if direction == "below" else at > line_no):  # a missing one is LNK002's
                yield Diagnostic("PART004", f"the link to #{anchor} says '{direction}', but that section is "
                                            f"{'above' if direction == 'below' else 'below'} it", page.rel, line_no,
                                 target=anchor, hint=f"write '{'above' if direction == 'below' else 'below'}', or move the sentence")


@gate_check(stage=SOURCE)
def check(project):
    for page in project.pages:
        if page.page is not None and not page.error:
            yield from page_diagnostics(project, page)
