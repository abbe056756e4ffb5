"""Which Crossref update notices matter: pure data shared by the online check and the offline gate.

Kept apart from `doi.py` (which needs the HTTP client) so that the offline
judgement in `lockcheck.py` imports no network code.
"""

from __future__ import annotations

# A work with one of these notices is no longer citable as evidence.
SERIOUS = frozenset({"retraction", "partial_retraction", "withdrawal", "removal", "expression_of_concern"})
# These leave the work citable, but the bibliography must say it was corrected.
CORRECTIONS = frozenset({"correction", "partial_correction", "erratum", "corrigendum", "addendum", "clarification"})
