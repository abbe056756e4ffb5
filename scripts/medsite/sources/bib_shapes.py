"""Which shape a bibliography file is in, and its entries with their lines, whatever the shape we read.

Editors bring what their reference manager exports: CSL YAML (Zotero, Better
BibTeX, Pandoc), CSL JSON (an array, `{"items": [...]}` or one entry), Better
BibTeX's CSL JSON (the same, with extra fields such as `citation-key`), or
BibTeX. Anything else gets one line that names it and the shapes we read,
and a JSON or YAML mistake is worded as what to change, never as the parser's
own terms.
"""

from __future__ import annotations

import json
import re

import yaml

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare, example_entry
from medsite.sources import bibtex, yamlsource
from medsite.sources import limits as input_limits

RULES = declare(
    Rule(
        "REF015",
        ERROR,
        what="The bibliography (or a file given to `make cite FILE=`) is in a shape the site does not read: RIS, EndNote, XML, a Word file, or JSON or YAML that is not a list of entries.",
        why="Its entries cannot be cited, and guessing at them could print a reference wrongly.",
        fix="Export the sources again from your reference manager as CSL JSON, CSL YAML (Better CSL YAML) or BibTeX, then add them with `make cite FILE=export.json` (or, in the browser, paste each entry at the end of docs/references.yaml).",
        where="docs/references.yaml",
        bad="TY  - JOUR\nAU  - Reich, Daniel S.\nTI  - Multiple Sclerosis\nER  - ",
        good=example_entry(),
    ),
)

CODE = "REF015"
PARSE_CODE = "REF002"
SHAPES = 'CSL YAML, CSL JSON (a list of entries, {"items": [...]} or one entry), Better BibTeX\'s CSL JSON or YAML, and BibTeX (.bib)'
SHAPES_FIX = (
    "export the sources as CSL JSON, CSL YAML or BibTeX and add them with `make cite FILE=<the export>`; "
    "in the browser, paste each entry at the end of docs/references.yaml after '- '"
)
_BIBTEX_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)
# Shapes we recognise but do not read: (pattern, what the editor would call it).
_OTHER_SHAPES = (
    (re.compile(r"^TY  - ", re.M), "RIS (a .ris export)"),
    (re.compile(r"^%0 ", re.M), "EndNote's tagged format"),
    (re.compile(r"^PMID- ", re.M), "PubMed's MEDLINE format"),
    (re.compile(r"^\s*<"), "XML (EndNote XML, MODS or similar)"),
    (re.compile(r"^\{\\rtf"), "an RTF document"),
)
# PyYAML's words for common mistakes, in an editor's terms.
_YAML_PLAIN = (
    ("mapping values are not allowed", "a value contains ': ' (colon and space); put quotes around the whole value"),
    ("found character '\\t'", "a tab is used to indent; indent with spaces"),
    ("could not find expected ':'", "a line is neither 'field: value' nor a list item starting with '- '"),
    ("did not find expected key", "this line is not indented like the fields above it"),
    ("did not find expected '-' indicator", "this line is not indented like the entries above it"),
    ("found unexpected end of stream", "a quote or bracket opened here is never closed"),
    ("found undefined alias", "'*' starts a value; put quotes around it"),
    ("expected <block end>", "this line is not indented like the lines above it"),
    ("found unknown escape character", "a backslash in double quotes; use single quotes around the value"),
)


def _not_read(path: str, what: str, line: int | None = 1) -> DiagnosticError:
    return DiagnosticError(
        Diagnostic(
            CODE,
            f"this file is {what}, a shape the site does not read (it reads {SHAPES})",
            path,
            line,
            hint=SHAPES_FIX,
        )
    )


def is_bibtex(text: str, path: str) -> bool:
    if path.lower().endswith(".bib"):
        return True
    stripped = text.lstrip()
    return bool(_BIBTEX_START.match(stripped)) and not stripped.startswith(("-", "[", "{"))


def _line_of(text: str, match: re.Match) -> int:
    return text.count("\n", 0, match.start()) + 1


def _plain_yaml_error(error: Diagnostic, text: str, path: str) -> Diagnostic:
    """A YAML mistake in an editor's words: a pasted BibTeX entry or JSON array is named as such."""
    bib = _BIBTEX_START.search(text)
    if bib:
        return Diagnostic(
            CODE,
            f"line {_line_of(text, bib)} starts a BibTeX entry inside a CSL YAML file",
            path,
            _line_of(text, bib),
            hint="save the BibTeX as a file of its own (sources.bib) and run "
            "`make cite FILE=sources.bib`, which converts it and appends it here",
        )
    pasted = re.search(r"^[\[{]", text, re.M)
    if pasted and pasted.start() > 0:
        return Diagnostic(
            CODE,
            f"line {_line_of(text, pasted)} starts CSL JSON inside a CSL YAML list",
            path,
            _line_of(text, pasted),
            hint="save the JSON as a file of its own (sources.json) and run "
            "`make cite FILE=sources.json`; or paste each object {...} after '- ' on a line of its own",
        )
    message = error.message
    for parser_words, plain in _YAML_PLAIN:
        if parser_words in message:
            message = f"the bibliography cannot be read here: {plain}"
            break
    else:
        message = message.replace("YAML does not parse: ", "the bibliography cannot be read here: ")
    return Diagnostic(error.code, message, error.path, error.line, hint=error.hint)


