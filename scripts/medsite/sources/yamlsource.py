"""YAML that remembers where each value came from.

Editors need `path:line` in every message, so bibliography and front matter
are loaded with PyYAML's node tree, which carries line marks, and converted to
plain Python values alongside a map from keys to lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("INPUT001", ERROR,
         what="YAML in front matter, the bibliography, gate.yml or mkdocs.yml uses an anchor (&name) or alias (*name), or nests more than 40 levels deep.",
         why="An alias repeats a value without repeating its text: ten lines can stand for a billion values and stall the build for minutes.",
         fix="Write each value out in full where it is used.",
         where="front matter",
         bad="""\
title: &t A page
description: *t""",
         good="""\
title: A page
description: One sentence about the page."""),
)


@dataclass
class Located:
    """A plain value (dict, list, str...) plus the 1-based line of each mapping key."""

    value: object
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)


INPUT_CODE = "INPUT001"
MAX_DEPTH = 40  # real front matter and CSL entries nest 4 levels deep; the composer recurses per level


class RefusedYAML(yaml.composer.ComposerError):
    """YAML that is valid but not accepted from editors (anchors, aliases, deep nesting)."""

    def __init__(self, problem: str, mark, hint: str, code: str = "INPUT001"):
        super().__init__(None, None, problem, mark)
        self.hint = hint
        self.code = code


class _Composer(yaml.composer.Composer):
    """Builds the node tree, refusing anchors and aliases before anything is built.

    An alias repeats a value without repeating its text, so ten lines can stand
    for a billion values (the "billion laughs"): MkDocs, Jinja or our checks would
    then walk or print all of them. Nobody needs aliases in front matter or a
    bibliography, so they are an error instead of a bounded expansion.
    """

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise RefusedYAML("YAML anchors (&name) and aliases (*name) are not allowed", event.start_mark,
                              "write each value out in full where it is used")
        if self._depth >= MAX_DEPTH:
            raise RefusedYAML(f"YAML nested more than {MAX_DEPTH} levels deep", event.start_mark,
                              "flatten the value; lists of lists this deep are never needed")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


if hasattr(yaml, "CSafeLoader"):
    # libyaml's C parser when PyYAML has it (the wheels do): same events and marks, much
    # faster. Our composer sits in front of its C composer, which has no depth limit.
    class SafeLoader(_Composer, yaml.CSafeLoader):
        def __init__(self, stream):
            yaml.CSafeLoader.__init__(self, stream)
            _Composer.__init__(self)
else:  # pragma: no cover - pure-Python PyYAML
    class SafeLoader(_Composer, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                     yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        def __init__(self, stream):
            yaml.SafeLoader.__init__(self, stream)


class _Loader(SafeLoader):
    pass


def _no_dates(loader, node):
    # Keep dates as the strings the editor typed; the checks parse them and can
    # then report a bad date with its line instead of a YAML type error.
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _no_dates)


def yaml_error(exc: yaml.YAMLError, path: str, *, code: str, line_offset: int = 0) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + line_offset if mark else None
    if isinstance(exc, RefusedYAML):
        return Diagnostic(exc.code, exc.problem, path, line, hint=exc.hint)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark and mark and context_mark.line != mark.line:
        problem += f" ({context} started on line {context_mark.line + 1 + line_offset})"
    return Diagnostic(
        code=code,
        message=f"YAML does not parse: {problem}",
        path=path,
        line=line,
        hint="check indentation, and quote values that contain ':' or start with a special character",
    )


def compose(text: str, path: str, *, code: str, line_offset: int = 0) -> yaml.Node | None:
    """Parse one YAML document into a node tree, or raise DiagnosticError."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise DiagnosticError(yaml_error(exc, path, code=code, line_offset=line_offset)) from None


def construct(node: yaml.Node, path: str, *, code: str, line_offset: int = 0) -> object:
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise DiagnosticError(yaml_error(exc, path, code=code, line_offset=line_offset)) from None


def key_lines(node: yaml.Node, line_offset: int = 0) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(k.value): k.start_mark.line + 1 + line_offset
        for k, _ in node.value
        if isinstance(k, yaml.ScalarNode)
    }


def located_items(node: yaml.Node, path: str, *, code: str, line_offset: int = 0) -> list[Located]:
    """The items of a top-level YAML sequence, each with its line and key lines."""
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [
        Located(
            value=construct(item, path, code=code, line_offset=line_offset),
            line=item.start_mark.line + 1 + line_offset,
            key_lines=key_lines(item, line_offset),
        )
        for item in node.value
    ]
