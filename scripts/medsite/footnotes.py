"""Python-Markdown's `footnotes`, with back-link ids found in constant time.

A work cited N times on one page is one footnote with N back-links. Upstream
`FootnoteExtension.unique_ref` finds the id of the k-th back-link by walking
`fnref`, `fnref2`, ... `fnrefk` from the start each time, so a page that cites
one work 1,000 times spends about half a million steps on it: time grows with
the square of the citations. This subclass resumes the walk where the last one
for the same footnote stopped. Every id on the walk is already taken and stays
taken, so the ids are exactly upstream's.

The citation hook swaps it in for `footnotes` (same name, same options in
mkdocs.yml), see `use_in`.
"""

from __future__ import annotations

from markdown.extensions.footnotes import RE_REF_ID, FootnoteExtension


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


def use_in(config) -> None:
    """Replace MkDocs' `footnotes` extension by the linear one, keeping its options."""
    names = config["markdown_extensions"]
    for i, ext in enumerate(names):
        if ext == "footnotes":
            names[i] = LinearFootnoteExtension(**(config["mdx_configs"].get("footnotes") or {}))