_JSON_PLAIN = (
    ("Expecting ',' delimiter", "a comma is missing between two values"),
    ("Expecting property name", "a field name is not in double quotes, or a comma is left before '}'"),
    ("Expecting value", "a value is missing (or a comma is left before ']')"),
    ("Extra data", "text follows the end of the JSON"),
    ("Unterminated string", "a quote opened here is never closed"),
    ("Invalid control character", "a line break inside quotes; write it as \\n"),
)


def _json_error(exc: json.JSONDecodeError, path: str) -> Diagnostic:
    plain = next((p for words, p in _JSON_PLAIN if exc.msg.startswith(words)), exc.msg)
    return Diagnostic(
        PARSE_CODE,
        f"the CSL JSON cannot be read here: {plain}",
        path,
        exc.lineno,
        column=exc.colno,
        hint="fix the JSON at this place, or export it again from your reference manager",
    )


def _compose(text: str, path: str) -> yaml.Node | None:
    stripped = text.lstrip()
    for pattern, what in _OTHER_SHAPES:
        if pattern.search(stripped[:2000]):
            raise _not_read(path, what)
    if stripped.startswith(("[", "{")):
        # The YAML reader first: it enforces the input limits (INPUT001: depth, anchors) with field lines.
        try:
            return yamlsource.compose(text, path, code=PARSE_CODE)
        except DiagnosticError as exc:
            if exc.diagnostics[0].code != PARSE_CODE:
                raise
        _load_json(text, path)  # not YAML: valid JSON (read as JSON, without field lines), or one located error
        return None
    try:
        return yamlsource.compose(text, path, code=PARSE_CODE)
    except DiagnosticError as exc:
        if exc.diagnostics[0].code != PARSE_CODE:
            raise  # INPUT001: anchors, aliases, depth
        raise DiagnosticError(_plain_yaml_error(exc.diagnostics[0], text, path)) from None


def _entries_node(node: yaml.Node, path: str) -> yaml.Node:
    """The list of entries: the file itself, `references:` (Pandoc), `items:` (CSL JSON objects), or one entry."""
    if isinstance(node, yaml.MappingNode):
        keys = {getattr(k, "value", None): v for k, v in node.value}
        for wrapper in ("references", "items"):
            if isinstance(keys.get(wrapper), yaml.SequenceNode):
                return keys[wrapper]
        if "id" in keys or "type" in keys or "title" in keys:
            return yaml.SequenceNode("tag:yaml.org,2002:seq", [node], node.start_mark, node.end_mark)
        names = ", ".join(sorted(str(k) for k in keys if k is not None)[:5])
        raise _not_read(path, f"a group of fields ({names}) with no list of entries", node.start_mark.line + 1)
    if not isinstance(node, yaml.SequenceNode):
        raise _not_read(path, "a single value, not a list of entries", node.start_mark.line + 1)
    return node


def _load_json(text: str, path: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DiagnosticError(_json_error(exc, path)) from None
    except RecursionError:  # brackets nested past Python's limit: the same refusal as YAML's depth limit
        raise DiagnosticError([Diagnostic(yamlsource.INPUT_CODE, "the file nests brackets too deeply to be a bibliography",
                                          path, 1, hint="a bibliography is a list of entries; export it again")]) from None


def _json_items(text: str, path: str) -> list[yamlsource.Located]:
    data = _load_json(text, path)
    if isinstance(data, dict):
        data = next((data[w] for w in ("references", "items") if isinstance(data.get(w), list)), [data])
    return [yamlsource.Located(item, 1) for item in data] if isinstance(data, list) else []


def _oversized(items: list[yaml.Node], path: str, limit: int) -> list[Diagnostic]:
    return [
        input_limits.too_large(
            "bibliography entry",
            item.end_mark.index - item.start_mark.index,
            limit,
            "characters",
            path,
            item.start_mark.line + 1,
            "bibliography_entry_chars",
        )
        for item in items
        if item.end_mark.index - item.start_mark.index > limit
    ]


def read(text: str, path: str, limits: input_limits.Limits) -> tuple[list[yamlsource.Located], list[Diagnostic]]:
    """The file's entries, each a plain value with its lines, and problems found on the way (REF012).

    Raises DiagnosticError when the file cannot be read at all (REF002, REF015, INPUT001/2).
    """
    text = text.removeprefix("\ufeff")
    if is_bibtex(text, path):
        items, problems, broken = bibtex.read(text, path)
        if broken:
            raise DiagnosticError(*broken)
        return items, problems
    node = _compose(text, path)
    if node is None:
        if text.strip() and text.lstrip().startswith(("[", "{")):
            return _json_items(text, path), []
        return [], []
    node = _entries_node(node, path)
    oversized = _oversized(node.value, path, limits.bibliography_entry_chars)
    if oversized:
        raise DiagnosticError(*oversized)
    return yamlsource.located_items(node, path, code=PARSE_CODE), []
