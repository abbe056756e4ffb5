"""ProperDocs 1.6.x: the maintained continuation of MkDocs 1.x, a drop-in for it.

It reads mkdocs.yml, runs Material, our Markdown extensions and our hooks (it redirects every
`mkdocs.*` import to `properdocs.*`, so scripts/mkdocs_hooks.py runs unchanged), logs as MkDocs
does, and writes the same pages but for the generator tag. Everything but the command is MkDocs'.
"""

from __future__ import annotations

from medsite.build.engines.mkdocs import MkDocs


class ProperDocs(MkDocs):
    name = "properdocs"
    label = "ProperDocs"
    module = "properdocs"


ENGINE = ProperDocs()
