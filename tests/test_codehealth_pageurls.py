"""One mapping from pages to URLs and files (medsite.sources.pageurls), shared by the gate and the tests."""

from __future__ import annotations

import pytest

from medsite.gate.project import SourcePage
from medsite.sources.pageurls import file_url, html_file, page_url, url_file

CASES = [
    ("index.md", "", "index.html"),
    ("about-ms/symptoms.md", "about-ms/symptoms/", "about-ms/symptoms/index.html"),
    ("about-ms/index.md", "about-ms/", "about-ms/index.html"),
    ("treatments/README.md", "treatments/", "treatments/index.html"),
    ("guide.markdown", "guide/", "guide/index.html"),
]


@pytest.mark.parametrize("uri, url, html", CASES)
def test_a_page_has_one_url_and_one_file(uri, url, html):
    assert page_url(uri) == url
    assert html_file(uri) == html
    assert url_file(url) == html
    assert file_url(html) == url


def test_files_that_are_not_folder_indexes_keep_their_name():
    assert url_file("404.html") == "404.html" and file_url("404.html") == "404.html"
    assert file_url("notindex.html") == "notindex.html"


@pytest.mark.parametrize("uri, url, html", CASES)
def test_the_gate_names_built_pages_the_same_way(uri, url, html):
    assert SourcePage(uri, f"docs/{uri}", None).html_rel == f"site/{html}"


def test_a_link_between_two_pages_is_the_one_mkdocs_writes():
    """The References list is HTML made by us (medsite.markdown.referencespage): its links must be the URLs MkDocs
    gives a Markdown link between the same two pages, home pages and folder indexes included."""
    from itertools import product

    from mkdocs.utils import get_relative_url

    from medsite.sources.pageurls import relative_url

    uris = ["index.md", "references.md", "about-ms/what-is-ms.md", "about-ms/index.md", "a/b/c.md", "a/b/index.md",
            "README.md", "a/README.md", "treatments/README.md"]
    for to_uri, from_uri in product(uris, uris):
        # MkDocs names the home page "./" (page_url says "" for it): the URL a Markdown link to it gets.
        expected = get_relative_url(page_url(to_uri) or "./", page_url(from_uri) or "./")
        assert relative_url(to_uri, from_uri) == expected, (to_uri, from_uri)
    assert relative_url("index.md", "references.md") == "../"
