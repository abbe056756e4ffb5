"""Each rule's documented example (GATE-CODES.md) is what the gate really does: `bad` is reported, `good` passes."""

from __future__ import annotations

import pytest

from medsite.gate import rules
from test_gate import BODY, diagnose, page

EXAMPLES = sorted(code for code, rule in rules.ALL_RULES.items() if rule.bad)


def codes_on_the_page(tmp_path, example: str) -> set[str]:
    # The example is appended to a fixture page that passes every rule on its own.
    found = diagnose(tmp_path, {"docs/page.md": page(BODY + "\n" + example + "\n"), "docs/nerve.png": b"\x89PNG\r\n"})
    return {d.code for d in found if d.path == "docs/page.md"}


def test_examples_exist_and_come_in_pairs():
    assert len(EXAMPLES) >= 10
    assert all(rules.ALL_RULES[code].good for code in EXAMPLES)


@pytest.mark.parametrize("code", EXAMPLES)
def test_the_bad_example_is_reported(tmp_path, code):
    assert code in codes_on_the_page(tmp_path, rules.ALL_RULES[code].bad)


@pytest.mark.parametrize("code", EXAMPLES)
def test_the_good_example_passes(tmp_path, code):
    assert code not in codes_on_the_page(tmp_path, rules.ALL_RULES[code].good)


def test_the_fixture_page_alone_passes(tmp_path):
    # Otherwise a good example could "pass" only because the page already failed in some other way.
    assert codes_on_the_page(tmp_path, "") == set()
