"""Values quoted by a report, escaped for the format the report is read in, so no value can forge it.

A diagnostic quotes what it found: a file name, a heading, a URL, a word from a page. In a report
those are data, never markup: a newline in a message must not start a "## Gate: passed" heading,
a backtick in a file name must not close a code span and add a link or an @mention, `::` must not
start a workflow command. One function per format:

- `one_line`: every kind of line break shown as ⏎ (a report line stays one line);
- `markdown_text`: prose in GitHub-flavoured Markdown (the job summary, the pull-request comment):
  every character Markdown or HTML would act on is backslash-escaped, and @mentions are broken with
  an invisible space, so GitHub neither links nor notifies anyone;
- `markdown_code`: a value shown as code (a file and line), fenced with more backticks than it holds;
- `workflow_data`, `workflow_property`: GitHub Actions workflow commands (`::error file=..::msg`),
  escaped as GitHub documents (%, CR and LF; in properties also `:` and `,`).
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# ASCII punctuation that GitHub's Markdown would act on inside a line: emphasis (* _ ~), code (`),
# links and images ([ ] ( ) !), tables (|), headings (#), HTML and character references (< > &),
# autolinks (: .), math ($), attribute-like braces ({ }), and the escape itself; CommonMark lets any
# ASCII punctuation be backslash-escaped. (Quotes, '-' and '+' act only at a line's start or inside
# links and tags, which cannot form.)
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]<>()#!|~&:.$])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")  # @user, @org/team
ZERO_WIDTH_SPACE = "\u200b"


def one_line(value) -> str:
    """The value on one line: line breaks shown as ⏎, other control characters dropped."""
    return _CONTROL.sub("", _LINE_BREAK.sub(" ⏎ ", str(value)))


def markdown_text(value) -> str:
    """Prose that renders as exactly these characters in GitHub-flavoured Markdown (tables included)."""
    return _MENTION.sub("@" + ZERO_WIDTH_SPACE, _MARKDOWN_ACTIVE.sub(r"\\\1", one_line(value)))


def markdown_code(value, *, in_table: bool = False) -> str:
    """The value as one inline code span: nothing in it is Markdown, HTML, a link or a mention.

    The fence is one backtick longer than the longest run in the value; a value that starts or ends
    with a backtick or a space gets a space inside each end (CommonMark strips one). In a table
    GitHub splits cells at `|` even inside code: escaped."""
    text = one_line(value)
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    if in_table:
        text = text.replace("|", "\\|")
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def workflow_data(value) -> str:
    """The message of a workflow command: %, CR and LF escaped (GitHub's documented encoding)."""
    return str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(value) -> str:
    """A property value of a workflow command (file=, title=): also `:` and `,` escaped."""
    return workflow_data(value).replace(":", "%3A").replace(",", "%2C")
