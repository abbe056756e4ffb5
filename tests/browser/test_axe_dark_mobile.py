"""Accessibility: every page, dark palette at mobile width (test_axe.py says how the four combinations of
palette and width are shared between the test_axe*.py files, and why)."""

from __future__ import annotations

from .axe_scan import scan
from .support import MOBILE


def test_every_page_dark_at_mobile_width(open_tab, site_pages, axe_source):
    problems = scan(open_tab, "dark", MOBILE, site_pages, axe_source)
    assert not problems, "\n".join(problems)
