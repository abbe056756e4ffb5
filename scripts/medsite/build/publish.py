"""Versioned builds and an atomic switch of `site`.

Every build is staged in a folder of its own, `.site-builds/<stamp>-<pid>-<random>.staging`,
so a concurrent or leftover build can never be mixed into it. When the gate
passes, the folder drops its `.staging` suffix, and `site` (a symbolic link) is
switched to it by renaming a new link over the old one: `os.replace` is atomic,
so at every instant `site/` is the old complete build or the new complete one.

The build that `site` pointed to before is kept: a reader that resolved the
old link mid-switch can finish, and a rollback is one link away. Older builds
are pruned, and anything an interrupted run left behind is repaired by the
next run (see recover.py); only names this module creates are ever deleted.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from medsite.core.rule import ERROR, Rule, declare
from medsite.core.stopping import checkpoint

# What build.py reports a fault of writing or switching the output as.
FAULT = "BUILD002"

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("BUILD002", ERROR,
         what="The build could not write or switch its output: a read-only or full disk, or a path of the wrong kind (a file where the build keeps a folder).",
         why="Nothing new is published; site/ keeps what it had, which the message describes.",
         fix="Make the named path writable, free disk space, or remove the file in the way, then run `make site` again.",
         where="situation",
         bad="The disk is full (or read-only) while the build writes .site-builds/.",
         good="The build writes its folder and switches site/ to it."),
)

STAGING = ".staging"
BUILD_NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6})-[\w-]+$")
# Beside each build the gate passed, `<build>.gated`, written before the build gets its name: a folder
# that merely has a build's name (copied in, or left by hand) is never restored as a published site.
GATED = ".gated"


def gated_marker(build: Path) -> Path:
    return build.with_name(build.name + GATED)


@dataclass(frozen=True)
class Layout:
    site: Path  # the link readers use, e.g. <root>/site
    label: str  # how messages name it, e.g. "site"

    @property
    def builds(self) -> Path:
        return self.site.parent / f".{self.site.name}-builds"

    @property
    def lock(self) -> Path:
        return self.builds / "lock"

    def shown(self, path: Path) -> str:
        """A path as messages show it: relative to the folder that holds site."""
        return os.path.relpath(path, self.site.parent)


def folder_at_fault(exc: OSError, layout: Layout) -> str:
    """The path an OSError is about, as messages show it: the thing itself, or the folder it was to be made in."""
    if not exc.filename:
        return layout.label
    path = Path(os.fsdecode(exc.filename))
    return layout.shown(path if os.path.lexists(path) else path.parent)


class NotAFolder(Exception):
    """A path that must be a folder is something else (a file, a broken link)."""

    def __init__(self, path: str, kind: str):
        self.path, self.kind = path, kind
        super().__init__(f"{path} is {kind}, not a folder")


# --- reading the state ------------------------------------------------------------------


def _kind(path: Path) -> str:
    if path.is_symlink():
        return "a broken link" if not path.exists() else "a link"
    return "a folder" if path.is_dir() else "a file"


def current(layout: Layout) -> Path | None:
    """The build folder that site links to, when it is one of ours and exists."""
    if not layout.site.is_symlink() or not layout.site.is_dir():
        return None
    target = Path(os.path.realpath(layout.site))
    builds = Path(os.path.realpath(layout.builds))
    return target if target.parent == builds and BUILD_NAME.match(target.name) else None


def complete_builds(layout: Layout) -> list[Path]:
    """Builds that passed the gate (no .staging suffix), oldest first."""
    if not layout.builds.is_dir():
        return []
    found = [p for p in layout.builds.iterdir()
             if BUILD_NAME.match(p.name) and p.is_dir() and not p.is_symlink() and gated_marker(p).is_file()]
    return sorted(found, key=lambda p: p.name)


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def _built_at(folder: Path) -> str:
    m = BUILD_NAME.match(Path(os.path.realpath(folder)).name)
    if m:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.strptime(m["stamp"], "%Y%m%d-%H%M%S"))
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(folder.stat().st_mtime))


def describe(layout: Layout, verb: str = "keeps") -> str:
    """What site actually is now, in words: never a claim of a good build that is not there."""
    site, label = layout.site, layout.label
    try:
        if site.is_symlink() and not site.exists():
            return f"{label} is a broken link, so nothing is published there"
        if not os.path.lexists(site):
            return f"there is no {label}/ yet"
        if not site.is_dir():
            return f"{label} is a file, not a built site"
        return f"{label}/ {verb} the build of {_built_at(site)} ({count_pages(site)} pages)"
    except OSError as exc:
        return f"{label}/ cannot be read ({exc.strerror})"


# --- changing it ------------------------------------------------------------------------


def remove(path: Path) -> None:
    """Remove a file, link or folder tree of ours; a read-only leftover is made writable first."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return

    def make_writable_and_retry(func, failed, _exc_info):
        os.chmod(os.path.dirname(failed) or ".", 0o755)
        if os.path.isdir(failed) and not os.path.islink(failed):
            os.chmod(failed, 0o755)
        func(failed)

    shutil.rmtree(path, onerror=make_writable_and_retry)


