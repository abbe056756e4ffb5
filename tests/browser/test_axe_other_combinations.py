"""Accessibility: dark at desktop width and light at mobile width, on one page of each template and page
type and on pages with every kind of element the site has (axe_scan.sample_pages). test_axe.py says why
that, with every page light at desktop width and dark at mobile width, finds what four full scans found."""

from __future__ import annotations

import pytest

from .axe_scan import element_kinds, sample_pages, scan
from .support import DESKTOP, MOBILE, page_html


@pytest.fixture(scope="module")
def sample(site_dir, site_pages) -> list[str]:
    return sample_pages(site_dir, site_pages)


@pytest.mark.parametrize(("scheme", "viewport"), [("dark", DESKTOP), ("light", MOBILE)],
                         ids=["dark-desktop", "light-mobile"])
def test_a_page_of_each_kind(open_tab, sample, axe_source, scheme, viewport):
    problems = scan(open_tab, scheme, viewport, sample, axe_source)
    assert not problems, "\n".join(problems)


def test_the_sample_has_every_template_and_every_kind_of_element(site_dir, site_pages, sample):
    """Else some element would go unchecked in these two combinations."""
    everywhere = set().union(*(element_kinds(page_html(site_dir, p)) for p in site_pages))
    in_sample = set().union(*(element_kinds(page_html(site_dir, p)) for p in sample))
    assert in_sample == everywhere
    assert {"", "404.html"} <= set(sample), sample
