"""`make new-page` adds its nav line where YAML itself says the section ends, keeping everything else as written."""

from __future__ import annotations

import yaml

from medsite.tools.newpage import add_to_nav

NAV = """\
site_name: Test  # a comment: with a colon
nav:
  - Home: index.md
  - About MS:
      - "What is MS? # not a comment": about-ms/what-is-ms.md
      # A comment inside the section
      - More:
          - Deeper: about-ms/deeper.md
  - Treatments:  # the next section
      - Current: treatments/current.md
theme:
  name: material
"""


def test_a_page_goes_after_the_sections_last_item_even_when_that_is_a_subsection():
    new = add_to_nav(NAV, "About MS", "New page", "about-ms/new.md")
    added = [line for line in new.splitlines() if line not in NAV.splitlines()]
    assert added == ["      - New page: about-ms/new.md"]
    assert new.splitlines().index(added[0]) == NAV.splitlines().index("  - Treatments:  # the next section")
    about = yaml.safe_load(new)["nav"][1]["About MS"]
    assert about[-1] == {"New page": "about-ms/new.md"}
    assert "# A comment inside the section" in new and "# a comment: with a colon" in new


def test_a_listed_page_or_an_empty_section_near_misses():
    assert add_to_nav(NAV, "About MS", "Again", "about-ms/deeper.md") == NAV  # already listed, deep down
    empty = NAV.replace("  - Treatments:  # the next section\n      - Current: treatments/current.md\n",
                        "  - Treatments:\n")
    new = add_to_nav(empty, "Treatments", "First", "treatments/first.md")
    assert yaml.safe_load(new)["nav"][2] == {"Treatments": [{"First": "treatments/first.md"}]}
