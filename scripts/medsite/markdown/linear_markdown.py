"""Python-Markdown's `footnotes` and `abbr`, without their steps that grow with the square of a page.

The citation hook swaps these in for `footnotes` and `abbr` (same names, same
options in mkdocs.yml), see `use_in`. Output is byte for byte upstream's.

footnotes: a work cited N times on one page is one footnote with N back-links. Upstream
`FootnoteExtension.unique_ref` finds the id of the k-th back-link by walking
`fnref`, `fnref2`, ... `fnrefk` from the start each time, so a page that cites
one work 1,000 times spends about half a million steps on it: time grows with
the square of the citations. This subclass resumes the walk where the last one
for the same footnote stopped. Every id on the walk is already taken and stays
taken, so the ids are exactly upstream's.

abbr: for every element with tail text, upstream looks up the element's
position among its siblings by scanning them; a footnote with N back-links has
N such siblings. Here the position comes from the loop that walks them.
"""

from __future__ import annotations

from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor
from markdown.extensions.footnotes import RE_REF_ID, FootnoteExtension
from markdown.util import AtomicString


class LinearFootnoteExtension(FootnoteExtension):
    def reset(self) -> None:
        super().reset()
        self._last_ref: dict[str, str] = {}  # first back-link id -> the last one handed out
        self._ordered: set[str] = set()

    def unique_ref(self, reference: str, found: bool = False) -> str:
        if not found:
            return reference
        original = reference
        reference = self._last_ref.get(original, original)
        separator = self.get_separator()
        while reference in self.used_refs:  # upstream's step: fnref -> fnref2 -> fnref3 ...
            ref, rest = reference.split(separator, 1)
            m = RE_REF_ID.match(ref)
            number = int(m.group(2)) + 1 if m else 2
            reference = f"{m.group(1) if m else ref}{number}{separator}{rest}"
        self.used_refs.add(reference)
        self.found_refs[original] = self.found_refs.get(original, 0) + 1
        self._last_ref[original] = reference
        return reference

    def addFootnoteRef(self, id: str) -> None:  # noqa: N802 (upstream's name)
        # Upstream tests membership in a list, once per reference.
        if id not in self._ordered:
            self._ordered.add(id)
            self.footnote_order.append(id)


class _LinearAbbrTreeprocessor(AbbrTreeprocessor):
    def iter_element(self, el, parent=None, index: int = 0) -> None:
        # Upstream's body, with `index` (el's position in parent) passed in instead of searched for.
        for i in range(len(el) - 1, -1, -1):  # backwards, so inserting after child i leaves 0..i in place
            self.iter_element(el[i], el, i)
        if text := el.text:  # noqa: SIM102 - upstream's body, kept as written to diff against it
            if not isinstance(text, AtomicString):
                for m in reversed(list(self.RE.finditer(text))):
                    if self.abbrs[m.group(0)]:
                        abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), text[m.end():])
                        el.insert(0, abbr)
                        text = text[:m.start()]
                el.text = text
        if parent is not None and el.tail:
            tail = el.tail
            if not isinstance(tail, AtomicString):
                for m in reversed(list(self.RE.finditer(tail))):
                    if self.abbrs[m.group(0)]:
                        abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), tail[m.end():])
                        parent.insert(index + 1, abbr)
                        tail = tail[:m.start()]
                el.tail = tail


class LinearAbbrExtension(AbbrExtension):
    def extendMarkdown(self, md):  # noqa: N802 (upstream's name)
        super().extendMarkdown(md)
        md.treeprocessors.register(_LinearAbbrTreeprocessor(md, self.abbrs), "abbr", 7)  # replaces upstream's


_LINEAR = {"footnotes": LinearFootnoteExtension, "abbr": LinearAbbrExtension}


def use_in(config) -> None:
    """Replace MkDocs' `footnotes` and `abbr` extensions by the linear ones, keeping their options."""
    names = config["markdown_extensions"]
    for i, ext in enumerate(names):
        if isinstance(ext, str) and ext in _LINEAR:
            names[i] = _LINEAR[ext](**(config["mdx_configs"].get(ext) or {}))
