"""Load the site's one bibliography (CSL YAML, CSL JSON, Better BibTeX's CSL, or BibTeX) with line numbers.

CSL YAML is what Zotero (with Better BibTeX) and Pandoc read and write, so
editors can paste an export in. CSL JSON is YAML too, so `references.json`
(Zotero's "CSL JSON" export) loads the same way, with lines; BibTeX is
converted (sources/bibtex.py). Which shape a file is in: sources/bib_shapes.py. Each entry is
brought into one shape (csl_shape.py); fields in a shape we cannot read are
left out and reported in `problems` (REF012). The gate's reference checks
judge the entries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare, example_entry
from medsite.sources import limits as input_limits
from medsite.sources import user_cache, yamlsource

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("REF002", ERROR,
         what="The bibliography file is missing, does not parse, or has an entry without an id.",
         why="No page can be built with citations.",
         fix="Fix the YAML at the line shown; every entry starts with '- id: key'.",
         where="docs/references.yaml",
         bad=example_entry(id=None),
         good=example_entry()),
    Rule("REF016", ERROR,
         what="A bibliography entry's `aliases` (its old keys, kept so that old citations and links still work) "
              "is not a list of keys, or names a key that another entry uses as its id or alias.",
         why="A citation of that key would be ambiguous, and the References page would have two anchors of one name.",
         fix="List only the entry's own former keys, e.g. 'aliases: [smith2019]'; a key another entry uses cannot be one.",
         where="docs/references.yaml",
         bad=example_entry(aliases="[smith2020]"),
         good=example_entry(aliases="[lee2021]")),
)

PARSE_CODE = "REF002"
_YEAR = re.compile(r"\b(1[5-9]|20)\d\d\b")

# Identifiers as they may be written. A DOI is limited to Crossref's recommended pattern
# (which matches all but a sliver of registered DOIs): no quotes, angle brackets, &, #, ?,
# % or spaces, which could end an HTML attribute or change what https://doi.org/<DOI> means.
# The rare legacy DOIs outside it (SICI DOIs with < >) are cited by PMID or URL instead.
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")  # PubMed ids: digits, no leading zero
PMCID = re.compile(r"^PMC\d{1,9}$")


@dataclass(frozen=True)
class Entry:
    """One work of the bibliography: its key, its CSL fields as written, and where it is in the file."""

    id: str
    csl: dict  # the entry as written, for the CSL processor
    path: str
    line: int
    key_lines: dict = field(default_factory=dict, compare=False)

    def _text(self, key: str) -> str | None:
        value = self.csl.get(key)
        return str(value).strip() if value not in (None, "") else None

    @property
    def type(self) -> str | None:
        return self._text("type")

    @property
    def title(self) -> str | None:
        return self._text("title")

    @property
    def doi(self) -> str | None:
        return self._text("DOI")

    @property
    def pmid(self) -> str | None:
        return self._text("PMID")

    @property
    def pmcid(self) -> str | None:
        return self._text("PMCID")

    @property
    def url(self) -> str | None:
        return self._text("URL")

    @property
    def year(self) -> int | None:
        issued = self.csl.get("issued")
        try:
            return int(issued["date-parts"][0][0])
        except (KeyError, IndexError, TypeError, ValueError):
            pass
        # A literal date ("Spring 2018") still names its year.
        found = _YEAR.search(str(issued.get("literal") or "")) if isinstance(issued, dict) else None
        return int(found.group(0)) if found else None

    @property
    def gate_ignore(self) -> dict[str, str]:
        """Documented exceptions: {CODE: reason}."""
        value = self.csl.get("gate-ignore")
        return {str(k): str(v or "") for k, v in value.items()} if isinstance(value, dict) else {}

    @property
    def has_findings(self) -> bool:
        return "findings" in self.csl

    @property
    def findings(self) -> list[str] | None:
        """The work's verified findings in our words (never rendered), or None if absent or not a list of text."""
        value = self.csl.get("findings")
        if isinstance(value, list) and all(isinstance(f, str) for f in value):
            return value
        return None

    @property
    def has_derived(self) -> bool:
        return "derived" in self.csl

    @property
    def derived(self) -> list[str] | None:
        """Figures pages give by converting a finding, each as its sum ("18 in 100 = 0.18 × 100", see
        medsite.sources.derivations; never rendered), or None if absent or not a list of text (REF014 reports it)."""
        value = self.csl.get("derived")
        if isinstance(value, list) and all(isinstance(d, str) for d in value):
            return value
        return None

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


# A key as a citation writes it (medsite.markdown.citations), for an alias that citations can reach.
_ALIAS = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?~/-]*[A-Za-z0-9_])?")


def _alias_problems(entries: list[Entry], path: str) -> tuple[dict[str, str], list[Diagnostic]]:
    """alias -> the entry id it stands for, and REF015 for aliases that are malformed or taken."""
    ids = {e.id for e in entries}
    aliases: dict[str, str] = {}
    problems = []
    for entry in entries:
        if "aliases" not in entry.csl:
            continue
        line = entry.line_of("aliases")
        value = entry.csl["aliases"]
        if not isinstance(value, list) or not all(isinstance(k, str) and _ALIAS.fullmatch(k) for k in value):
            problems.append(Diagnostic("REF016", f"entry '{entry.id}': 'aliases' should be a list of keys, "
                                       "e.g. [smith2019]", path, line, target="aliases"))
            continue
        for alias in value:
            taken = entry.id if alias == entry.id else (alias if alias in ids else aliases.get(alias))
            if taken:
                what = "its own id" if taken == entry.id else f"already the key of '{taken}'"
                problems.append(Diagnostic("REF016", f"entry '{entry.id}' has the alias '{alias}', {what}",
                                           path, line, target=alias))
            else:
                aliases[alias] = entry.id
    return aliases, problems


