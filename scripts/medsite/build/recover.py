"""Bring whatever an earlier run left into the normal state, before a build starts.

Runs with the build lock held, so nothing here races another build. It removes
temporary links and staging folders of killed runs, sets aside a real `site/`
folder or the `.staging/previous-site` an interrupted old build left (neither
was gated by this build, so neither is ever published: each is moved to
`.site-builds/unchecked-<stamp>`, a name no build has, for a look),
restores `site` when it is missing or broken and a complete build exists, and
prunes old builds. Each repair is returned as a note.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from medsite.build.publish import (
    Layout,
    complete_builds,
    current,
    newest_other,
    prune,
    remove,
    switch,
)
from medsite.core.stopping import checkpoint

LEGACY_STAGING = ".staging"  # the folder the build used before versioned builds: .staging/site, .staging/previous-site


UNCHECKED = "unchecked"  # folders found where the build publishes, which no gate has passed


def _set_aside(layout: Layout, folder: Path) -> Path:
    """Move a folder this build did not gate out of the way, under a name that is never published.

    One rename: a folder `site/` (or an old build's leftover) may hold anything, so it is neither
    adopted as a build nor served; `make site` publishes only what its gate has passed.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest, n = layout.builds / f"{UNCHECKED}-{stamp}", 1
    while os.path.lexists(dest):
        n += 1
        dest = layout.builds / f"{UNCHECKED}-{stamp}-{n}"
    os.rename(folder, dest)
    checkpoint("set-aside")
    return dest


def recover(layout: Layout) -> list[str]:
    """Bring any state an earlier run left into the normal one; returns notes for the user.

    Called with the build lock held, so nothing here races another build.
    """
    notes = []
    for leftover in layout.site.parent.glob(f".{layout.site.name}.tmp-*"):
        if leftover.is_symlink():
            leftover.unlink(missing_ok=True)

    legacy = layout.site.parent / LEGACY_STAGING
    if os.path.lexists(legacy):
        previous = legacy / "previous-site"
        if previous.is_dir() and not previous.is_symlink():
            # An old script's last site, or anything put there: never gated by this build, so never published.
            kept = _set_aside(layout, previous)
            notes.append(f"set aside the site left in {layout.shown(previous)} as {layout.shown(kept)} "
                         "(never gated by this build, so not published)")
        try:
            remove(legacy)
            notes.append(f"removed {layout.shown(legacy)}, left by an earlier run")
        except OSError as exc:  # harmless where it is: say so and go on
            notes.append(f"could not remove {layout.shown(legacy)}, left by an earlier run ({exc.strerror}); remove it by hand")

    if layout.site.is_dir() and not layout.site.is_symlink():
        kept = _set_aside(layout, layout.site)
        notes.append(f"set aside the folder {layout.label}/ as {layout.shown(kept)}: `make site` did not build it, "
                     "so it was never gated and is not published")

    builds = complete_builds(layout)
    if not layout.site.exists() and builds:  # missing, or a broken link
        was = "a broken link" if layout.site.is_symlink() else "missing"
        switch(layout, builds[-1])
        notes.append(f"{layout.label}/ was {was}; restored the newest complete build, {layout.shown(builds[-1])}")

    now = current(layout)
    notes += prune(layout, keep={now, newest_other(layout, now)})
    return notes
