"""The review interval rules live in one place (pagemeta) and the gate enforces all of them."""

from __future__ import annotations

from test_gate import diagnose, line_of, page


def codes(diagnostics, code):
    return [(d.code, d.path, d.line) for d in diagnostics if d.code == code]


def test_stem_cell_pages_are_reviewed_yearly_whatever_their_type(tmp_path):
    # The editorial policy's rule, enforced by the gate (META004) and not only by `make new-page`.
    text = page(due="2028-11-25")  # a condition page: 36 months allowed elsewhere, 12 in stem-cells/
    found = diagnose(tmp_path, {"docs/stem-cells/x.md": text})
    assert codes(found, "META004") == [("META004", "docs/stem-cells/x.md", line_of(text, "next_review_due"))]
    (tmp_path / "near").mkdir()
    assert codes(diagnose(tmp_path / "near", {"docs/about-ms/x.md": text}), "META004") == []
