"""The pull-request run's results as data: written by the unprivileged run, read by the privileged one.

A pull request from a fork runs with a read-only token, so it cannot comment. It uploads this file
as an artifact; the privileged workflow (.github/workflows/pull-request-comment.yml) downloads it and
posts the same comment. Everything in the file may have been written by the pull request's code, so
`read` trusts nothing: a size limit, a fixed JSON shape, bounded strings and counts, a pull-request
number that is a positive integer, a preview link only into this run's own artifacts. What it
returns is rendered by comment.render, which escapes every value (medsite.core.report_escape).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from medsite.core.diagnostics import Diagnostic

FILE = "results.json"
VERSION = 1
MAX_BYTES = 2 * 1024 * 1024  # far above a real report (the real site's: about 100 KB, every warning listed)
MAX_DIAGNOSTICS = 5000
MAX_TEXT = 2000  # characters in one message, hint, path or target


class ResultsError(Exception):
    """The results cannot be used: the message says why, in one line."""


@dataclass(frozen=True)
class Results:
    number: int
    preview_url: str | None
    diagnostics: list[Diagnostic] | None  # None: the build stopped before the checks reported
    shown: list[Diagnostic] | None


def write(
    folder: Path, pr, diagnostics: list[Diagnostic] | None, shown: list[Diagnostic] | None, preview_url: str | None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "version": VERSION,
        "pull_request": pr.number,
        "preview_url": preview_url,
        "diagnostics": None if diagnostics is None else [d.to_dict() for d in diagnostics],
        "shown": None if shown is None else [d.to_dict() for d in shown],
    }
    path = folder / FILE
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _diagnostics(value, what: str) -> list[Diagnostic] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_DIAGNOSTICS:
        raise ResultsError(f"{what} is not a list of at most {MAX_DIAGNOSTICS} diagnostics")
    out = []
    for i, item in enumerate(value):
        d = Diagnostic.from_dict(item)
        texts = [d.code, d.message, d.path, d.target, d.hint] if d else []
        if (
            d is None
            or not re.fullmatch(r"[A-Z]{2,8}\d{3}", d.code)
            or any(t is not None and (not isinstance(t, str) or len(t) > MAX_TEXT) for t in texts)
        ):
            raise ResultsError(
                f"{what}[{i}] is not a diagnostic (code, message, path; texts of at most {MAX_TEXT} characters)"
            )
        out.append(d)
    return out


def read(folder: Path, *, repo: str, server_url: str, run_id: str | int) -> Results:
    """The results the run with `run_id` uploaded, checked as untrusted data."""
    path = folder / FILE
    try:
        size = path.stat().st_size
    except OSError:
        raise ResultsError(f"{FILE} is missing from the run's results") from None
    if size > MAX_BYTES:
        raise ResultsError(f"{FILE} is {size} bytes, over the limit of {MAX_BYTES}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ResultsError(f"{FILE} is not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ResultsError(f"{FILE} is not version {VERSION} results")
    number = data.get("pull_request")
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        raise ResultsError("the pull-request number is not a positive integer")
    # No commit id is read from here: the fork wrote this file; which commit was checked comes from the event.
    preview = data.get("preview_url")
    own_artifacts = f"{server_url.rstrip('/')}/{repo}/actions/runs/{run_id}/artifacts/"
    if preview is not None and not (
        isinstance(preview, str)
        and preview.startswith(own_artifacts)
        and re.fullmatch(r"\d+", preview[len(own_artifacts) :])
    ):
        preview = None  # a link anywhere else is not shown
    return Results(
        number,
        preview,
        _diagnostics(data.get("diagnostics"), "diagnostics"),
        _diagnostics(data.get("shown"), "shown"),
    )
