"""Citations as a Python-Markdown extension: `[@key]`, `[@a; @b]`, `[@key, p. 12]` become numbered footnotes.

In mkdocs.yml (both MkDocs and Zensical read it):

    markdown_extensions:
      - footnotes
      - medsite.markdown.extensions.citations:
          bibliography: docs/references.yaml   # default: extra.bibliography
          csl_style: american-medical-association   # default: extra.csl_style

or directly: `markdown.markdown(text, extensions=["footnotes", CitationsExtension(bibliography=...)])`.

A preprocessor, run before snippets (so line numbers are the file's), turns each known citation into a
footnote reference whose text is a per-page secret token (medsite.markdown.citations.Placeholders); a
postprocessor swaps the tokens for the CSL-formatted references once Markdown has run. The footnote references
themselves skip Markdown's inline pass: numbered by a second preprocessor, made <sup> elements by a
treeprocessor, with their links as tokens the postprocessor writes out (a page cites dozens of times; issue
19). The footnotes' list is made here too, as the footnotes extension makes it, when no footnote needs
Markdown (a prefix such as "see", or an author's own note): each definition cost a Markdown parse. On the page
that holds the References marker it inserts the listing of every cited work with links back to where each is
cited, as HTML, from a scan of all pages (only that page pays for it).

An unknown key never raises (a raised exception kills `zensical serve`): it is
reported as REF001 at file:line (medsite.markdown.extensions.report) and marked in the page with
a <mark> that says what is wrong, which the gate's OUT001 also finds.
"""

from __future__ import annotations

import html
import os
import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's name for it)
from dataclasses import dataclass
from pathlib import Path

from markdown import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.serializers import _escape_attrib_html as _attribute  # as Markdown escapes what it writes
from markdown.serializers import _escape_cdata as _text
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from medsite.core.diagnostics import DiagnosticError
from medsite.markdown import citation_syntax, citations, inline_notes, referencespage, suppressions
from medsite.markdown.extensions import pagesource, report, sitedata
from medsite.markdown.structure import Spans, code_spans
from medsite.sources import frontmatter, settings, work_dates
from medsite.sources.site import DEFAULT_STYLE, Site, list_pages

# Before pymdownx.snippets (32) and whitespace normalising (30): the text is still the file's.
PRIORITY = 36
# Footnote references: numbered after whitespace normalising (30) and snippets (32), each left as a secret
# token; made elements right after Python-Markdown's inline pass (20), before the footnotes' back-links
# (15), the abbreviations (7), the table of contents and MkDocs' list of ids (5) read the tree.
REFS_PRIORITY = 25
REFS_TREE_PRIORITY = 19.5
# The footnotes' list, when this step makes it (_makes_footnote_list): after the footnotes extension adds back-links
# to its own list (15), so it does not add them to ours again; before the tidying of line breaks (10), the
# abbreviations (7), the table of contents and MkDocs' list of ids (5), which read it as they read the extension's.
NOTES_TREE_PRIORITY = 14
FOOTNOTE_DIV = '<div class="footnote">'
# An escaped '@' (`\\@`) as Pandoc prints it; the class tells the gate's CITE005 it was meant as text.
ESCAPED_AT = '<span class="cite-escaped">&#64;</span>'


def registered(md, kind: type):
    """The Markdown instance's extension of this kind (a subclass counts: MkDocs' hooks swap in linear ones), or None."""
    return next((e for e in md.registeredExtensions if isinstance(e, kind)), None)


def read_front_matter(path: Path, rel: str, limits) -> frontmatter.Page:
    """Our parse of a page file (once per process while its bytes are unchanged, medsite.sources.frontmatter):
    each page is read when it renders and again when the References page lists where works are cited."""
    return frontmatter.read(path, rel, limits)


class CitationsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "bibliography": ["", "Bibliography file, relative to the project folder (default: extra.bibliography, "
                                 f"else {settings.DEFAULT_BIBLIOGRAPHY})"],
            "csl_style": ["", f"CSL style (default: extra.csl_style, else {DEFAULT_STYLE})"],
            "root": ["", "Project folder when no engine runs (default: the current folder)"],
            "on_diagnostic": ["", "Callable given each Diagnostic (default: medsite.markdown.extensions.report.send)"],
        }
        super().__init__(**kwargs)
        self.reset()
        self.converted = False  # a fresh instance needs no reset before its first page

    def reset(self) -> None:
        self.page: pagesource.PageSource | None = None
        self.meta: dict | None = None  # front matter as our parser reads it (None: no page, or it does not parse)
        self.first_line = 1  # the file line of the text's first line
        self.cited: list[str] = []  # keys in first-use order, for the JSON-LD
        self.data: sitedata.SiteData | None = None
        self.placeholders = citations.Placeholders()
        self.diagnostics: list = []  # what this page reported, for callers and tests
        self.furnished = False  # page.meta.health written (medsite.markdown.extensions.furniture)
        self.footnote_refs: list[FootnoteRef] = []  # the page's footnote references (_FootnoteRefPreprocessor)
        self.footnote_syntax: int | None = None  # how many "[^" this step wrote, when the page had none of its own
        # The page's footnotes by id, when this step makes their list (_makes_footnote_list); None: the extension does.
        self.notes: dict[str, citations.Note] | None = None
        self.note_html: list[str] = []  # what is in each footnote of the list this extension made

    def report(self, diagnostic) -> None:
        self.diagnostics.append(diagnostic)
        (self.getConfig("on_diagnostic") or report.send)(diagnostic)

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.preprocessors.register(_CitePreprocessor(md, self), "medsite-citations", PRIORITY)
        md.preprocessors.register(_FootnoteRefPreprocessor(md, self), "medsite-footnote-refs", REFS_PRIORITY)
        md.treeprocessors.register(_FootnoteRefTreeprocessor(md, self), "medsite-footnote-refs", REFS_TREE_PRIORITY)
        md.treeprocessors.register(_FootnoteListTreeprocessor(md, self), "medsite-footnote-list", NOTES_TREE_PRIORITY)
        md.postprocessors.register(_ReferencePostprocessor(md, self), "medsite-citations", 1)

    # --- what the page and the site give ------------------------------------------------------

    def root(self) -> Path:
        if self.page is not None:
            return self.page.root
        return Path(self.getConfig("root") or os.getcwd())

    def read_page(self, text: str) -> None:
        """Front matter and the first body line, read from the file: both engines strip front matter
        (and the blank lines after it) before Markdown runs, so line numbers need the file."""
        if self.page is None:
            return
        try:
            parsed = read_front_matter(self.page.abs_path, self.page.rel, self.data.limits)
        except DiagnosticError:
            return  # the gate reports the page's own faults (META001, INPUT00x) with their lines
        self.meta = parsed.meta
        body = parsed.body.lstrip("\r\n")
        skipped = parsed.body[: len(parsed.body) - len(body)].count("\n")
        self.first_line = parsed.body_line + skipped if body.startswith(text[:200]) else 1

    def formatted(self, key: str) -> str:
        """The formatted reference and, after it, any retraction, concern or correction of the work."""
        return self.data.formatted(key, self.report) + self.data.notices_html(key)


def _mark(message: str, written: str) -> str:
    """A visible stand-in for a citation that cannot be shown; `_` and `*` as entities, so no emphasis starts."""
    text = html.escape(f"{written} ({message})").replace("_", "&#95;").replace("*", "&#42;")
    return f'<mark class="cite-error">{text}</mark>'


