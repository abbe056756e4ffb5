"""After the engine, before the gate: build the search index of the staging site with Pagefind.

Pagefind reads only the built HTML, so it indexes whatever engine wrote the site.
It writes a chunked index to ``<site>/pagefind/``: a reader's browser fetches
nothing from it until they search, and then only the chunks their words need,
so the cost of a first page load does not grow with the site.

What is indexed is decided in the HTML: the templates wrap each page's own text
in ``data-pagefind-body`` (so navigation, header and the review block that every
page repeats are left out, and pages without it, like the 404 page, are not
indexed), and the per-page reference lists carry ``data-pagefind-ignore``
(the citations extension, medsite.markdown.extensions.citations), so a study title finds the References page only.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("BUILD004", ERROR,
         what="Pagefind could not build the search index, or no page marks its text for indexing (data-pagefind-body).",
         why="Readers could not search the published site, or search would match every page's menus and reference lists.",
         fix="Read the message; if data-pagefind-body is missing, restore the wrapper in overrides/main.html's content block.",
         where="situation",
         bad="overrides/main.html lost the data-pagefind-body wrapper, so Pagefind indexes no page.",
         good="The content block of overrides/main.html keeps its data-pagefind-body wrapper."),
)

BUNDLE_DIR = "pagefind"  # under the site root; the search script (overrides/assets/javascripts) expects it here
# Not words a reader searches for: the "¶" permalink after each heading (Python-Markdown's toc),
# and the disclaimer callout that opens every treatment page (includes/treatment-disclaimer.md),
# which would otherwise fill the excerpt of every treatment page with the same sentences.
EXCLUDE = ("a.headerlink", ".admonition.disclaimer")
# Pagefind also writes its three ready-made interfaces; the site uses its own dialog
# (overrides/assets/javascripts/site-search.js), so they would be published unused.
UNUSED_UI = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*")
NO_BODY = "Did not find a data-pagefind-body element"


def command(site: Path) -> list[str]:
    # The binary ships in the pinned pagefind-bin wheel: no download at build time.
    return [sys.executable, "-m", "pagefind_bin", "--site", str(site), "--output-subdir", BUNDLE_DIR,
            "--exclude-selectors", ", ".join(EXCLUDE)]


def build_index(site: Path) -> list[Diagnostic]:
    """Index ``site`` in place; a failure is a BUILD004 diagnostic, never a traceback."""
    where = f"{site.name}/{BUNDLE_DIR}/"
    try:
        # Run beside the site, not in the project: Pagefind would read a pagefind.yml found in its folder.
        proc = subprocess.run(command(site), cwd=site.parent, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        return [Diagnostic("BUILD004", f"the search index could not be built: {exc}", where)]
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "no output")
        return [Diagnostic("BUILD004", f"Pagefind stopped (exit {proc.returncode}): {last}", where)]
    if NO_BODY in output:
        # Without the templates' marker Pagefind would index every page whole, menus and reference lists included.
        return [Diagnostic("BUILD004", "no page has data-pagefind-body, so search would index menus and reference lists", where,
                           hint="keep the data-pagefind-body wrapper of the content block in overrides/main.html")]
    for pattern in UNUSED_UI:
        for path in (site / BUNDLE_DIR).glob(pattern):
            path.unlink()
    return []


FRAGMENT_SIGNATURE = b"pagefind_dcd"  # Pagefind's own marker at the start of each decompressed fragment


def indexed_texts(site: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """What search shows readers: (fragment file as "site/..." path, page URL, [(place, text)]) for each
    indexed page, read from Pagefind's fragments (gzip-compressed JSON after FRAGMENT_SIGNATURE). A fragment
    that cannot be read is skipped: a broken index is BUILD004's, and search then shows nothing of it."""
    out = []
    folder = site / BUNDLE_DIR / "fragment"
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.pf_fragment")):
        try:
            data = gzip.decompress(path.read_bytes())
            fragment = json.loads(data[len(FRAGMENT_SIGNATURE):]) if data.startswith(FRAGMENT_SIGNATURE) else None
        except (OSError, EOFError, ValueError, gzip.BadGzipFile):
            continue
        if not isinstance(fragment, dict):
            continue
        texts = [("search result", str(fragment.get("content") or ""))]
        meta = fragment.get("meta") if isinstance(fragment.get("meta"), dict) else {}
        texts += [(f"search result {key}", str(value)) for key, value in sorted(meta.items()) if key != "image"]
        out.append((f"site/{path.relative_to(site).as_posix()}", str(fragment.get("url") or ""), texts))
    return out
