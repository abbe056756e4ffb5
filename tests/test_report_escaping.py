"""Reports that cannot be forged: a value a diagnostic quotes is shown, never obeyed, in each format.

The hostile value has a newline that would start a "## Gate: passed" heading, a backtick that would
close the file name's code span, a Markdown link, an @mention, `</style>` and a script, and `::`
that would start a workflow command. Each format is rendered the way its reader renders it
(GitHub-flavoured Markdown by markdown-it-py with tables and HTML on, HTML by lexbor, workflow
commands by GitHub's documented decoding) and what the reader sees is checked.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

from medsite.core.diagnostics import Diagnostic, Severity
from medsite.core.report_escape import ZERO_WIDTH_SPACE, markdown_code, markdown_text, one_line
from medsite.gate import formatters
from medsite.tools.review import comment, pr_preview

FORGED = ("the value 'x\n\n## Gate: passed\n\nAll good [click here](https://evil.example/) @octocat "
          "`code` </style><script>alert(1)</script>\n::error file=mkdocs.yml::forged | cell *bold* <b>b</b>'")
FILE = "docs/a`b [x](https://evil.example/) @octocat.md"
HINT = "remove it\n## Approved by @maintainer"


def hostile() -> list[Diagnostic]:
    return [Diagnostic("LNK004", FORGED, FILE, 3, hint=HINT),
            Diagnostic("REF007", "never cited\r\n::warning::forged", "docs/references.yaml", 9,
                       severity=Severity.WARNING)]


def markdown_html(text: str) -> LexborHTMLParser:
    """Markdown as GitHub renders it, near enough: CommonMark, tables, raw HTML allowed."""
    return LexborHTMLParser(MarkdownIt("commonmark", {"html": True}).enable("table").render(text))


def assert_shown_not_obeyed(tree: LexborHTMLParser, headings: list[str]) -> None:
    assert [h.text() for h in tree.css("h1, h2, h3, h4")] == headings
    assert tree.css("script") == [] and tree.css("b") == [] and tree.css("strong em, td em, li em") == []
    assert [a.attributes.get("href") for a in tree.css("a")] == []  # no link at all
    text = tree.body.text()
    copy = LexborHTMLParser(tree.html)
    for code in copy.css("code"):  # GitHub never makes a mention or a link inside code
        code.decompose()
    outside_code = copy.body.text()
    assert "@octocat" not in outside_code and "@maintainer" not in outside_code  # an invisible space after the @
    assert f"@{ZERO_WIDTH_SPACE}octocat" in outside_code
    assert "[click here](https://evil.example/)" in text  # shown as written
    assert "</style><script>alert(1)</script>" in text
    assert "::error file=mkdocs.yml::forged" in text


def test_one_line_shows_every_line_break():
    assert one_line("a\nb\r\nc\rd\u2028e\x00f") == "a ⏎ b ⏎ c ⏎ d ⏎ ef"


def test_a_code_span_is_fenced_longer_than_any_backtick_run_in_it():
    assert markdown_code("a`b``c") == "```a`b``c```"
    assert markdown_code("`a") == "`` `a ``"
    tree = markdown_html(f"x {markdown_code(FILE)} y")
    assert [c.text() for c in tree.css("code")] == [FILE]


def test_markdown_text_renders_as_exactly_its_characters():
    tree = markdown_html("Said: " + markdown_text(FORGED.replace("\n", " ")))
    shown = tree.body.text().strip().replace(ZERO_WIDTH_SPACE, "")
    assert shown == "Said: " + FORGED.replace("\n", " ")


def test_the_job_summary_shows_hostile_values_without_obeying_them():
    summary = formatters.summary(hostile())
    tree = markdown_html(summary)
    assert_shown_not_obeyed(tree, ["Gate: failed"])
    rows = tree.css("table")[1].css("tbody tr")
    assert len(rows) == 2 and all(len(r.css("td")) == 3 for r in rows)  # no cell split off by a '|'
    assert rows[0].css_first("td code").text() == f"{FILE}:3"


def test_the_pull_request_comment_shows_hostile_values_without_obeying_them():
    body = comment.render(hostile(), preview_url=None, run_url=None)
    tree = markdown_html(body)
    assert_shown_not_obeyed(tree, ["Checks failed: 1 error(s), 1 warning(s). Not published", "Errors"])
    [error] = tree.css("ul")[0].css("li")
    assert error.css_first("code").text() == f"{FILE}:3"  # the backtick stayed inside the file name
    assert error.css_first("strong").text() == "LNK004"
    assert body.count("\n## ") == 1 and "\n## Approved" not in body


def unescape_workflow(value: str) -> str:
    """GitHub's decoding of a workflow command's message or property value."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, char)
    return value


def test_github_annotations_are_one_command_each_with_every_value_escaped():
    out = formatters.github(hostile()).splitlines()
    assert len(out) == 2 and all(line.startswith(("::error ", "::warning ")) for line in out)
    command, properties_and_message = out[0].split(" ", 1)
    properties, message = properties_and_message.split("::", 1)  # the first '::' ends the properties
    props = dict(p.split("=", 1) for p in properties.split(","))
    assert (unescape_workflow(props["file"]), props["line"], props["title"]) == (FILE, "3", "LNK004")
    assert unescape_workflow(message) == f"{FORGED}. Fix: {HINT} (see GATE-CODES.md#lnk004)"
    assert ":" not in props["file"] and "," not in props["file"]


@pytest.mark.parametrize("css_end", ["</style>", "</STYLE>", "</Style >", "</style/"])
def test_the_preview_keeps_inlined_css_inside_its_style_element(css_end):
    css = f"a {{ color: red }} /* {css_end}<script>alert(1)</script><img src=x onerror=alert(2)> */"
    page = ("page-x", "A title </title><script>alert(3)</script>", "<p>Article</p>", hostile()[:1])
    html = pr_preview.render([page], number=7, passed=False, css=css)
    tree = LexborHTMLParser(html)
    assert tree.css("script") == [] and tree.css("img") == []
    [style] = tree.css("style")
    assert "alert(1)" in style.text() and "color: red" in style.text()
    problems = tree.css_first(".medsite-preview-problems li")  # the box `make serve` shows
    assert problems.css_first("code").text() == f"{FILE}:3"
    assert "</style><script>alert(1)</script>" in problems.text()