class _CitePreprocessor(Preprocessor):
    def __init__(self, md, ext: CitationsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        ext = self.ext
        if ext.converted:  # the same Markdown instance used again (engines make one per page)
            ext.reset()
        ext.converted = True
        ext.page = pagesource.find(self.md)
        ext.data = sitedata.load(ext.root(), ext.report, str(ext.getConfig("bibliography") or ""),
                                 str(ext.getConfig("csl_style") or ""))
        text = "\n".join(lines)
        ext.read_page(text)
        if "[" not in text and "@" not in text and referencespage.MARKER not in text:
            return lines
        where = ext.page.rel if ext.page is not None else "<markdown>"  # a plain call names no file
        groups = citations.find(text, first_line=ext.first_line)
        bib = ext.data.bib
        if bib is not None and bib.aliases:  # an old key cites its entry under the entry's id (one number, one footnote)
            groups = [citations.resolved(group, bib.canonical) for group in groups]
        known = bib.by_id if bib is not None else {}
        for group in groups:
            for cite in group.cites:
                if bib is not None and cite.key not in bib:
                    ext.report(citations.unknown_key(cite, where, bib.by_id.keys()))

        def unknown(group, written: str) -> str:
            if bib is None:
                return _mark("the bibliography cannot be used; see the errors in the build", written)
            missing = [c.key for c in group.cites if c.key not in bib]
            return _mark("unknown citation key " + ", ".join(f"'{k}'" for k in missing), written)

        replaced = self._near_misses(text, where, known, groups)
        new, ext.cited, notes = citations.footnote_references(text, groups, known, ext.placeholders, unknown, replaced,
                                                              mark=_ref_mark(ext.placeholders.secret))
        if notes and "[^" not in text and inline_notes.OPENER not in new and _makes_footnote_list(self.md, text, notes):
            ext.notes = notes  # the footnotes' list is made by _FootnoteListTreeprocessor
            # Where the definitions would be: the end of the page's own text, before any include is added.
            new = new.rstrip("\n") + "\n\n" + _notes_place(ext.placeholders.secret)
        else:
            new = citations.with_definitions(text, new, notes, ext.placeholders)
        if inline_notes.OPENER in new:
            new = citations.order_definitions(inline_notes.to_footnotes(new))
        elif "[^" not in text:  # every footnote is a citation's: no code to tell them from (_FootnoteRefPreprocessor)
            ext.footnote_syntax = new.count("[^")
        if referencespage.MARKER in new:
            new = new.replace(referencespage.MARKER, self._listing())
        return new.split("\n")

    def _near_misses(self, text: str, where: str, known, groups) -> list[tuple[int, int, str]]:
        """Report each near-miss and mark it in the page; `\\@` becomes the '@' Pandoc prints."""
        replaced = []
        for miss in citation_syntax.near_misses(text, where, known, first_line=self.ext.first_line, groups=groups):
            self.ext.report(miss.diagnostic)
            replaced.append((miss.start, miss.end, _mark(f"not a citation: {miss.diagnostic.code}",
                                                         text[miss.start : miss.end])))
        taken = [(start, end) for start, end, _ in replaced] + [(g.start, g.end) for g in groups]
        for start, end in citation_syntax.escaped_ats(text):
            if not any(s < end and start < e for s, e in taken):
                replaced.append((start, end, ESCAPED_AT))
        return replaced

    def _listing(self) -> str:
        ext = self.ext
        if ext.page is None or ext.data.bib is None:
            return "No works are cited yet."
        bib, site = ext.data.bib, ext.data.site
        known: dict = {}
        for key, found in scan_uses(site).items():
            if key in bib:
                known.setdefault(bib.canonical(key), []).extend(found)
        listing = referencespage.render(known, ext.placeholders.token, from_uri=ext.page.src_uri,
                                        sort_key=lambda k: ext.data.formatted(k, ext.report).lower(),
                                        superseded=superseded_works(bib, known),
                                        exceptions_of=lambda k: bib.by_id[k].gate_ignore,
                                        aliases_of=bib.aliases_of)
        # The list is HTML already: Markdown sees a stand-in paragraph, which the postprocessor replaces.
        return (ext.placeholders.block(listing) + "\n\n"
                + referencespage.render_exemptions(scan_exemptions(site), from_uri=ext.page.src_uri))


def _makes_footnote_list(md, text: str, notes: dict) -> bool:
    """Whether this step may make the page's footnotes' list itself, as the footnotes extension would: no note
    has a prefix (a prefix is Markdown), and the extension numbers by definition order and lists them at the end.
    Each definition cost the extension a Markdown parse of its own (issue 19)."""
    footnotes = registered(md, FootnoteExtension)
    return (footnotes is not None and all(note.prefix is None for note in notes.values())
            and bool(footnotes.getConfig("USE_DEFINITION_ORDER", True))
            and footnotes.getConfig("PLACE_MARKER") not in text)


def superseded_works(bib, keys) -> dict:
    """The listed works that a newer one replaces, for the References page (issue 22)."""
    out = {}
    for key in keys:
        entry = bib.get(key)
        if entry is None or not work_dates.is_superseded(entry.csl):
            continue
        newer = bib.canonical(work_dates.superseded_by(entry.csl)) if work_dates.superseded_by(entry.csl) else None
        newer_entry = bib.get(newer) if newer else None
        url = None
        if newer_entry is not None:
            url = f"https://doi.org/{newer_entry.doi}" if newer_entry.doi else newer_entry.url
        out[key] = referencespage.Superseded(newer if newer_entry else None, newer_entry.title if newer_entry else None,
                                             url, work_dates.reason(entry.csl))
    return out


def _pages_read(site: Site):
    """(page, its front matter and body, its title) for every page in MkDocs' order whose front matter reads.
    The pages as they are now, not as `site` listed them: the site data is kept between the builds of `serve`
    (on Zensical, which has no hook to hand over a fresh Site, until mkdocs.yml or gate.yml changes)."""
    for page in list_pages(site.root, site.docs_dir):
        try:
            parsed = read_front_matter(page.path, page.rel, site.limits)
        except DiagnosticError:
            continue  # reported by the gate, and when the page itself is rendered
        yield page, parsed, str(parsed.meta.get("title") or Path(page.uri).stem)


def scan_uses(site: Site) -> dict:
    """Where every work is cited: key -> [referencespage.Use], read from the files themselves, in
    MkDocs' page order, so the References page lists citing places in the same order on every engine."""
    uses: dict = {}
    for page, parsed, title in _pages_read(site):
        body = parsed.body.lstrip("\r\n")  # as the engine gives it, with its first line's number: the same
        first_line = parsed.body_line + parsed.body[: len(parsed.body) - len(body)].count("\n")  # search as the render's
        for group in citations.find(body, first_line=first_line):
            for cite in group.cites:
                uses.setdefault(cite.key, []).append(referencespage.Use(page.uri, title, cite.heading, cite.anchor))
    return uses


def scan_exemptions(site: Site) -> list[referencespage.Exemption]:
    """Every gate-ignore comment in the pages (in MkDocs' page order) and in the passages they share."""
    found = []
    for page, parsed, title in _pages_read(site):
        for c in suppressions.find(page.rel, parsed.body, parsed.body_line):
            found.append(referencespage.Exemption(page.uri, title, c.code, c.reason))
    if site.includes_dir.is_dir():
        for path in sorted(p for p in site.includes_dir.rglob("*.md") if p.is_file()):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # reported by the gate
            for c in suppressions.find(path.name, text):
                found.append(referencespage.Exemption(None, path.relative_to(site.includes_dir.parent).as_posix(), c.code, c.reason))
    return found


class _FootnoteRefPreprocessor(Preprocessor):
    """Each citation's footnote reference (`[^cite-key]`, with its locator and separator), numbered as
    Python-Markdown's footnotes extension numbers it, and left in the text as a token that Markdown's inline
    pass reads as a plain word; _FootnoteRefTreeprocessor makes the elements the extension makes.

    A page cites dozens of times, and each reference split its paragraph for every inline pattern after it:
    that pass cost more than the rest of what this extension adds to a build (issue 19). When this step makes
    the footnotes' list (ext.notes), the notes' order numbers them and _RefIds gives the ids; otherwise the
    definitions are the footnotes extension's, which numbers them in the order they are written
    (medsite.markdown.citations.order_definitions), and the ids come from the extension itself (in reading
    order). Either way the back-links of a work cited twice (fnref2:…) match the references' ids."""

    def __init__(self, md, ext: CitationsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        footnotes = registered(self.md, FootnoteExtension)
        if not self.ext.cited:
            return lines
        if footnotes is None:  # no footnotes (a bare Python-Markdown call): the references stay as written
            return [_MARKS.sub("", line) for line in lines]
        text = "\n".join(lines)
        # The definitions' order numbers the footnotes; a definition in an author's code example is not one.
        # When every "[^" is one this extension wrote (the usual page), there is no such code to find.
        ours = self.ext.footnote_syntax is not None and text.count("[^") == self.ext.footnote_syntax
        notes = self.ext.notes
        if notes is not None:
            place = _notes_place(self.ext.placeholders.secret)
            if not ours or footnotes.getConfig("PLACE_MARKER") in text:
                # An include brought footnotes or the footnotes' place: the extension lists them all, as on any
                # page, the citations' defined where _CitePreprocessor would have written them.
                text = text.replace(place, citations.definitions(notes, self.ext.placeholders), 1)
                notes = self.ext.notes = None
            else:
                text = text.replace(place, "", 1)
        if notes is not None:
            defined = list(notes)
        else:
            code = _NO_CODE if ours else code_spans(text)
            defined = [m.group(1) for m in _DEFINITION.finditer(text) if m.start() not in code]
        number = {name: n for n, name in enumerate(dict.fromkeys(defined), 1)}
        secret, superscript = self.ext.placeholders.secret, footnotes.getConfig("SUPERSCRIPT_TEXT")
        refs = self.ext.footnote_refs
        # Every reference is a citation's (this step lists the footnotes): the n-th to a note gets the id the
        # extension would give it, counted here (Python-Markdown's own search grows with the square of n).
        ref_id = _RefIds(footnotes).next if notes is not None else lambda name: footnotes.makeFootnoteRefId(name, found=True)

        def written(m) -> str:
            name = m.group(1)
            if m.group(2) != secret:  # not written by this render: an editor's text, left as it is
                return m.group(0)
            if name not in number:
                return f"[^{name}]{m.group(3) or ''}{m.group(4) or ''}"
            locator = html.unescape(m.group(3)) if m.group(3) is not None else None
            refs.append(FootnoteRef(ref_id(name), footnotes.makeFootnoteId(name),
                                    superscript.format(number[name]), locator, bool(m.group(4))))
            return f"{_REF_TOKEN}{secret}N{len(refs) - 1}Z"

        return _CITATION_REF.sub(written, text).split("\n")


class _RefIds:
    """Footnote reference ids as FootnoteExtension.unique_ref makes them when no other id is taken (fnref:x,
    fnref2:x, fnref3:x...), with the extension's record of them (used_refs, found_refs) kept the same. Only
    for pages whose every reference is a citation's: no other reference asks the extension for an id (so
    medsite.markdown.linear_markdown's own record of the last id it gave needs no update)."""

    def __init__(self, footnotes: FootnoteExtension):
        self.footnotes = footnotes
        self.separator = footnotes.get_separator()

    def next(self, name: str) -> str:
        footnotes = self.footnotes
        first = footnotes.makeFootnoteRefId(name)  # fnref:x, without recording it
        count = footnotes.found_refs[first] = footnotes.found_refs.get(first, 0) + 1
        ref = _nth_ref_id(first, count, self.separator)
        footnotes.used_refs.add(ref)
        return ref


def _nth_ref_id(first: str, n: int, separator: str) -> str:
    """The id of the n-th reference to a footnote whose first reference's id is `first` (fnref:x -> fnref3:x)."""
    if n == 1:
        return first
    head, rest = first.split(separator, 1)
    return f"{head}{n}{separator}{rest}"


@dataclass(frozen=True)
class FootnoteRef:
    """One footnote reference as the footnotes extension would make it, and the citation's locator and separator."""

    ref_id: str  # fnref:cite-key, fnref2:cite-key...
    note_id: str  # fn:cite-key
    number: str
    locator: str | None  # ", p. 12", as shown
    separator: bool  # a comma follows: the next work of the same citation


class _FootnoteRefTreeprocessor(Treeprocessor):
    """The footnote references _FootnoteRefPreprocessor left as tokens, made elements: in a text or a tail,
    never in code (Markdown keeps code's text atomic, and the citation step writes no reference there)."""

    def __init__(self, md, ext: CitationsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root) -> None:
        refs, secret = self.ext.footnote_refs, self.ext.placeholders.secret
        if not refs:
            return
        for parent in list(root.iter()):
            tails = [index for index, child in enumerate(parent) if child.tail and _REF_TOKEN in child.tail]
            for index in reversed(tails):  # backwards: inserting keeps the rest in place
                child = parent[index]
                if not isinstance(child.tail, AtomicString):
                    child.tail, made = self._split(child.tail, refs, secret)
                    for offset, element in enumerate(made, 1):
                        parent.insert(index + offset, element)
            if parent.text and _REF_TOKEN in parent.text and not isinstance(parent.text, AtomicString):
                parent.text, made = self._split(parent.text, refs, secret)
                for offset, element in enumerate(made):
                    parent.insert(offset, element)

    @staticmethod
    def _split(text: str, refs: list, secret: str) -> tuple[str, list]:
        """The text before the first reference, and the elements for the references with the text after each."""
        parts = _REF_TOKENS.split(text)  # text, secret, number, text, secret, number, ..., text
        head, made, pending = None, [], parts[0]
        for i in range(1, len(parts), 3):
            found, n, after = parts[i], int(parts[i + 1]), parts[i + 2]
            if found != secret or n >= len(refs):  # not this render's: an editor's text, left as written
                pending += f"{_REF_TOKEN}{found}N{n}Z{after}"
                continue
            if made:
                made[-1].tail = pending
            else:
                head = pending
            ref = refs[n]
            # The <sup> with its id is an element (MkDocs and the toc read it); its link, locator and separator
            # are a token each, made HTML by _ReferencePostprocessor: as elements they were most of what the
            # steps after this one walked on a page with many citations (issue 19). So MkDocs no longer checks
            # the link's #fn: target; the gate does, on the built page (LNK002).
            sup = etree.Element("sup", {"id": ref.ref_id})
            sup.text = AtomicString(_piece(_LINK, secret, n))
            made.append(sup)
            pending = after
            if ref.locator is not None or ref.separator:
                if after.startswith("{"):  # an attribute list (`[@key, p. 3]{: .x}`) is the last <sup>'s: elements
                    if ref.locator is not None:
                        made.append(_sup("cite-locator", ref.locator))
                    if ref.separator:
                        made.append(_sup("cite-sep", ","))
                else:
                    pending = _piece(_AFTER, secret, n) + after
        if made:
            made[-1].tail = pending
            return head, made
        return pending, []


def _sup(css_class: str, text: str):
    sup = etree.Element("sup", {"class": css_class})
    sup.text = AtomicString(text)
    return sup


def _piece(kind: str, secret: str, n: int) -> str:
    """A token for markup _ReferencePostprocessor writes: the n-th reference's link (_LINK) or its locator and
    separator (_AFTER), or the n-th footnote's text (_NOTE). STX and ETX around it, as Python-Markdown's own
    placeholders: no editor's text has them (Markdown removes them), and the text after it stays a word of
    its own for the abbreviations."""
    return f"\x02MEDSITE{kind}{secret}N{n}\x03"


def _piece_html(ref: FootnoteRef, kind: str) -> str:
    """The markup Markdown's serializer wrote for the reference's link (_LINK), or its locator and separator."""
    if kind == _LINK:
        return f'<a class="footnote-ref" href="#{_attribute(ref.note_id)}">{_text(ref.number)}</a>'
    locator = f'<sup class="cite-locator">{_text(ref.locator)}</sup>' if ref.locator is not None else ""
    return locator + ('<sup class="cite-sep">,</sup>' if ref.separator else "")


_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)  # as structure.FOOTNOTE_DEFINITION, on a text
# A citation's footnote reference as medsite.markdown.citations.footnote_references writes it: the note's name,
# this render's secret after it (a control character no editor types on each side, which Markdown's
# whitespace step keeps: it removes only STX and ETX), the locator's text and the separator.
_MARK = "\x1f"


def _ref_mark(secret: str) -> str:
    return f"{_MARK}{secret}{_MARK}"


_CITATION_REF = re.compile(r"\[\^(cite-[^\]\[\s]+)\]" + _MARK + "([0-9a-f]{16})" + _MARK
                           + r'(?:<sup class="cite-locator">([^<]*)</sup>)?(<sup class="cite-sep">,</sup>)?')
_MARKS = re.compile(_MARK + "[0-9a-f]{16}" + _MARK)
# What a reference is until the tree is built: letters and digits, which no inline pattern reads.
_REF_TOKEN = "MEDSITEFN"
_REF_TOKENS = re.compile(_REF_TOKEN + "([0-9a-f]{16})N(\\d+)Z")
_LINK, _AFTER, _NOTE = "L", "A", "F"  # a reference's link, its locator and separator, a footnote's text
_PIECES = re.compile("\x02MEDSITE([LAF])([0-9a-f]{16})N(\\d+)\x03")
_NO_CODE = Spans(())


def abbreviated(block: str, abbrs: dict) -> str:
    """HTML made here with the page's abbreviations marked as the abbr extension marks them in Markdown's text
    (the References list's page titles, "MS" among them): in text only, never in a tag or an entity."""
    if not abbrs:
        return block
    words = "|".join(re.escape(key) for key in sorted(abbrs, key=len, reverse=True))
    pattern = re.compile(rf"(<[^>]*>|&#?\w+;)|\b(?:{words})\b")

    def mark(m) -> str:
        if m.group(1) or not abbrs.get(m.group(0)):
            return m.group(0)
        return f'<abbr title="{html.escape(abbrs[m.group(0)])}">{m.group(0)}</abbr>'

    return pattern.sub(mark, block)


class _FootnoteListTreeprocessor(Treeprocessor):
    """The page's footnotes, last in the page, where the footnotes extension puts them."""

    def __init__(self, md, ext: CitationsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root) -> None:
        footnotes = registered(self.md, FootnoteExtension)
        ext = self.ext
        if ext.notes and footnotes is not None:
            root.append(_notes_element(ext.notes, footnotes, ext.placeholders, ext.note_html))


def _notes_place(secret: str) -> str:
    """A line that stands where the footnotes' definitions would be written, until _FootnoteRefPreprocessor."""
    return f"MEDSITENOTES{secret}Z\n"


def _notes_element(notes: dict, footnotes: FootnoteExtension, placeholders: citations.Placeholders,
                   kept: list[str]):
    """The page's footnotes as the footnotes extension makes them (its ids, back-links, titles and escaping), each
    holding its work's token, with a back-link for each place the work is cited (fnref2:…). The list and its
    items are elements: the engines read the tree for the ids a link may point to. What is in an item is HTML
    kept aside (in `kept`, behind a token _ReferencePostprocessor replaces): no step after this one reads it,
    and as elements it was most of what the citations add for the serializer, the table of contents and the
    abbreviations to walk. (Not in Python-Markdown's htmlStash: the table of contents runs the postprocessors
    on every heading, and the stash's goes through all the stash each time.)"""
    div = etree.Element("div", {"class": "footnote"})
    etree.SubElement(div, "hr")
    ol = etree.SubElement(div, "ol")
    separator, text = footnotes.get_separator(), footnotes.getConfig("BACKLINK_TEXT")
    for number, (name, note) in enumerate(notes.items(), 1):
        title = _attribute(footnotes.getConfig("BACKLINK_TITLE").format(number))
        first = footnotes.makeFootnoteRefId(name)  # fnref:cite-key, the first reference's id
        links = [_nth_ref_id(first, n, separator) for n in range(1, max(footnotes.found_refs.get(first, 0), 1) + 1)]
        backlinks = "".join(f'<a class="footnote-backref" href="#{_attribute(link)}" title="{title}">{text}</a>'
                            for link in links)
        li = etree.SubElement(ol, "li", {"id": footnotes.makeFootnoteId(name)})
        kept.append(f"<p>{citations.note_text(note, placeholders)}&#160;{backlinks}</p>")
        li.text = AtomicString("\n" + _piece(_NOTE, placeholders.secret, len(kept) - 1) + "\n")
    return div


class _ReferencePostprocessor(Postprocessor):
    def __init__(self, md, ext: CitationsExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        ext = self.ext
        # Each token holds the page's secret; the table of contents runs this on every heading's text too.
        if not ext.placeholders or ext.placeholders.secret not in text:
            return text
        # Keep each page's reference list out of search: the References page lists every work once,
        # and copies would make every page match every study title. data-pagefind-ignore is Pagefind's
        # (medsite.output.search_index); data-search-exclude the same for an engine's own search.
        text = text.replace(FOOTNOTE_DIV, '<div class="footnote" data-search-exclude data-pagefind-ignore>', 1)
        # A reference's token where no text is made an element (an image's alt text): left out, never shown.
        text = _REF_TOKENS.sub(lambda m: "" if m.group(1) == ext.placeholders.secret else m.group(0), text)
        text = _PIECES.sub(lambda m: self._piece(m) if m.group(2) == ext.placeholders.secret else m.group(0), text)
        abbr = registered(self.md, AbbrExtension)
        text = ext.placeholders.substitute(text, ext.formatted, lambda block: abbreviated(block, abbr.abbrs if abbr else {}))
        if ext.data.formatter is not None:
            ext.data.formatter.save()  # writes only when this page formatted something new
        return text

    def _piece(self, m) -> str:
        kind, n = m.group(1), int(m.group(3))
        return self.ext.note_html[n] if kind == _NOTE else _piece_html(self.ext.footnote_refs[n], kind)


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's name)
    return CitationsExtension(**kwargs)
