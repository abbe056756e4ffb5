"""One reading of Markdown's structure (medsite.markdown.structure) for the citation step and the gate alike.

Each case is one where two scanners used to disagree: code spans of two backticks around a
single one, headings, footnotes and snippet lines inside code.
"""

from __future__ import annotations

from medsite.markdown import citations, structure
from test_gate import TREATMENT_SECTIONS, diagnose, line_of, page

# A code span opened by two backticks may hold a single one; everything inside is code.
DOUBLE_TICK = "Write ``a ` [@nosuchkey] [^note] ` b`` in the page.\n"


def codes(diagnostics, code):
    return [(d.code, d.path, d.line) for d in diagnostics if d.code == code]


def test_double_backtick_span_is_one_code_span():
    span = structure.code_spans(DOUBLE_TICK)
    start = DOUBLE_TICK.index("``")
    end = DOUBLE_TICK.rindex("``") + 2
    assert span.ranges == [(start, end)]


def test_citation_in_a_double_backtick_span_is_left_alone_by_both():
    assert citations.find(DOUBLE_TICK) == []
    found = diagnose_body(DOUBLE_TICK)
    assert [d for d in found if d.target == "nosuchkey"] == []


def test_near_miss_citation_outside_code_is_seen_by_both(tmp_path):
    text = "Write ``a ` b`` here [@nosuchkey].\n"
    assert [[c.key for c in g.cites] for g in citations.find(text)] == [["nosuchkey"]]
    found = diagnose(tmp_path, {"docs/page.md": page(text, sources="")})
    assert any(d.target == "nosuchkey" and d.path == "docs/page.md" for d in found)


def test_footnote_reference_in_a_code_span_is_not_a_reference(tmp_path):
    body = DOUBLE_TICK + "\n[^note]: An author's note.\n"
    text = page(body, sources="")
    found = diagnose(tmp_path, {"docs/page.md": text})
    # The gate: the only reference is code, so the definition is unused.
    assert codes(found, "FN002") == [("FN002", "docs/page.md", line_of(text, "[^note]: An"))]
    # The citation step agrees: a definition nobody references keeps its place at the end.
    assert citations.order_definitions(body).rstrip().endswith("[^note]: An author's note.")


def test_footnote_reference_outside_code_near_miss(tmp_path):
    body = "A claim.[^note]\n\n" + DOUBLE_TICK + "\n[^note]: An author's note.\n"
    found = diagnose(tmp_path, {"docs/page.md": page(body, sources="")})
    assert codes(found, "FN001") == [] and codes(found, "FN002") == []


def test_heading_inside_a_fence_is_not_a_section(tmp_path):
    fenced = TREATMENT_SECTIONS.replace("## Risks {#risks}\n", "```\n## Risks {#risks}\n```\n")
    text = page(fenced, page_type="treatment")
    found = diagnose(tmp_path, {"docs/treatments/x.md": text})
    assert [d.target for d in found if d.code == "META008" and d.path == "docs/treatments/x.md"] == ["risks"]
    near = diagnose(near_dir(tmp_path), {"docs/treatments/x.md": page(TREATMENT_SECTIONS, page_type="treatment")})
    assert [d for d in near if d.code == "META008" and d.path == "docs/treatments/x.md"] == []


def test_snippet_line_inside_a_fence_is_an_include_unless_escaped(tmp_path):
    # pymdownx.snippets runs before code blocks are found, so it pastes a file in even inside a fence
    # (and stops the build when the file is missing); `;--8<--` shows the line as text.
    fenced = page(body_with('```text\n--8<-- "missing.md"\n```\n'))
    assert codes(diagnose(tmp_path, {"docs/page.md": fenced}), "META010") == [
        ("META010", "docs/page.md", line_of(fenced, '--8<-- "missing.md"'))]
    shown = page(body_with('```text\n;--8<-- "missing.md"\n```\n'))
    assert codes(diagnose(near_dir(tmp_path), {"docs/page.md": shown}), "META010") == []


def test_heading_pattern_reads_the_id_and_the_text():
    m = structure.HEADING.match("## Is it approved? {#regulatory-status}")
    assert (m.group(1), m.group(2), m.group(3)) == ("##", "Is it approved?", "regulatory-status")
    assert structure.HEADING.match("#hashtag") is None


def body_with(extra: str) -> str:
    return "\nMS affects the brain [@smith2020]. Some people get better [@jones2021].\n\n" + extra


def diagnose_body(body: str):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        return diagnose(Path(tmp), {"docs/page.md": page(body, sources="")})


def near_dir(tmp_path):
    path = tmp_path / "near"
    path.mkdir(exist_ok=True)
    return path

