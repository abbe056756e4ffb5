"""gate.yml's `required_parts`: the parts a page of each type must have, each found by a marker editors write.

A part is found by a stable marker, never by a guessed phrase: a heading id (`## How it works {#how-it-works}`)
or an admonition type (`!!! key-messages "Key messages"`). Page types that need no part are listed under
`exempt`, each with why, so that a new page type is a decision, not a silent gap (PART002).

    required_parts:
      parts:
        - id: key-messages
          marker: admonition
          name: key messages
          page_types: [condition, treatment, clinic]
      exempt:
        about: site pages, not health information.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from medsite.core.diagnostics import Diagnostic
from medsite.sources import yamlsource
from medsite.sources.pagemeta import REVIEW_MONTHS

MARKERS = ("heading", "admonition")  # a heading id {#id}, or an admonition's type (!!! id)
PART_KEYS = ("id", "marker", "name", "page_types")
# An id as Python-Markdown's attr_list and admonition both accept it, in the site's lower-case, hyphen form.
PART_ID = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$")  # no nested repeats: linear on any input
CODE = "GATE003"


@dataclass(frozen=True)
class Part:
    """A part that pages of some types must have (a heading or an admonition), from gate.yml."""

    id: str
    marker: str  # "heading" or "admonition"
    name: str  # in plain words, for messages
    page_types: tuple[str, ...]
    line: int | None = None  # in gate.yml

    def how_to_add(self) -> str:
        """The exact marker to write, as the fix of a missing part."""
        if self.marker == "admonition":
            return f'!!! {self.id} "{self.name[:1].upper()}{self.name[1:]}"'
        return f"## {self.name[:1].upper()}{self.name[1:]} {{#{self.id}}}"


@dataclass
class RequiredParts:
    """gate.yml's `required_parts`: the parts each page type needs, and the types exempt from them."""

    parts: list[Part] = field(default_factory=list)
    exempt: dict[str, str] = field(default_factory=dict)  # page type -> why it needs no part
    line: int | None = None  # of `required_parts:` in gate.yml
    declared: bool = False  # the setting is in gate.yml (without it, nothing is required)

    def for_type(self, page_type: str) -> list[Part]:
        return [p for p in self.parts if page_type in p.page_types]

    def covers(self, page_type: str) -> bool:
        return page_type in self.exempt or bool(self.for_type(page_type))


def _value_node(root, key: str):
    """The YAML node under a top-level key, for the lines of its items."""
    if isinstance(root, yaml.MappingNode):
        for k, value in root.value:
            if getattr(k, "value", None) == key:
                return value
    return None


def _line(node) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _page_types(value, rel: str, line, problems: list) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        problems.append(Diagnostic(CODE, f"'page_types' must be a list of page types, not {value!r}", rel, line,
                                   hint=f"write, for example, page_types: [treatment, clinic] (types: {', '.join(REVIEW_MONTHS)})"))
        return ()
    unknown = [t for t in value if t not in REVIEW_MONTHS]
    if unknown:
        problems.append(Diagnostic(CODE, f"unknown page type {', '.join(map(repr, unknown))} in required_parts", rel, line,
                                   hint=f"use one of: {', '.join(REVIEW_MONTHS)}"))
    return tuple(t for t in value if t in REVIEW_MONTHS)


