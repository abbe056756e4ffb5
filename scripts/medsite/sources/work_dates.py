"""When a cited work's statement was true, and whether a newer work replaces it (issue 22, currency).

A work's statement date is the latest of its `issued` (CSL), `accessed` (CSL: when the web page was seen)
and `as_of` (ours: the date a regulator's page says its statement holds). A date known only to the year
or month counts as the last day of it: the work may be that recent, and a stricter reading would refuse
works the editors cannot date more precisely. `superseded_by: <id>` names the work that replaces it;
`status: superseded` with a `reason:` says so when no single work replaces it.

Dates are checked here (a month 13 passes the shape check, REF012, but is no date); the gate reports
what `problems` finds at the field's line (CUR003, CUR004).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

STATEMENT_DATE_FIELDS = ("issued", "accessed", "as_of")
SUPERSEDED = "superseded"
STATUSES = (SUPERSEDED,)  # the values of `status` the site reads
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class WorkDate:
    """A date of a cited work (issued, accessed, as of) as a day, and as the editor wrote it."""

    day: dt.date  # the last day the precision allows
    field: str  # issued, accessed or as_of
    shown: str  # as an editor wrote it, in words: "2024", "December 2024", "3 June 2021"


class BadDate(ValueError):
    """A date field that names no real day, month or year."""


def _shown(parts: list[int]) -> str:
    if len(parts) == 1:
        return str(parts[0])
    month = calendar.month_name[parts[1]]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{parts[2]} {month} {parts[0]}"


def _last_day(parts: list[int]) -> dt.date:
    """The last day of the year, month or day given; BadDate if there is none."""
    year = parts[0]
    if not 1000 <= year <= 9999:
        raise BadDate(f"year {year} is not a year")
    if len(parts) == 1:
        return dt.date(year, 12, 31)
    month = parts[1]
    if not 1 <= month <= 12:
        raise BadDate(f"month {month} is not a month (1 to 12)")
    if len(parts) == 2:
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        return dt.date(year, month, parts[2])
    except ValueError:
        raise BadDate(f"{year}-{month:02d}-{parts[2]:02d} is not a day of the calendar") from None


def _parts(value) -> list[int] | None:
    """Date parts from the one CSL shape ({date-parts: [[y, m, d]]}, the last row of a range), a YAML date
    or an ISO text; None for a literal ("Spring 2018"), which names no day."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return [value.year, value.month, value.day]
    if isinstance(value, str):
        m = _ISO.match(value.strip())
        if not m:
            raise BadDate(f"'{value}' is not a date written as YYYY-MM-DD (or YYYY-MM, or YYYY)")
        return [int(g) for g in m.groups() if g]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, dict):
        rows = value.get("date-parts")
        if isinstance(rows, list) and rows and isinstance(rows[-1], list) and rows[-1]:
            try:
                return [int(p) for p in rows[-1]]
            except (TypeError, ValueError):
                raise BadDate("its date-parts are not numbers") from None
        return None
    raise BadDate("it is not a date")


def read(value, field: str) -> WorkDate | None:
    """One date field; None when it names no day (a literal); BadDate when it names an impossible one."""
    parts = _parts(value)
    if parts is None:
        return None
    return WorkDate(_last_day(parts), field, _shown(parts))


def statement_date(csl: dict) -> WorkDate | None:
    """The latest of the entry's readable dates, or None (no date, or only literal or bad ones)."""
    found = []
    for field in STATEMENT_DATE_FIELDS:
        if csl.get(field) in (None, ""):
            continue
        try:
            date = read(csl[field], field)
        except BadDate:
            continue  # reported by the gate (CUR004)
        if date:
            found.append(date)
    return max(found, key=lambda d: d.day, default=None)


def date_problems(csl: dict):
    """(field, why) for each date field that names no real date."""
    for field in STATEMENT_DATE_FIELDS:
        if csl.get(field) in (None, ""):
            continue
        try:
            read(csl[field], field)
        except BadDate as exc:
            yield field, str(exc)


def superseded_by(csl: dict) -> str | None:
    value = csl.get("superseded_by")
    return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else None


def is_superseded(csl: dict) -> bool:
    return superseded_by(csl) is not None or str(csl.get("status") or "").strip().lower() == SUPERSEDED


def reason(csl: dict) -> str | None:
    value = csl.get("reason")
    return str(value).strip() if isinstance(value, str) and value.strip() else None


def supersession_problems(csl: dict, known_ids) -> list[tuple[str, str, str]]:
    """(field, what is wrong, how to fix it) for `superseded_by`, `status` and `reason`."""
    out = []
    entry_id = str(csl.get("id") or "")
    if "superseded_by" in csl:
        newer = superseded_by(csl)
        if newer is None:
            out.append(
                (
                    "superseded_by",
                    "superseded_by is empty or not an id",
                    "write the id of the newer entry, e.g. superseded_by: montalban2025",
                )
            )
        elif newer == entry_id:
            out.append(("superseded_by", "superseded_by names the entry itself", "name the newer entry's id"))
        elif newer not in known_ids:
            out.append(
                (
                    "superseded_by",
                    f"superseded_by names '{newer}', which is not in the bibliography",
                    "add the newer work first (from the verified list), or fix the id",
                )
            )
    status = csl.get("status")
    if status is not None and str(status).strip().lower() not in STATUSES:
        out.append(
            (
                "status",
                f"status '{status}' is not one the site reads",
                "write status: superseded (with reason:), or leave status out",
            )
        )
    if str(status or "").strip().lower() == SUPERSEDED and reason(csl) is None and superseded_by(csl) is None:
        out.append(
            (
                "status",
                "status: superseded without a reason",
                "add reason: what replaced it, in a sentence (or superseded_by: the newer entry's id)",
            )
        )
    return out
