"""REF: the bibliography's entries, and the citations pages make to it."""

from __future__ import annotations

from medsite.core import urls
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, WARNING, Rule, declare, example_entry
from medsite.markdown import citations
from medsite.sources import derivations
from medsite.sources.bibliography import DOI, PMCID, PMID

# The codes this module reports, beside the check (collected by medsite.gate.rules for GATE-CODES.md).
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


def _missing_fields(entry) -> list[str]:
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
    return missing


def _findings_problem(entry) -> str | None:
    """`findings` must be a list of short texts (see EVID003)."""
    value = entry.csl.get("findings")
    if not isinstance(value, list):
        return f"a {type(value).__name__}"
    for i, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip():
            return f"item {i} is {'empty' if isinstance(item, str) else 'a ' + type(item).__name__}"
    return None


def _derived_problems(entry):
    """(problem, the derivation) for `derived`: a list of texts, each following medsite.sources.derivations's grammar."""
    value = entry.csl.get("derived")
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


def _entry_checks(entry, http_allowed):
    if entry.has_findings:
        problem = _findings_problem(entry)
        if problem:
            yield "REF010", entry.line_of("findings"), f"entry '{entry.id}' has a malformed findings field ({problem})", None
    if entry.has_derived:
        for problem, item in _derived_problems(entry):
            yield "REF014", entry.line_of("derived"), f"entry '{entry.id}' has a malformed derived field: {problem}", item
    missing = _missing_fields(entry)
    if missing:
        yield "REF003", entry.line, f"entry '{entry.id}' lacks {', '.join(missing)}", None
    for key, pattern, label in (("DOI", DOI, "DOI"), ("PMID", PMID, "PMID"), ("PMCID", PMCID, "PMCID")):
        value = entry.csl.get(key)
        if value not in (None, "") and not pattern.match(str(value).strip()):
            yield "REF004", entry.line_of(key), f"entry '{entry.id}' has a malformed {label} '{value}'", str(value)
    url = entry.csl.get("URL")
    if url not in (None, ""):
        why = urls.problem(str(url).strip(), http_allowed)
        if why:
            yield "REF009", entry.line_of("URL"), f"entry '{entry.id}' has a URL that {why} ('{url}')", str(url)


def check(project):
    bib = project.bibliography
    if bib is None:
        return
    yield from bib.problems  # fields in shapes the site cannot read (REF012, sources/csl_shape.py)
    used_ignores = set()
    http_allowed = project.config.get("http_allowed") or {}
    for entry in bib.entries:
        for code, line, message, target in _entry_checks(entry, http_allowed):
            if code in entry.gate_ignore and entry.gate_ignore[code]:
                used_ignores.add((entry.id, code))
                continue
            yield Diagnostic(code, message, bib.path, line, target=target)
        for code, reason in entry.gate_ignore.items():
            if not reason:
                yield Diagnostic("GATE001", f"gate-ignore {code} on '{entry.id}' has no reason", bib.path, entry.line_of("gate-ignore"))
    for entry in bib.entries:
        for code in entry.gate_ignore:
            if code.startswith("SAFE"):  # see gate/suppress.py: only a reviewed safe_exceptions entry can allow markup
                yield Diagnostic("GATE005", f"gate-ignore {code} on '{entry.id}': safety findings cannot be suppressed",
                                 bib.path, entry.line_of("gate-ignore"), hint="remove it and the markup from the entry")
            elif entry.gate_ignore[code] and (entry.id, code) not in used_ignores:
                yield Diagnostic("GATE002", f"gate-ignore {code} on '{entry.id}' is not needed", bib.path,
                                 entry.line_of("gate-ignore"))
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
    used = project.cited_keys()
    for key, uses in used.items():
        if key not in bib:
            for page, cite in uses:
                yield citations.unknown_key(cite, page.rel, bib.by_id.keys())
    for entry in bib.entries:
        if entry.id in used and not entry.has_findings:
            yield Diagnostic("REF011", f"'{entry.id}' has no findings field; numbers citing it cannot be checked", bib.path,
                             entry.line, target=entry.id,
                             hint="add findings: a list of the work's verified findings in your own words, with every number pages use")
        if entry.id not in used:
            yield Diagnostic("REF007", f"entry '{entry.id}' is never cited", bib.path, entry.line, target=entry.id)
    for page in project.pages:
        if not page.page or not page.page.has_front_matter or "sources" not in page.page.meta:
            continue
        declared = page.page.meta.get("sources")
        declared = set(map(str, declared)) if isinstance(declared, list) else set()
        cited = {c.key for g in page.citation_groups for c in g.cites}
        if declared != cited:
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
            yield Diagnostic("REF008", "front matter `sources` does not match the citations (" + "; ".join(parts) + ")",
                             page.rel, page.page.line_of("sources"), hint=hint)
