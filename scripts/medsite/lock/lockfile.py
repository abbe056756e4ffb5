"""The committed lock file of online verification results (verification.lock.json).

Shape, sorted so that diffs stay small and runs are reproducible::

    {
      "version": 1,
      "items": [
        {
          "kind": "doi",                      # doi | pmid | url
          "id": "10.1056/nejmra1401483",      # DOI lower-cased, PMID digits, URL without #fragment
          "checked": "2026-11-25",            # date of the check that set `status`
          "status": "ok",                     # ok | broken | retracted | unverifiable | transient
          "evidence": {"registered_titles": ["Multiple Sclerosis"], ...},
          "sources": ["docs/references.yaml#reich2018", "site/index.html"],
          "last_attempt": {...}               # only when a later check could not verify it
        }
      ]
    }

Rules that keep the file honest:

- A result that is not definitive (unverifiable, transient) never replaces a
  definitive one (ok, broken, retracted): the old status and date stay, and the
  failed attempt is noted in `last_attempt`. A flaky service is never recorded
  as broken.
- An item is due for a fresh check when it is missing, older than the maximum
  age, or not `ok` (so a fixed page or a service that is back is noticed on the
  next run). Fresh `ok` items are left alone, without any request.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

VERSION = 1
KINDS = ("doi", "pmid", "url")
STATUSES = ("ok", "broken", "retracted", "unverifiable", "transient")
DEFINITIVE = frozenset({"ok", "broken", "retracted"})


class LockError(Exception):
    """The lock file exists but cannot be used."""


@dataclass
class Check:
    """The result of checking one item online, before it is dated and stored."""

    kind: str
    id: str
    status: str
    evidence: dict = field(default_factory=dict)
    detail: str = ""  # what happened, when it was not a clean answer


@dataclass
class Item:
    kind: str
    id: str
    checked: str  # ISO date
    status: str
    evidence: dict = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    last_attempt: dict | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)

    @property
    def checked_date(self) -> date:
        return date.fromisoformat(self.checked)

    def age_days(self, today: date) -> int:
        return (today - self.checked_date).days

    def is_stale(self, today: date, max_age_days: int) -> bool:
        return self.age_days(today) > max_age_days

    def is_due(self, today: date, max_age_days: int) -> bool:
        return self.status != "ok" or self.is_stale(today, max_age_days)

    def to_json(self) -> dict:
        data = {
            "kind": self.kind,
            "id": self.id,
            "checked": self.checked,
            "status": self.status,
            "evidence": self.evidence,
            "sources": sorted(set(self.sources)),
        }
        if self.last_attempt:
            data["last_attempt"] = self.last_attempt
        return data

    @classmethod
    def from_json(cls, data: object, index: int) -> Item:
        where = f"item {index + 1}"
        if not isinstance(data, dict):
            raise LockError(f"{where} is not an object")
        kind, ident, checked, status = (data.get(k) for k in ("kind", "id", "checked", "status"))
        if kind not in KINDS:
            raise LockError(f"{where} has kind {kind!r}; expected one of {', '.join(KINDS)}")
        if not isinstance(ident, str) or not ident:
            raise LockError(f"{where} has no id")
        if status not in STATUSES:
            raise LockError(f"{where} ({ident}) has status {status!r}; expected one of {', '.join(STATUSES)}")
        try:
            date.fromisoformat(str(checked))
        except ValueError:
            raise LockError(f"{where} ({ident}) has checked date {checked!r}; expected YYYY-MM-DD") from None
        evidence = data.get("evidence") or {}
        sources = data.get("sources") or []
        last = data.get("last_attempt")
        if not isinstance(evidence, dict) or not isinstance(sources, list) or not isinstance(last, (dict, type(None))):
            raise LockError(f"{where} ({ident}) has evidence, sources or last_attempt of the wrong type")
        return cls(kind, ident, str(checked), status, evidence, [str(s) for s in sources], last)


class Lock:
    def __init__(self, items: list[Item] | None = None):
        self.items: dict[tuple[str, str], Item] = {}
        for item in items or []:
            self.items[item.key] = item

    # -- reading and writing ---------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Lock:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise LockError(f"not valid JSON: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise LockError('expected an object with an "items" list')
        if data.get("version") != VERSION:
            raise LockError(f"version {data.get('version')!r} is not supported (expected {VERSION})")
        return cls([Item.from_json(raw, i) for i, raw in enumerate(data["items"])])

    @classmethod
    def load(cls, path: str | Path) -> Lock:
        """The lock at path; an empty lock if the file does not exist yet."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as exc:
            raise LockError(f"cannot be read: {exc}") from None
        return cls.parse(text)

    def dumps(self) -> str:
        items = [self.items[k].to_json() for k in sorted(self.items)]
        return json.dumps({"version": VERSION, "items": items}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> None:
        """Write atomically, so an interrupted run never leaves half a file."""
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=".verification.", suffix=".tmp", dir=path.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.dumps())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- queries and updates -----------------------------------------------------

    def get(self, kind: str, ident: str) -> Item | None:
        return self.items.get((kind, ident))

    def due(self, kind: str, ident: str, today: date, max_age_days: int) -> bool:
        item = self.get(kind, ident)
        return item is None or item.is_due(today, max_age_days)

    def record(self, check: Check, today: date) -> Item:
        """Store a fresh result, never letting an unclear one overwrite a clear one."""
        prev = self.get(check.kind, check.id)
        if check.status not in DEFINITIVE and prev is not None and prev.status in DEFINITIVE:
            prev.last_attempt = {"checked": today.isoformat(), "status": check.status, "detail": check.detail}
            return prev
        evidence = dict(check.evidence)
        if check.detail and check.status != "ok":
            evidence.setdefault("detail", check.detail)
        item = Item(check.kind, check.id, today.isoformat(), check.status, evidence,
                    list(prev.sources) if prev else [])
        self.items[item.key] = item
        return item

    def set_sources(self, kinds: tuple[str, ...], owns, wanted: dict[tuple[str, str], list[str]]) -> None:
        """Replace the sources that one verification mode owns; drop items nobody cites.

        `owns(source) -> bool` says which sources belong to the calling mode (the
        bibliography's entries, or the built site's pages); other sources are
        kept, so `verify references` and `verify links` do not undo each other.
        """
        for key, item in list(self.items.items()):
            if item.kind not in kinds:
                continue
            kept = [s for s in item.sources if not owns(s)]
            item.sources = sorted(set(kept + wanted.get(key, [])))
            if not item.sources:
                del self.items[key]