def _part(item, node, rel: str, problems: list) -> Part | None:
    line = _line(node)
    if not isinstance(item, dict):
        problems.append(Diagnostic(CODE, "each required_parts part needs 'id', 'marker', 'name' and 'page_types'", rel, line))
        return None
    unknown = [str(k) for k in item if k not in PART_KEYS]
    if unknown:
        problems.append(Diagnostic(CODE, f"unknown key {', '.join(map(repr, unknown))} in a required part", rel, line,
                                   hint=f"use only: {', '.join(PART_KEYS)}"))
    part_id, marker, name = item.get("id"), item.get("marker"), item.get("name")
    ok = True
    if not isinstance(part_id, str) or not PART_ID.match(part_id):
        problems.append(Diagnostic(CODE, f"required part id {part_id!r} is not a valid id", rel, line,
                                   hint="write lower-case letters and digits joined by hyphens, e.g. id: warning-signs"))
        ok = False
    if marker not in MARKERS:
        problems.append(Diagnostic(CODE, f"unknown marker {marker!r} for required part {part_id!r}", rel, line,
                                   hint="write marker: heading (found as ## Heading {#id}) or marker: admonition (found as !!! id)"))
        ok = False
    if not isinstance(name, str) or not name.strip():
        problems.append(Diagnostic(CODE, f"required part {part_id!r} has no 'name'", rel, line,
                                   hint="give the part's name in plain words, e.g. name: warning signs"))
        ok = False
    types = _page_types(item.get("page_types"), rel, line, problems)
    return Part(part_id, marker, name.strip(), types, line) if ok and types else None


def parse(value, root_node, rel: str, line: int | None) -> tuple[RequiredParts, list[Diagnostic]]:
    """The `required_parts` setting (`value`, as constructed; `root_node`, gate.yml's YAML node, for item lines)."""
    problems: list[Diagnostic] = []
    result = RequiredParts(line=line, declared=value is not None)
    if value is None:
        return result, problems
    if not isinstance(value, dict):
        problems.append(Diagnostic(CODE, "required_parts must be a mapping with 'parts' (a list) and 'exempt'", rel, line))
        return result, problems
    for key in value:
        if key not in ("parts", "exempt"):
            problems.append(Diagnostic(CODE, f"unknown key {key!r} in required_parts", rel, line, hint="use parts and exempt"))
    node = _value_node(root_node, "required_parts")
    parts_node = _value_node(node, "parts")
    items = value.get("parts") or []
    if not isinstance(items, list):
        problems.append(Diagnostic(CODE, "required_parts.parts must be a list of parts", rel, _line(parts_node) or line))
        items = []
    item_nodes = parts_node.value if isinstance(parts_node, yaml.SequenceNode) else []
    seen: set[tuple[str, str]] = set()
    for n, item in enumerate(items):
        part = _part(item, item_nodes[n] if n < len(item_nodes) else parts_node, rel, problems)
        if part is None:
            continue
        if (part.marker, part.id) in seen:
            problems.append(Diagnostic(CODE, f"required part {part.id!r} is declared twice", rel, part.line,
                                       hint="give each part once, with every page type it applies to"))
            continue
        seen.add((part.marker, part.id))
        result.parts.append(part)
    exempt = value.get("exempt") or {}
    exempt_node = _value_node(node, "exempt")
    exempt_line = _line(exempt_node) or line
    entry_lines = yamlsource.key_lines(exempt_node) if exempt_node is not None else {}
    if not isinstance(exempt, dict):
        problems.append(Diagnostic(CODE, "required_parts.exempt must map each page type to why it needs no part", rel, exempt_line))
        exempt = {}
    for page_type, why in exempt.items():
        exempt_line = entry_lines.get(str(page_type), exempt_line)
        if page_type not in REVIEW_MONTHS:
            problems.append(Diagnostic(CODE, f"unknown page type {page_type!r} in required_parts.exempt", rel, exempt_line,
                                       hint=f"use one of: {', '.join(REVIEW_MONTHS)}"))
        elif not isinstance(why, str) or not why.strip():
            problems.append(Diagnostic(CODE, f"exempt page type {page_type!r} has no reason", rel, exempt_line,
                                       hint=f"write why it needs no part, e.g. {page_type}: site pages, not health information."))
        elif result.for_type(page_type):
            problems.append(Diagnostic(CODE, f"page type {page_type!r} is both exempt and given parts", rel, exempt_line,
                                       hint="remove it from exempt, or from the parts' page_types"))
        else:
            result.exempt[page_type] = why
    return result, problems
