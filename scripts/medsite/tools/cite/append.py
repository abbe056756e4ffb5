"""Add one entry at the end of the bibliography, leaving every other byte as it was.

The file is never re-serialised (that would drop the editors' comments and
reflow their entries): the new entry is dumped on its own, indented like the
file's existing items, and appended. The result is parsed again before it is
written, and written atomically, so a failure leaves the old file untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from medsite.sources import bibliography, yamlsource


class AppendError(Exception):
    pass


def _item_indent(text: str, path: str) -> int:
    """The column at which the file's list items start (0 for a bare list, more under `references:`)."""
    node = yamlsource.compose(text, path, code=bibliography.PARSE_CODE)
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if getattr(k, "value", None) == "references"), None)
    if isinstance(node, yaml.SequenceNode) and node.value:
        # The item's mapping starts two columns after its "- ".
        return max(0, node.value[-1].start_mark.column - 2)
    return 0


def entry_yaml(entry: dict, indent: int = 0) -> str:
    text = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def appended_text(text: str, entry: dict, path: str) -> str:
    if path.endswith((".json", ".bib")):
        shape = "CSL JSON" if path.endswith(".json") else "BibTeX"
        raise AppendError(f"{path} is {shape}; `make cite` adds entries to a CSL YAML bibliography only")
    if text and not text.endswith("\n"):
        text += "\n"
    new = text + entry_yaml(entry, _item_indent(text, path))
    parsed = bibliography.parse(new, path)  # raises DiagnosticError if the result would not load
    if entry["id"] not in parsed:
        raise AppendError(f"{path}: the new entry would not be read back; add it by hand (see CONTRIBUTING.md)")
    return new


def write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)  # keep the file's permissions, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
