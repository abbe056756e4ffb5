"""Split a Markdown page into its YAML front matter and body, keeping line numbers."""

from __future__ import annotations

import atexit
import hashlib
import json
import re
from dataclasses import dataclass, field

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare
from medsite.sources import limits as input_limits
from medsite.sources import user_cache, yamlsource

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("META001", ERROR,
         what="The page's front matter does not parse, or the file is not UTF-8 text.",
         why="Nothing about the page can be checked or shown.",
         fix="Fix the YAML at the line shown.",
         where="front matter",
         bad="title: [A page",
         good="title: A page"),
)

PARSE_CODE = "META001"
_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass
class Page:
    """A Markdown page split into its front matter (values and their lines) and its body."""

    path: str  # e.g. "docs/about-ms/symptoms.md"
    meta: dict = field(default_factory=dict)
    key_lines: dict = field(default_factory=dict)  # front matter key -> 1-based line
    body: str = ""
    body_line: int = 1  # 1-based line of the body's first line in the file
    has_front_matter: bool = False

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def split(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, 1-based line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        return None, text, 1
    for i, line in enumerate(lines[1:], start=1):
        if _END.match(line.rstrip("\r\n")):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    return None, text, 1  # no closing fence: MkDocs reads it all as body


def _oversized_values(node, path: str, limit: int) -> list[Diagnostic]:
    """Front matter values longer than the limit, measured as written (a title, a whole list)."""
    return [
        input_limits.too_large(f"front matter value '{key.value}'", value.end_mark.index - value.start_mark.index,
                               limit, "characters", path, key.start_mark.line + 2, "front_matter_value_chars")
        for key, value in node.value
        if value.end_mark.index - value.start_mark.index > limit
    ]


def parse(text: str, path: str, limits: input_limits.Limits = input_limits.Limits()) -> Page:
    """Parse a page; raise DiagnosticError (META001) with the line if the front matter is not YAML.

    Aliases and oversized values are refused (INPUT001, INPUT002) before any value is built.
    """
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark, as Windows editors save; MkDocs ignores it too
    meta_text, body, body_line = split(text)
    if meta_text is None:
        return Page(path, body=body, body_line=body_line)
    node = yamlsource.compose(meta_text, path, code=PARSE_CODE, line_offset=1)
    if node is None:
        return Page(path, body=body, body_line=body_line, has_front_matter=True)
    if not isinstance(node, yamlsource.yaml.MappingNode):
        raise DiagnosticError(
            Diagnostic(PARSE_CODE, "front matter must be a set of 'key: value' lines", path, 2)
        )
    oversized = _oversized_values(node, path, limits.front_matter_value_chars)
    if oversized:
        raise DiagnosticError(*oversized)
    meta = yamlsource.construct(node, path, code=PARSE_CODE, line_offset=1)
    return Page(path, meta, yamlsource.key_lines(node, 1), body, body_line, True)


def read(full_path, rel_path: str, limits: input_limits.Limits = input_limits.Limits()) -> Page:
    """Read and parse a page file; unreadable or binary files become META001 diagnostics."""
    try:
        oversized = input_limits.check_file(full_path, limits.page_kb, "the page", rel_path, "page_kb")
        if oversized:
            raise DiagnosticError(oversized)
        raw = full_path.read_bytes()
    except OSError as exc:
        raise DiagnosticError(Diagnostic(PARSE_CODE, f"cannot read the file: {exc.strerror}", rel_path)) from None
    if b"\x00" in raw:
        raise DiagnosticError(
            Diagnostic(PARSE_CODE, "file is binary, not Markdown text", rel_path, hint="remove it or save it as UTF-8 text")
        )
    key = (rel_path, hashlib.sha256(raw).digest(), limits)
    if key not in _parsed:
        try:
            _parsed[key] = _KEPT_PARSES.read_back(raw, key[1], rel_path, limits) or _KEPT_PARSES.keep(
                key[1], limits, _parse_bytes(raw, rel_path, limits))
        except DiagnosticError as exc:
            _parsed[key] = exc
        if len(_parsed) > _KEPT:
            del _parsed[next(iter(_parsed))]
    found = _parsed[key]
    if isinstance(found, DiagnosticError):
        raise found
    return found


# Parses of this process, by the file's name and bytes and the limits: in the engine's process a page
# is read by the refusal of bad input, when it renders and when the References page lists its citations.
# (By the bytes, not the file's time: two edits within one tick of the clock keep the same time.)
_parsed: dict = {}
_KEPT = 1024


class _KeptParses:
    """Front matter parsed by the last process that read pages, for the next (medsite.sources.user_cache): a
    parse depends only on the page's bytes and the limits, so the engine's process, the gate's and the next
    build read it back instead of parsing the YAML again (on the real site with Zensical, 0.026 billion
    instructions of the engine's process). Only parses that passed, whose values JSON keeps as they are; the
    file holds the pages this process read, saved when it ends."""

    NAME = "front-matter.json"
    MOST = 4096  # entries saved: every page of a large site, not every page a test run ever read

    def __init__(self):
        self.kept: dict | None = None  # loaded on first use
        self.used: dict[str, dict] = {}

    def _key(self, digest: bytes, limits: input_limits.Limits) -> str:
        return user_cache.key_of(digest.hex(), limits.__dict__)

    def read_back(self, raw: bytes, digest: bytes, rel_path: str, limits: input_limits.Limits) -> Page | None:
        """The page as the last process parsed it, or None when it kept no parse of these bytes."""
        if self.kept is None:
            self.kept = self._load()
            atexit.register(self.save)
        key = self._key(digest, limits)
        entry = self.kept.get(key)
        if not (isinstance(entry, dict) and isinstance(entry.get("meta"), dict) and isinstance(entry.get("key_lines"), dict)):
            return None
        meta_text, body, body_line = split(raw.decode("utf-8", "replace").removeprefix("\ufeff"))
        if meta_text is None:  # never kept: a damaged entry
            return None
        self._used(key, entry)
        return Page(rel_path, entry["meta"], entry["key_lines"], body, body_line, True)

    def keep(self, digest: bytes, limits: input_limits.Limits, page: Page) -> Page:
        """`page`, just parsed; kept for the next build when JSON holds its values as they are."""
        entry = {"meta": page.meta, "key_lines": page.key_lines}
        if page.has_front_matter and page.meta:
            try:
                copy = json.loads(json.dumps(entry))
            except (TypeError, ValueError):  # a value JSON has no shape for (YAML's !!binary, say)
                return page
            if copy == entry:
                self._used(self._key(digest, limits), copy)
        return page

    def _used(self, key: str, entry: dict) -> None:
        self.used[key] = entry
        while len(self.used) > self.MOST:
            del self.used[next(iter(self.used))]

    def _load(self) -> dict:
        kept = user_cache.load(self.NAME, _CODE)
        return kept if isinstance(kept, dict) else {}

    def save(self) -> None:
        """At exit. A cache folder removed while the process ran (a test run's own) is not made again."""
        if self.used and self.used != self.kept:
            user_cache.save(self.NAME, _CODE, self.used, make=False)


# The code that makes a parse (ours and PyYAML's): a change to it makes every kept one stale.
_CODE = user_cache.key_of(user_cache.code_version(__file__, yamlsource.__file__), yamlsource.yaml.__version__)
_KEPT_PARSES = _KeptParses()


def _parse_bytes(raw: bytes, rel_path: str, limits: input_limits.Limits) -> Page:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DiagnosticError(
            Diagnostic(PARSE_CODE, "file is not valid UTF-8 text", rel_path, line, hint="save the file as UTF-8")
        ) from None
    return parse(text, rel_path, limits)
