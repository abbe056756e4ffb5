"""What every build writes into its folder once the engine is done, whichever engine and whichever command
(`make site`, `make serve`, the bench's builds): the search index, read from the built HTML, and the feed of
changes, written from the sources. One list, so a page never links to a file one of them forgot."""

from __future__ import annotations

from pathlib import Path

from medsite.core.diagnostics import Diagnostic
from medsite.output import changefeed
from medsite.output.search_index import build_index
from medsite.sources.site import Site


def write_outputs(site: Site, folder: Path) -> list[Diagnostic]:
    return build_index(folder) + changefeed.write(site, folder)
