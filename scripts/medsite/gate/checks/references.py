"""REF: the bibliography's entries, and the citations pages make to it; one check per family of codes."""

from __future__ import annotations

from medsite.core import urls
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, WARNING, Rule, declare, example_entry, gate_check
from medsite.markdown import citations
from medsite.sources import derivations
from medsite.sources.bibliography import DOI, PMCID, PMID

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("REF003", ERROR,
         what="A bibliography entry lacks a required field (authors or organisation, title, journal or publisher, year; URL for web pages).",
         why="An incomplete reference cannot be found or judged by readers.",
         fix="Add the field from the verified record, or record a reasoned exception with gate-ignore.",
         where="docs/references.yaml",
         bad=example_entry(title=None),
         good=example_entry()),
    Rule("REF004", ERROR,
         what="A DOI, PMID or PMCID is malformed.",
         why="Broken identifiers send readers to the wrong place or nowhere.",
         fix="Copy the identifier exactly: DOI '10.xxxx/...' using only letters, digits and - . _ ; ( ) / : (cite a legacy DOI with other characters by PMID or URL), PMID digits only, PMCID 'PMC' plus digits.",
         where="docs/references.yaml",
         bad=example_entry(DOI="doi 10.1000 example"),
         good=example_entry()),
    Rule("REF005", ERROR,
         what="Two bibliography entries share an id.",
         why="Citations would be ambiguous.",
         fix="Give each entry a unique id.",
         where="docs/references.yaml",
         bad=example_entry(id="smith2020"),
         good=example_entry()),
    Rule("REF006", ERROR,
         what="Two entries under different ids share a DOI or PMID.",
         why="The same work would be numbered twice.",
         fix="Merge the entries and cite one id.",
         where="docs/references.yaml",
         bad=example_entry(DOI="10.1000/abc123"),
         good=example_entry()),
    Rule("REF007", WARNING,
         what="A bibliography entry is never cited.",
         why="Unused entries drift out of date unnoticed.",
         fix="Cite it, or remove it from docs/references.yaml.",
         where="docs/references.yaml",
         bad=example_entry(id="lee2022"),
         good=example_entry()),
    Rule("REF008", ERROR,
         what="The front matter `sources` list does not match the keys the page cites.",
         why="Reviewers read `sources` to check a page's evidence.",
         fix="Make `sources` list exactly the keys cited in the body (the message lists them).",
         where="front matter",
         bad="sources: [smith2020]",
         good="sources: [smith2020, jones2021]"),
    Rule("REF009", ERROR,
         what="A bibliography URL is not a plain https: address (javascript:, data:, http: not in gate.yml's http_allowed, no host, or quotes, spaces or angle brackets).",
         why="The URL becomes a link and a JSON-LD url; other schemes can run code or send readers somewhere unsafe.",
         fix="Use the work's https address from the verified record; list a true http-only address in gate.yml's http_allowed with a reason.",
         where="docs/references.yaml",
         bad=example_entry(URL="javascript:alert(1)"),
         good=example_entry(URL="https://journal.example/lee2022")),
    Rule("REF010", ERROR,
         what="A bibliography entry's `findings` is not a list of texts.",
         why="The number check (EVID003) cannot read it.",
         fix="Write findings as a YAML list, one finding per line: '- Relapsed within 2 years: 27% on the medicine, 46% on placebo.'",
         where="docs/references.yaml",
         bad=example_entry(findings="Relapsed within 2 years, 27% against 46%."),
         good=example_entry()),
    Rule("REF011", WARNING,
         what="A cited bibliography entry has no `findings` field, so the numbers that cite it cannot be checked (EVID003).",
         why="Only findings let the gate check that a number says what the work found.",
         fix="Add `findings:` to the entry: a list of the work's verified findings in your own words, with every number pages use from it.",
         where="docs/references.yaml",
         bad=example_entry(findings=None),
         good=example_entry()),
    Rule("REF014", ERROR,
         what="A bibliography entry's `derived` is not a list of derivations written as '<figure on the page> = <figure from the findings> [× or ÷ number] [rounded]'.",
         why="The gate can accept a figure worked out from a finding (EVID003) only once it can check the sum (EVID005).",
         fix="Write derived as a YAML list, one derivation per item: the page's figure alone, ' = ', a figure from the findings, then optionally '× 100' or '÷ 1,000' (a space each side) and 'rounded'; e.g. '- 18 in 100 = 0.18 × 100'.",
         where="docs/references.yaml",
         bad=example_entry(derived="['about 3 in 10 is 27%']"),
         good=example_entry(derived="['3 in 10 = 27% rounded']")),
)

CONTAINER_TYPES = {"article-journal", "article-magazine", "article-newspaper", "chapter", "paper-conference"}


