"""Which Crossref update notices matter: pure data shared by the online check and the offline gate.

Kept apart from `doi.py` (which needs the HTTP client) so that the offline
judgement in `lockcheck.py` imports no network code. The types themselves are
named once, in medsite.sources.worknotices, which the pages' notices read too.
"""

from __future__ import annotations

from medsite.sources.worknotices import CONCERNS, CORRECTIONS, RETRACTIONS

# A work with one of these notices is no longer citable as evidence.
SERIOUS = RETRACTIONS | CONCERNS
# These leave the work citable, but the bibliography must say it was corrected.
__all__ = ["CORRECTIONS", "SERIOUS"]
