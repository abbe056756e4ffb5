"""The user's cache folder: what a build works out from a file and keeps for the next build.

Shared by every checkout on the machine, so an entry is found by what it depends on (the file's text,
the settings that change the result, and the code that made it), never by a file's name alone. Never
inside the project: a file there could come with a pull request, and the build would trust it. A
missing, stale or damaged entry only makes a build slower.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

CACHE_ENV = "MEDSITE_CACHE"


def cache_dir(*, make: bool = True) -> Path | None:
    """$MEDSITE_CACHE (the tests' own, for one run), else $XDG_CACHE_HOME/medsite or ~/.cache/medsite, made if
    missing (unless `make` is false); None without a home folder, or when another user could write there (every
    build then works everything out again)."""
    try:
        folder = Path(os.environ.get(CACHE_ENV) or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "medsite")
    except RuntimeError:
        return None
    return folder if _private(folder, make) else None


def private_folder(name: str) -> Path | None:
    """A folder of its own in the cache (for files that are not one JSON entry each), or None as cache_dir."""
    folder = cache_dir()
    return folder / name if folder is not None and _private(folder / name) else None


def _private(folder: Path, make: bool = True) -> bool:
    """Whether `folder` (made if missing and `make`) is this user's alone. What the cache holds is trusted: formatted
    references become pages' HTML, compiled templates run; so a folder another user could write is not used."""
    try:
        if make:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def code_version(*files: str | Path) -> str:
    """A hash of the given source files: any change to them makes every entry they made stale, with no
    version number to remember to raise."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


def key_of(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def load(name: str, key: str) -> object | None:
    """The value kept under `name` if it was made for `key`, else None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        stored = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored.get("value") if isinstance(stored, dict) and stored.get("key") == key else None


def save(name: str, key: str, value: object, *, make: bool = True) -> None:
    """Keep `value` under `name` for `key`, replacing what was there; with `make` false, only in a cache folder
    that still exists (a save when the process ends does not make again a folder removed meanwhile)."""
    folder = cache_dir(make=make)
    if folder is None:
        return
    try:
        text = json.dumps({"key": key, "value": value})
    except (TypeError, ValueError):
        return  # a value JSON cannot hold is worked out again next time
    write(folder / name, text)


def write(path: Path, text: str) -> bool:
    """Replace the cache file `path` with `text`, through a file of its own (builds of other checkouts may save
    the same file at the same time); False when it cannot be written: the cache is an optimisation, never a
    reason to fail a build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