# Each check below reports one family of codes; the entry rules (one field or group of fields each) are
# applied to every entry, minus the codes its `gate-ignore` excuses with a reason.


def _missing_fields(entry, _http_allowed):
    """REF003: the fields a reader needs to find the work."""
    csl = entry.csl
    missing = []
    if not (csl.get("author") or csl.get("editor")):
        missing.append("author (a person or an organisation as 'literal')")
    if not entry.title:
        missing.append("title")
    if entry.type in CONTAINER_TYPES and not csl.get("container-title"):
        missing.append("container-title (the journal or book)")
    elif entry.type not in CONTAINER_TYPES and not (csl.get("publisher") or csl.get("container-title")):
        missing.append("publisher or container-title")
    if entry.year is None:
        missing.append("issued (the year)")
    if entry.type == "webpage" and not entry.url:
        missing.append("URL")
    if missing:
        yield "REF003", entry.line, f"entry '{entry.id}' lacks {', '.join(missing)}", None


def _malformed_identifiers(entry, _http_allowed):
    """REF004: DOI, PMID and PMCID in their own shapes."""
    for key, pattern, label in (("DOI", DOI, "DOI"), ("PMID", PMID, "PMID"), ("PMCID", PMCID, "PMCID")):
        value = entry.csl.get(key)
        if value not in (None, "") and not pattern.match(str(value).strip()):
            yield "REF004", entry.line_of(key), f"entry '{entry.id}' has a malformed {label} '{value}'", str(value)


def _unsafe_url(entry, http_allowed):
    """REF009: the URL becomes a link, so it must be a plain https: address."""
    url = entry.csl.get("URL")
    if url not in (None, ""):
        why = urls.problem(str(url).strip(), http_allowed)
        if why:
            yield "REF009", entry.line_of("URL"), f"entry '{entry.id}' has a URL that {why} ('{url}')", str(url)


def _malformed_findings(entry, _http_allowed):
    """REF010: `findings` must be a list of short texts (see EVID003)."""
    if not entry.has_findings:
        return
    problem = _findings_problem(entry.csl.get("findings"))
    if problem:
        yield "REF010", entry.line_of("findings"), f"entry '{entry.id}' has a malformed findings field ({problem})", None


def _findings_problem(value) -> str | None:
    if not isinstance(value, list):
        return f"a {type(value).__name__}"
    for i, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip():
            return f"item {i} is {'empty' if isinstance(item, str) else 'a ' + type(item).__name__}"
    return None


def _malformed_derived(entry, _http_allowed):
    """REF014: `derived` must be a list of texts, each following medsite.sources.derivations's grammar."""
    if not entry.has_derived:
        return
    for problem, item in _derived_problems(entry.csl.get("derived")):
        yield "REF014", entry.line_of("derived"), f"entry '{entry.id}' has a malformed derived field: {problem}", item


def _derived_problems(value):
    """(problem, the derivation) for each derivation that cannot be read."""
    if not isinstance(value, list):
        yield f"it is {'empty' if value in (None, '') else 'a ' + type(value).__name__}, not a list", None
        return
    for i, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip():
            yield f"item {i} is {'empty' if isinstance(item, str) or item is None else 'a ' + type(item).__name__}", None
            continue
        try:
            derivations.read(item)
        except derivations.Malformed as exc:
            yield f"'{item}': {exc}", item


ENTRY_RULES = (_malformed_findings, _malformed_derived, _missing_fields, _malformed_identifiers, _unsafe_url)


def _entry_problems(entry, http_allowed):
    """(code, line, message, target) for every entry rule the entry breaks, excused or not."""
    for rule in ENTRY_RULES:
        yield from rule(entry, http_allowed)


def _excused(entry, code: str) -> bool:
    return bool(entry.gate_ignore.get(code))  # an exception without a reason excuses nothing (GATE001)


@gate_check(stage=SOURCE)
def entry_fields(project):
    """REF003, REF004, REF009, REF010, REF014 on each entry's fields; REF012, fields in shapes the site cannot
    read, comes from loading the bibliography (sources/csl_shape.py)."""
    bib = project.bibliography
    if bib is None:
        return
    yield from bib.problems
    http_allowed = project.config.get("http_allowed") or {}
    for entry in bib.entries:
        for code, line, message, target in _entry_problems(entry, http_allowed):
            if not _excused(entry, code):
                yield Diagnostic(code, message, bib.path, line, target=target)


