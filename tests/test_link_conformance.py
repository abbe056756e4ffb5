"""Links and images, case by case, as the link checkers html-proofer and lychee test them.

Each case restates one fixture of their suites (what their users reported as a
false alarm or a miss) as a built page, with the codes our gate must give. Where we
are stricter on purpose, the reason is the site's policy, named beside the case.
"""

from __future__ import annotations

import pytest

from test_gate import OTHER, diagnose, html, site_files

LINK_CODES = ("LNK", "IMG")

# name -> (article HTML, extra files, expected codes on site/page/index.html)
CASES = {
    # Internal links and fragments
    "missing page": ('<a href="../missing/">gone</a>', OTHER, {"LNK001"}),
    "missing fragment on another page": ('<a href="../other/#gone">other</a>', OTHER, {"LNK002"}),
    "existing fragment": ('<a href="../other/#here">other</a>', OTHER, set()),
    "folder without its trailing slash": ('<a href="../other">other</a>', OTHER, set()),
    "query string on a page": ('<a href="../other/?tab=1">other</a>', OTHER, set()),
    "bare hash": ('<a href="#">top</a>', {}, set()),
    "#top with no such id (browsers scroll to the top)": ('<a href="#top">Back to top</a>', {}, set()),
    "#TOP in capitals": ('<a href="#TOP">Back to top</a>', {}, set()),
    "fragment matched as written first": ('<h2 id="a%20b">x</h2><a href="#a%20b">x</a>', {}, set()),
    "fragment matched after decoding": ('<h2 id="café">x</h2><a href="#caf%C3%A9">x</a>', {}, set()),
    "file with a space, encoded": ('<a href="../files/my%20leaflet.pdf">leaflet</a>', {"site/files/my leaflet.pdf": "%PDF"}, set()),
    "fragment on a file that is not a page": ('<a href="../files/a.pdf#page=2">leaflet</a>', {"site/files/a.pdf": "%PDF"}, set()),
    # Links that go nowhere
    "empty href": ('<a href="">nothing</a>', {}, {"LNK007"}),
    "a with no href": ("<a>nothing</a>", {}, {"LNK007"}),
    "a with a name is a target, not a link": ('<a name="old-anchor"></a><p>Text.</p>', {}, set()),
    "a with an id is a target, not a link": ('<a id="old-anchor"></a><p>Text.</p>', {}, set()),
    # Names: a nameless link is reported, and where it goes is still checked
    "no text, target fine": ('<a href="../other/"></a>', OTHER, {"LNK005"}),
    "no text, target missing": ('<a href="../missing/"></a>', OTHER, {"LNK005", "LNK001"}),
    "named by aria-label": ('<a href="../other/" aria-label="Other page"><svg></svg></a>', OTHER, set()),
    "named by an image's alt": ('<a href="../other/"><img src="../img/a.svg" alt="Other page"></a>', OTHER, {"IMG003"}),
    # mailto: and tel:
    "mailto with an address": ('<a href="mailto:editorial@example.org">e-mail us</a>', {}, set()),
    "mailto with a subject": ('<a href="mailto:editorial@example.org?subject=A%20question">e-mail us</a>', {}, set()),
    "mailto with two addresses": ('<a href="mailto:a@example.org,b@example.org">e-mail us</a>', {}, set()),
    "empty mailto": ('<a href="mailto:">e-mail us</a>', {}, {"LNK004"}),
    "mailto with no domain": ('<a href="mailto:editors">e-mail us</a>', {}, {"LNK004"}),
    "tel with a number": ('<a href="tel:+44%2020%207946%200000">call</a>', {}, set()),
    "empty tel": ('<a href="tel:">call</a>', {}, {"LNK004"}),
    "tel with letters": ('<a href="tel:call-us">call</a>', {}, {"LNK004"}),
    # Schemes
    "https in capitals": ('<a href="HTTPS://example.org/">site</a>', {}, set()),
    "http (site policy: https only, LNK003)": ('<a href="http://example.org/">site</a>', {}, {"LNK003"}),
    "protocol-relative (site policy: say https)": ('<a href="//example.org/">site</a>', {}, {"LNK004"}),
    "https with no host": ('<a href="https:///ms">site</a>', {}, {"LNK004"}),
    # Images in the content
    "image that exists": ('<figure><img src="../img/a.svg" alt="A drawing"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {}, set()),
    "missing image": ('<figure><img src="../img/none.svg" alt="A drawing"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {}, {"IMG001"}),
    "empty src (Markdown ![alt]())": ('<figure><img src="" alt="A drawing"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {}, {"IMG001"}),
    "img with no src": ('<figure><img alt="A drawing"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {}, {"IMG001"}),
    "empty alt (site policy: every content image is described)": ('<figure><img src="../img/a.svg" alt=""><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {}, {"IMG002"}),
    "image from another host (site policy: no third-party requests)": ('<img src="https://images.example/a.png" alt="A drawing">', {}, {"IMG005"}),
    "data: image": ('<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot"><figcaption>Drawing: us. Licence: CC0.</figcaption></figure>', {}, set()),
}


def _codes(found) -> set[str]:
    return {d.code for d in found if d.code.startswith(LINK_CODES) and d.path == "site/page/index.html"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_peer_fixture(tmp_path, name):
    article, extra, expected = CASES[name]
    found = diagnose(tmp_path, site_files(article, extra), site=True)
    assert _codes(found) == expected, [d.text() for d in found if d.code.startswith(LINK_CODES)]


def _page_with_theme(logo: str, favicon: str) -> str:
    page = html("<p>Text.</p>")
    head = f'<link rel="icon" href="{favicon}">'
    header = f'<header><a href="../"><img src="{logo}" alt="Home"></a></header>'
    return page.replace("<head>", "<head>" + head).replace("<body>", "<body>" + header)


MKDOCS_WITH_LOGO = "site_name: Fixture\ndocs_dir: docs\ntheme:\n  name: material\n  logo: assets/lgo.svg\n  favicon: assets/favicon.svg\n"


def test_a_missing_theme_logo_is_reported_once_at_its_setting(tmp_path):
    files = site_files("<p>Text.</p>", {})
    files["mkdocs.yml"] = MKDOCS_WITH_LOGO
    files["site/page/index.html"] = _page_with_theme("../assets/lgo.svg", "../assets/favicon.svg")
    files["site/other/index.html"] = _page_with_theme("../assets/lgo.svg", "../assets/favicon.svg")
    files["site/assets/favicon.svg"] = "<svg/>"
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code == "IMG001"]
    assert [(d.code, d.source.path, d.source.line) for d in found] == [("IMG001", "mkdocs.yml", 5)], [d.text() for d in found]
    assert "lgo.svg" in found[0].message


def test_a_present_theme_logo_and_favicon_pass(tmp_path):
    files = site_files("<p>Text.</p>", {})
    files["mkdocs.yml"] = MKDOCS_WITH_LOGO.replace("lgo.svg", "logo.svg")
    files["site/page/index.html"] = _page_with_theme("../assets/logo.svg", "../assets/favicon.svg")
    files["site/assets/logo.svg"] = "<svg/>"
    files["site/assets/favicon.svg"] = "<svg/>"
    assert not [d.text() for d in diagnose(tmp_path, files, site=True) if d.code == "IMG001"]


def test_a_missing_favicon_is_reported(tmp_path):
    files = site_files("<p>Text.</p>", {})
    files["site/page/index.html"] = _page_with_theme("../img/a.svg", "../assets/favicon.svg")
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code == "IMG001"]
    assert [d.target for d in found] == ["../assets/favicon.svg"]


def test_an_empty_link_is_located_in_the_markdown(tmp_path):
    from test_gate import page

    files = site_files('<a href="">the leaflet</a>', {})
    files["docs/page.md"] = page("\nRead [the leaflet]() before you go.\n", sources="")
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code == "LNK007"]
    assert [(d.source.path, d.source.line) for d in found] == [("docs/page.md", files["docs/page.md"].splitlines().index("Read [the leaflet]() before you go.") + 1)]


def test_mkdocs_warning_about_top_is_not_a_broken_anchor(tmp_path):
    from medsite.build.engine_log import explain

    def fallback(first):
        raise AssertionError(f"'#top' reached the generic handling: {first}")

    top = "Doc file 'page.md' contains a link '#top', but the doc 'page.md' does not contain an anchor '#top'."
    assert explain(top, "docs", tmp_path, fallback) == []
    gone = top.replace("#top", "#gone")
    with pytest.raises(AssertionError, match="#gone"):
        explain(gone, "docs", tmp_path, fallback)


def test_the_themes_own_link_to_the_page_itself_may_be_empty(tmp_path):
    # Zensical's logo and menu link the home page to itself with href="": the theme's choice, not an editor's.
    files = site_files("<p>Text.</p>", {})
    files["site/page/index.html"] = files["site/page/index.html"].replace(
        "<body>", '<body><header><a href="" aria-label="Home">Home</a></header>')
    assert not [d.text() for d in diagnose(tmp_path, files, site=True) if d.code == "LNK007"]
    files["site/page/index.html"] = files["site/page/index.html"].replace("<p>Text.</p>", '<p><a href="">x</a></p>')
    assert [d.code for d in diagnose(tmp_path, files, site=True) if d.code == "LNK007"] == ["LNK007"]
