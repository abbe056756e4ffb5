"""Each built page's CSP verdict, kept for the next build (issue 19).

Parsing every built page is most of what the CSP step costs, and most pages come out of the next build as
the same bytes. A verdict (medsite.output.csp.sort_out: the scripts and styles to hash, the strays to report)
depends only on the page's HTML, on where this build's secret marks it, and on what counts as shipped. So it
is found by a digest of the page cut at each mark's secret (the secret is new in every build, the page
around it is not), in a file whose key names the code that made the verdicts and what counts as shipped
(`scope`). The file is in the user's cache (medsite.sources.user_cache), never in the project, and holds
only the pages of the last build. A missing, stale or damaged verdict is worked out again.
"""

from __future__ import annotations

import hashlib

import selectolax

from medsite.output import csp, template_marks, theme
from medsite.sources import user_cache

# The code that makes a verdict: the parse, the sorting out, the marks, and on Zensical what counts as shipped.
_CODE = (selectolax.__version__, user_cache.code_version(__file__, csp.__file__, template_marks.__file__, theme.__file__))


def page_digest(html: str, secret: str | None) -> str:
    """The page's digest with the secret cut out: each piece between two secrets with its length, so two
    pages share it only when they are the same but for this build's secret, in the same places."""
    digest = hashlib.sha256()
    for piece in html.split(secret) if secret else (html,):
        data = piece.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Verdicts:
    """The verdicts of one build: those of the last build found by digest, and this build's, saved by `save`."""

    def __init__(self, scope: str, where: str):
        self._name = f"csp-verdicts-{user_cache.key_of(where)[:16]}.json"  # one file per project and scope
        self._key = user_cache.key_of(scope, _CODE)
        kept = user_cache.load(self._name, self._key)
        self._kept = kept if isinstance(kept, dict) else {}
        self._used: dict[str, list] = {}

    def sort_out(self, html: str, secret: str | None, shipped=None) -> tuple[csp.Inline, tuple[csp.Stray, ...]]:
        """csp.sort_out(html, secret, shipped), from the last build when the page is the same."""
        digest = page_digest(html, secret)
        verdict = _read(self._kept.get(digest))
        if verdict is None:
            verdict = csp.sort_out(html, secret, shipped)
        self._used[digest] = _written(verdict)
        return verdict

    def save(self) -> None:
        if self._used != self._kept:
            user_cache.save(self._name, self._key, self._used)


def _written(verdict) -> list:
    inline, strays = verdict
    return [list(inline.scripts), list(inline.styles), [[s.kind, s.snippet, list(s.needles)] for s in strays]]


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _read(stored):
    """The verdict kept, or None when there is none or it is not the shape _written makes."""
    if not (isinstance(stored, list) and len(stored) == 3 and _strings(stored[0]) and _strings(stored[1])
            and isinstance(stored[2], list)):
        return None
    strays = []
    for stray in stored[2]:
        if not (isinstance(stray, list) and len(stray) == 3 and _strings(stray[:2]) and _strings(stray[2])):
            return None
        strays.append(csp.Stray(stray[0], stray[1], tuple(stray[2])))
    return csp.Inline(tuple(stored[0]), tuple(stored[1])), tuple(strays)