@dataclass
class Bibliography:
    """The works of the bibliography file, by key, and the fields it could not read."""

    path: str
    entries: list[Entry]
    problems: list[Diagnostic] = field(default_factory=list)  # fields in shapes we cannot read (REF012)

    def __post_init__(self):
        # First definition wins; duplicates are reported by the gate.
        self.by_id: dict[str, Entry] = {}
        for entry in self.entries:
            self.by_id.setdefault(entry.id, entry)
        # Old keys still cited (and linked to, as #ref-<key> on the References page) after a rename.
        self.aliases, problems = _alias_problems(self.entries, self.path)
        self.problems = self.problems + problems

    def canonical(self, key: str) -> str:
        """The entry id a cited key stands for (itself, or the id an alias names)."""
        return key if key in self.by_id else self.aliases.get(key, key)

    def aliases_of(self, key: str) -> list[str]:
        """The entry's former keys that passed the alias checks (REF016), each kept as an anchor."""
        return [alias for alias, target in self.aliases.items() if target == key]

    def __contains__(self, key: str) -> bool:
        return key in self.by_id or key in self.aliases

    def get(self, key: str) -> Entry | None:
        return self.by_id.get(self.canonical(key))


# What a parse depends on besides the text: the code that reads and normalises it, by file (the readers of the
# shapes are imported only when the cache has no parse of the text: most builds never need them).
_READERS = (Path(__file__), *(Path(__file__).with_name(f"{name}.py") for name in ("bib_shapes", "bibtex", "csl_shape")),
            Path(yamlsource.__file__))


def parse(text: str, path: str, limits: input_limits.Limits = input_limits.Limits()) -> Bibliography:
    """Parse a bibliography in any shape we read (sources/bib_shapes.py); raise DiagnosticError with path:line
    if it cannot be read as a list of entries.

    Aliases and oversized entries are refused (INPUT001, INPUT002) before any entry is built.
    A file read before without a problem comes from the user's cache (medsite.sources.user_cache): reading
    YAML with its lines, in Python, and normalising each entry cost a twentieth of a build of the site.
    """
    key = user_cache.key_of(text, path, limits.bibliography_entry_chars, user_cache.code_version(*_READERS))
    name = f"bibliography-{user_cache.key_of(path)[:16]}.json"
    kept = user_cache.load(name, key)
    if isinstance(kept, list):
        return Bibliography(path, [Entry(entry_id, csl, path, line, lines) for entry_id, csl, line, lines in kept])
    found = _parse(text, path, limits)
    if not found.problems:
        plain = [[e.id, e.csl, e.line, e.key_lines] for e in found.entries]
        try:
            lossless = json.loads(json.dumps(plain)) == plain  # YAML can hold what JSON cannot (sets, bytes, int keys)
        except (TypeError, ValueError):
            lossless = False
        if lossless:
            user_cache.save(name, key, plain)
    return found


def _parse(text: str, path: str, limits: input_limits.Limits) -> Bibliography:
    from medsite.sources import bib_shapes, csl_shape  # only on a cache miss (see _READERS)

    items, shape_problems = bib_shapes.read(text, path, limits)
    entries = []
    problems = []
    for item in items:
        if isinstance(item.value, dict) and not str(item.value.get("id") or "").strip() and item.value.get("citation-key"):
            item.value["id"] = item.value["citation-key"]  # Better BibTeX names the key so when the id is Zotero's
            item.key_lines.setdefault("id", item.key_lines.get("citation-key", item.line))
        if not isinstance(item.value, dict) or not str(item.value.get("id") or "").strip():
            problems.append(
                Diagnostic(
                    PARSE_CODE,
                    "bibliography entry has no 'id'",
                    path,
                    item.line,
                    hint="give every entry a unique 'id: key' that pages cite as [@key]",
                )
            )
            continue
        key = str(item.value["id"]).strip()
        csl, found = csl_shape.normalise(item.value, entry_id=key, path=path,
                                        line_of=lambda k, item=item: item.key_lines.get(k, item.line),
                                        key_lines=item.key_lines)
        shape_problems.extend(found)
        entries.append(Entry(key, csl, path, item.line, item.key_lines))
    if problems:
        raise DiagnosticError(*problems)
    return Bibliography(path, entries, shape_problems)


def load(path: str | Path, root: str | Path = ".", limits: input_limits.Limits = input_limits.Limits()) -> Bibliography:
    root = Path(root)
    full = root / path
    rel = str(Path(path))
    try:
        oversized = input_limits.check_file(full, limits.bibliography_kb, "the bibliography", rel, "bibliography_kb")
        if oversized:
            raise DiagnosticError(oversized)
        text = full.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagnosticError(
            Diagnostic(PARSE_CODE, "bibliography file not found", rel, hint="set extra.bibliography in mkdocs.yml")
        ) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise DiagnosticError(Diagnostic(PARSE_CODE, f"bibliography cannot be read: {exc}", rel)) from None
    return parse(text, rel, limits)
