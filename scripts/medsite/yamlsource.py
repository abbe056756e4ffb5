"""YAML that remembers where each value came from.

Editors need `path:line` in every message, so bibliography and front matter
are loaded with PyYAML's node tree, which carries line marks, and converted to
plain Python values alongside a map from keys to lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .diagnostics import Diagnostic, DiagnosticError


@dataclass
class Located:
    """A plain value (dict, list, str...) plus the 1-based line of each mapping key."""

    value: object
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)


# libyaml's C parser when PyYAML has it (the wheels do): same nodes and marks, much faster.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    pass


def _no_dates(loader, node):
    # Keep dates as the strings the editor typed; the checks parse them and can
    # then report a bad date with its line instead of a YAML type error.
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _no_dates)


def yaml_error(exc: yaml.YAMLError, path: str, *, code: str, line_offset: int = 0) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + line_offset if mark else None
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