@gate_check(stage=SOURCE)
def entry_exceptions(project):
    """GATE001, GATE005, GATE002 on an entry's `gate-ignore`: no reason, a safety code, or nothing excused."""
    bib = project.bibliography
    if bib is None:
        return
    http_allowed = project.config.get("http_allowed") or {}
    for entry in bib.entries:
        if not entry.gate_ignore:
            continue
        line = entry.line_of("gate-ignore")
        broken = {code for code, *_ in _entry_problems(entry, http_allowed)}
        for code, reason in entry.gate_ignore.items():
            if not reason:
                yield Diagnostic("GATE001", f"gate-ignore {code} on '{entry.id}' has no reason", bib.path, line)
            if code.startswith("SAFE"):  # see gate/suppress.py: only a reviewed safe_exceptions entry can allow markup
                yield Diagnostic("GATE005", f"gate-ignore {code} on '{entry.id}': safety findings cannot be suppressed",
                                 bib.path, line, hint="remove it and the markup from the entry")
            elif reason and code not in broken:
                yield Diagnostic("GATE002", f"gate-ignore {code} on '{entry.id}' is not needed", bib.path, line)


@gate_check(stage=SOURCE)
def unique_identifiers(project):
    """REF005 for an id used twice, REF006 for a DOI or PMID under two ids."""
    bib = project.bibliography
    if bib is None:
        return
    seen_ids, seen_doi, seen_pmid = {}, {}, {}
    for entry in bib.entries:
        if entry.id in seen_ids:
            yield Diagnostic("REF005", f"duplicate id '{entry.id}' (first at line {seen_ids[entry.id]})", bib.path, entry.line, target=entry.id)
        seen_ids.setdefault(entry.id, entry.line)
        for value, seen, label in ((entry.doi, seen_doi, "DOI"), (entry.pmid, seen_pmid, "PMID")):
            if not value:
                continue
            norm = value.lower()
            if norm in seen and seen[norm] != entry.id:
                yield Diagnostic("REF006", f"{label} {value} is also under '{seen[norm]}'", bib.path, entry.line, target=value)
            seen.setdefault(norm, entry.id)


@gate_check(stage=SOURCE)
def known_keys(project):
    """REF001 for a citation whose key is not in the bibliography."""
    bib = project.bibliography
    if bib is None:
        return
    for key, uses in project.cited_keys().items():
        if key not in bib:
            for page, cite in uses:
                yield citations.unknown_key(cite, page.rel, bib.by_id.keys())


@gate_check(stage=SOURCE)
def cited_entries(project):
    """REF007 for an entry no page cites, REF011 for a cited one whose numbers cannot be checked."""
    bib = project.bibliography
    if bib is None:
        return
    used = {bib.canonical(key) for key in project.cited_keys()}  # an old key (alias) cites its entry
    for entry in bib.entries:
        if entry.id in used and not entry.has_findings:
            yield Diagnostic("REF011", f"'{entry.id}' has no findings field; numbers citing it cannot be checked", bib.path,
                             entry.line, target=entry.id,
                             hint="add findings: a list of the work's verified findings in your own words, with every number pages use")
        if entry.id not in used:
            yield Diagnostic("REF007", f"entry '{entry.id}' is never cited", bib.path, entry.line, target=entry.id)


@gate_check(stage=SOURCE)
def listed_sources(project):
    """REF008 for a page whose front matter `sources` differs from the keys it cites."""
    bib = project.bibliography
    if bib is None:
        return
    for page in project.pages:
        if not page.page or not page.page.has_front_matter or "sources" not in page.page.meta:
            continue
        declared = page.page.meta.get("sources")
        declared = set(map(str, declared)) if isinstance(declared, list) else set()
        cited = {c.key for g in page.citation_groups for c in g.cites}
        if bib.aliases:  # an old key (alias) and the entry's id name one work, in the text or in `sources`
            declared, cited = {bib.canonical(k) for k in declared}, {bib.canonical(k) for k in cited}
        if declared != cited:
            message, hint = _sources_mismatch(declared, cited, bib)
            yield Diagnostic("REF008", message, page.rel, page.page.line_of("sources"), hint=hint)


def _sources_mismatch(declared: set[str], cited: set[str], bib) -> tuple[str, str]:
    """What differs, and the `sources` line to write."""
    parts = []
    if cited - declared:
        parts.append(f"cited but not listed: {', '.join(sorted(cited - declared))}")
    if declared - cited:
        parts.append(f"listed but not cited: {', '.join(sorted(declared - cited))}")
    # Propose only keys that exist: a mistyped citation is fixed in the text (REF001), not copied here.
    known = sorted(k for k in cited if k in bib)
    unknown = sorted(cited - set(known))
    hint = f"sources: [{', '.join(known)}]"
    if unknown:
        hint = f"first fix the unknown citation key(s) {', '.join(unknown)} in the text (REF001); then write " + hint
    return "front matter `sources` does not match the citations (" + "; ".join(parts) + ")", hint
