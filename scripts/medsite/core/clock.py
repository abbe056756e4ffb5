"""Today's date, read in one place: the date rules (review due, review overdue, verification age,
the currency of cited works) ask here, so a build can be pinned to a day.

MEDSITE_TODAY=YYYY-MM-DD pins it for every command a build runs (`make site` included): the tests set it
once (tests/conftest.py), so the suite never breaks with the calendar. The gate's --today overrides it.
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "MEDSITE_TODAY"


class BadToday(ValueError):
    """MEDSITE_TODAY is set but is not an ISO date."""


def today() -> dt.date:
    """MEDSITE_TODAY if set, else the machine's date."""
    pinned = os.environ.get(ENV, "").strip()
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise BadToday(f"{ENV}={pinned!r} is not a date; write it as YYYY-MM-DD, or unset it") from None
