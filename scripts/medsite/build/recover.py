"""Bring whatever an earlier run left into the normal state, before a build starts.

Runs with the build lock held, so nothing here races another build. It removes
temporary links and staging folders of killed runs, adopts a real `site/`
folder (from before versioned builds) or the `.staging/previous-site` an
interrupted old build left, restores `site` when it is missing or broken and a
complete build exists, and prunes old builds. Each repair is returned as a note.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from medsite.build.publish import (
    Layout,
    complete_builds,
    current,
    link_to,
    newest_other,
    prune,
    remove,
    signals_held,
    switch,
)
from medsite.core.stopping import checkpoint

LEGACY_STAGING = ".staging"  # the folder the build used before versioned builds: .staging/site, .staging/previous-site


def _adopt(layout: Layout, folder: Path, tag: str) -> Path:
    """Move a complete site folder into the builds and point site at it.

    site cannot be turned from a folder into a link in one step, so the link is
    made first and the move and the switch run back to back with Ctrl-C held
    off; if the process is killed between them, the next run finds no site and
    restores this build (see recover).
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest, n = layout.builds / f"{stamp}-{tag}", 1
    while os.path.lexists(dest):
        n += 1
        dest = layout.builds / f"{stamp}-{tag}{n}"
    tmp = link_to(layout, dest)
    try:
        with signals_held():
            os.rename(folder, dest)
            checkpoint("adopted")
            os.replace(tmp, layout.site)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
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
        if not os.path.lexists(layout.site) and previous.is_dir() and not previous.is_symlink():
            # The old script was stopped between its two renames: this is the last published site.
            build = _adopt(layout, previous, "restored")
            notes.append(f"{layout.label}/ was missing; restored the site left in {layout.shown(previous)} as {layout.shown(build)}")
        try:
            remove(legacy)
            notes.append(f"removed {layout.shown(legacy)}, left by an earlier run")
        except OSError as exc:  # harmless where it is: say so and go on
            notes.append(f"could not remove {layout.shown(legacy)}, left by an earlier run ({exc.strerror}); remove it by hand")

    if layout.site.is_dir() and not layout.site.is_symlink():
        build = _adopt(layout, layout.site, "moved")
        notes.append(f"moved the folder {layout.label}/ to {layout.shown(build)}; {layout.label} is now a link to the published build")

    builds = complete_builds(layout)
    if not layout.site.exists() and builds:  # missing, or a broken link
        was = "a broken link" if layout.site.is_symlink() else "missing"
        switch(layout, builds[-1])
        notes.append(f"{layout.label}/ was {was}; restored the newest complete build, {layout.shown(builds[-1])}")

    now = current(layout)
    notes += prune(layout, keep={now, newest_other(layout, now)})
    return notes