def _temp_link(layout: Layout) -> Path:
    return layout.site.with_name(f".{layout.site.name}.tmp-{os.getpid()}")


def link_to(layout: Layout, build: Path) -> Path:
    """A new link to `build`, beside site, ready to be renamed over it (relative, so the project can move)."""
    tmp = _temp_link(layout)
    tmp.unlink(missing_ok=True)
    try:
        os.symlink(os.path.relpath(build, layout.site.parent), tmp)
    except OSError as exc:  # name the folder that refused the link, not the link's target
        raise OSError(exc.errno, exc.strerror, str(tmp)) from None
    return tmp


def switch(layout: Layout, build: Path) -> None:
    """Point site at `build` in one atomic step."""
    tmp = link_to(layout, build)
    checkpoint("linked")
    try:
        os.replace(tmp, layout.site)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def ensure_builds_folder(layout: Layout) -> None:
    if os.path.lexists(layout.builds) and not layout.builds.is_dir():
        raise NotAFolder(layout.shown(layout.builds), _kind(layout.builds))
    layout.builds.mkdir(parents=True, exist_ok=True)


def new_staging(layout: Layout) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.mkdtemp(prefix=f"{stamp}-{os.getpid()}-", suffix=STAGING, dir=layout.builds))
    path.chmod(0o755)  # mkdtemp makes it private; a web server serving site/ must be able to read it
    return path


REJECTED = "rejected"  # the last build the gate refused, kept for a look (never served as site/)


def rejected(layout: Layout) -> Path:
    return layout.builds / REJECTED


def keep_rejected(layout: Layout, staging: Path) -> Path | None:
    """Keep a refused build as `<builds>/rejected` (replacing the previous one), so an editor, the
    pull-request preview and the tests can see what the gate refused. Best effort: never fatal."""
    target = rejected(layout)
    try:
        if target.exists():
            remove(target)
        os.rename(staging, target)
        return target
    except OSError:
        return None


def drop_rejected(layout: Layout) -> None:
    """After a published build, an older refused one would only mislead."""
    if rejected(layout).exists():
        with contextlib.suppress(OSError):
            remove(rejected(layout))


def discard(staging: Path) -> None:
    """Remove an unpublished staging folder (never a published build: those have no .staging suffix)."""
    if staging.name.endswith(STAGING):
        with contextlib.suppress(OSError):  # the next run removes it
            remove(staging)


def publish(layout: Layout, staging: Path) -> tuple[Path, list[str]]:
    """Make the gated staging folder the published site; returns the build and notes on old builds."""
    previous = current(layout)
    build = staging.with_name(staging.name[: -len(STAGING)])
    gated_marker(build).write_text(f"gated {time.strftime('%Y-%m-%d %H:%M:%S')}\n", encoding="utf-8")
    os.rename(staging, build)
    checkpoint("renamed")
    try:
        switch(layout, build)
    except OSError:
        remove(build)  # never published; site still points where it did
        gated_marker(build).unlink(missing_ok=True)
        raise
    checkpoint("switched")
    return build, prune(layout, keep={build, previous or newest_other(layout, build)})


def newest_other(layout: Layout, build: Path | None) -> Path | None:
    """The rollback build when site did not point at one: the newest complete build besides `build`."""
    others = [b for b in complete_builds(layout) if b != build]
    return others[-1] if others else None


def prune(layout: Layout, keep: set) -> list[str]:
    """Remove builds and leftovers of ours except `keep`; what cannot be removed is reported, not fatal."""
    notes = []
    keep = {Path(os.path.realpath(p)) for p in keep if p is not None}
    for entry in sorted(layout.builds.iterdir()):
        name = entry.name.removesuffix(STAGING).removesuffix(GATED)
        build = entry.with_name(name)
        if not BUILD_NAME.match(name) or Path(os.path.realpath(build)) in keep:
            continue
        try:
            remove(entry)
        except OSError as exc:
            notes.append(f"could not remove the old build {layout.shown(entry)} ({exc.strerror}); remove it by hand")
    return notes
