"""Our Python-Markdown extensions: the per-page work both engines (MkDocs, Zensical) run.

- `medsite.markdown.extensions.citations`: `[@key]` citations as numbered footnotes, and the References page's listing;
- `medsite.markdown.extensions.furniture`: the title and treatment disclaimer above the text, the clinic's
  offer-facts panel, and the values the review block and JSON-LD templates show (`page.meta.health`).

They work in any Python-Markdown pipeline; `pagesource` finds the page being
rendered when an engine runs them, and `report` sends diagnostics where the
caller wants them (see DESIGN.md).
"""
