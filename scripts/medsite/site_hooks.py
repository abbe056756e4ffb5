"""What the MkDocs hooks do: citations, the references page and the health furniture.

scripts/mkdocs_hooks.py is the thin adapter that MkDocs loads; the logic lives
here so tests can import it. Problems are logged as `path:line: CODE message`
at ERROR level, which `mkdocs build --strict` counts, and which `mkdocs serve`
shows to editors while it keeps serving.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from mkdocs.exceptions import PluginError

from . import bibliography, citations, frontmatter, jsonld, linear_markdown, offerfacts, referencespage
from .citeformat import Formatter
from .diagnostics import DiagnosticError
from .gate.config import load_config
from .limits import Limits
from .pagemeta import PageMeta, find_reviewer, human_date

log = logging.getLogger("mkdocs.plugins.medsite")
REFUSED_INPUT = {"INPUT001", "INPUT002"}  # aliased or oversized input: MkDocs itself must never read it


@dataclass
class SiteState:
    root: Path
    docs_dir: Path
    bib: bibliography.Bibliography
    formatter: Formatter
    extra: dict
    limits: Limits = field(default_factory=Limits)
    uses: dict = field(default_factory=dict)  # key -> [referencespage.Use]
    placeholders: dict = field(default_factory=dict)  # src_uri -> citations.Placeholders
    cited: dict = field(default_factory=dict)  # src_uri -> [keys in first-use order]
    scanned: dict = field(default_factory=dict)  # src_uri -> (body as MkDocs passes it, its first line, groups)
    offer: offerfacts.OfferFacts | None = None  # the clinic's answers, read when a page first shows them
    unformattable: set = field(default_factory=set)  # keys whose entry citeproc cannot format (reported once)

    def rel(self, src_uri: str) -> str:
        return str((self.docs_dir / src_uri).relative_to(self.root))


def report(diagnostic) -> None:
    """Log one diagnostic at ERROR: `mkdocs build --strict` counts it, `mkdocs serve` shows it."""
    log.error(diagnostic.text())


def _report(exc: DiagnosticError) -> None:
    for diagnostic in exc.diagnostics:
        report(diagnostic)


def load(config) -> SiteState:
    root = Path(config.config_file_path).parent
    extra = config.extra
    linear_markdown.use_in(config)  # a page may cite one work hundreds of times: keep that linear
    limits = load_config(root / "gate.yml", "gate.yml")[0]["limits"]  # the gate reports gate.yml's own faults
    try:
        bib = bibliography.load(extra.get("bibliography", "docs/references.yaml"), root, limits)
    except DiagnosticError as exc:
        _report(exc)
        raise PluginError("the bibliography cannot be used; fix the errors above") from None
    formatter = Formatter(bib, extra.get("csl_style", "american-medical-association"), cache_dir=root / ".cache" / "medsite")
    return SiteState(root, Path(config.docs_dir), bib, formatter, dict(extra), limits)


def formatted(state: SiteState, key: str) -> str:
    """The formatted reference; a malformed entry is reported once, at its line in the bibliography,
    not as a failure of each page that cites it."""
    try:
        return state.formatter.html(key)
    except DiagnosticError as exc:
        if key not in state.unformattable:
            state.unformattable.add(key)
            _report(exc)
        return f'<span class="csl-entry">{escape(key)}</span>'


def scan(state: SiteState, files) -> None:
    """Before any page is rendered, note where every work is cited (for the references page)."""
    state.uses, state.scanned = {}, {}
    refused = []
    for file in files.documentation_pages():
        try:
            page = frontmatter.read(Path(file.abs_src_path), state.rel(file.src_uri), state.limits)
        except DiagnosticError as exc:
            # Too large or aliased input must stop the build before MkDocs reads the page itself;
            # other faults are reported when the page is rendered, and by the gate.
            refused += [d for d in exc.diagnostics if d.code in REFUSED_INPUT]
            continue
        title = str(page.meta.get("title") or file.name)
        # MkDocs hands hooks the body with leading blank lines removed; keep the same
        # text and its line so that rendering the page need not read or search it again.
        body = page.body.lstrip("\n")
        first_line = page.body_line + page.body[: len(page.body) - len(body)].count("\n")
        groups = citations.find(body, first_line=first_line)
        state.scanned[file.src_uri] = (body, first_line, groups)
        for group in groups:
            for cite in group.cites:
                use = referencespage.Use(file.src_uri, title, cite.heading, cite.anchor)
                state.uses.setdefault(cite.key, []).append(use)
    if refused:
        _report(DiagnosticError(*refused))
        raise PluginError("pages refused as input; fix the errors above")


def _citation_groups(state: SiteState, markdown: str, page) -> list:
    """Citation groups of the page with file line numbers, from the scan when the text is unchanged."""
    body, first_line, groups = state.scanned.get(page.file.src_uri, (None, 1, None))
    if body == markdown:
        return groups
    try:  # another plugin changed the text: find where it starts in the file
        raw = Path(page.file.abs_src_path).read_text(encoding="utf-8")
        first_line = raw[: len(raw) - len(markdown)].count("\n") + 1 if raw.endswith(markdown) else frontmatter.split(raw)[2]
    except (OSError, UnicodeDecodeError, TypeError):
        pass
    return citations.find(markdown, first_line=first_line)


def _header(meta: PageMeta, markdown: str) -> str:
    """The H1 and, on treatment pages, the shared disclaimer, so both sit above the text."""
    if not meta.is_content or markdown.lstrip().startswith("# "):
        return ""
    header = f"# {meta.title}\n\n" if meta.title else ""
    if meta.is_treatment:
        header += '--8<-- "treatment-disclaimer.md"\n\n'
    return header


def offer_facts(state: SiteState) -> offerfacts.OfferFacts:
    """The clinic's answers; a file that cannot be used shows every fact as undisclosed.

    The gate reports the fault (OFFER002) with its line, so the build stops there
    once; the page never shows a guess in the meantime.
    """
    if state.offer is None:
        path = state.extra.get("clinic_offer") or offerfacts.DEFAULT_PATH
        try:
            state.offer = offerfacts.load(path, state.root)
        except DiagnosticError:
            state.offer = offerfacts.empty(str(path))
    return state.offer


def page_markdown(state: SiteState, markdown: str, page) -> str:
    src_uri = page.file.src_uri
    rel = state.rel(src_uri)
    groups = _citation_groups(state, markdown, page)
    for group in groups:
        for cite in group.cites:
            if cite.key not in state.bib:
                log.error(citations.unknown_key(cite, rel, state.bib.by_id.keys()).text())
    holders = state.placeholders[src_uri] = citations.Placeholders()
    new, order = citations.to_footnotes(markdown, groups, state.bib.by_id, holders)
    state.cited[src_uri] = order
    if referencespage.MARKER in new:
        known = {k: v for k, v in state.uses.items() if k in state.bib}
        listing = referencespage.render(
            known,
            holders.token,
            from_uri=src_uri,
            sort_key=lambda k: formatted(state, k).lower(),
        )
        new = new.replace(referencespage.MARKER, listing)
    if offerfacts.MARKER in new:
        clinic = (state.extra.get("publisher") or {}).get("name") or "the clinic"
        panel = offerfacts.render(offer_facts(state), clinic)
        new = new.replace(offerfacts.MARKER, f"\n\n{panel}\n\n")
    return _header(PageMeta.from_meta(page.meta), new) + new


def page_content(state: SiteState, html: str, page) -> str:
    holders = state.placeholders.get(page.file.src_uri)
    if not holders:
        return html
    # Keep each page's reference list out of the search index: the References page
    # lists every work once and stays searchable, and the copies would make every
    # page match every study title. data-pagefind-ignore is what Pagefind reads
    # (scripts/medsite/search_index.py); data-search-exclude is the same for an
    # engine's own search.
    html = html.replace('<div class="footnote">', '<div class="footnote" data-search-exclude data-pagefind-ignore>', 1)
    return holders.substitute(html, lambda key: formatted(state, key))


def page_context(state: SiteState, context: dict, page, config) -> dict:
    meta = PageMeta.from_meta(page.meta)
    if not meta.is_content:
        return context
    extra = state.extra
    publisher = extra.get("publisher", {}) or {}
    author = config.site_author or f"{publisher.get('name', '')} editorial team"
    reviewer = find_reviewer(meta.reviewed_by, extra.get("editorial_team", [])) if meta.reviewed_by else None
    cited = [state.bib.by_id[k] for k in state.cited.get(page.file.src_uri, [])]
    data = jsonld.build(meta, url=page.canonical_url or "", publisher=publisher, author=author, reviewer=reviewer, cited=cited)
    context["health"] = {
        "author": author,
        "reviewer": reviewer,
        "awaiting_review": reviewer is None,
        "last_reviewed": meta.last_reviewed,
        "last_reviewed_text": human_date(meta.last_reviewed) if meta.last_reviewed else "",
        "next_review_due": meta.next_review_due,
        "next_review_due_text": human_date(meta.next_review_due) if meta.next_review_due else "",
        "publisher": publisher,
        "jsonld": jsonld.dumps(data),
    }
    return context


def post_build(state: SiteState) -> None:
    state.formatter.save()
