"""Read one stylesheet as a browser does (tinycss2) and say which rules could hide or rewrite the furniture.

The furniture is what every page must show readers whatever its content: the review block and the
conflict-of-interest disclosure (overrides/partials/health-footer.html), the treatment disclaimer,
key messages and medical-help callouts, the clinic's offer-facts panel
(medsite.markdown.extensions.furniture, medsite.sources.offer_facts) and the footer's copyright line,
which says who publishes the site. A rule "targets" the furniture when its selector names one of
those classes, selects by the class or label attribute, or names nothing that keeps it away from
them (`p`, `.md-typeset aside`, `:last-child`: the classes of the page frame around the furniture do
not). Such a rule may style the furniture, never hide, move, cover or rewrite it.

Pure: text in, findings out (medsite.gate.checks.stylesheets reports them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tinycss2

from medsite.core.rule import ERROR, Rule, declare

# The codes this module finds (medsite.gate.checks.stylesheets reports them at file:line).
RULES = declare(
    Rule("CSS001", ERROR,
         what="A stylesheet under docs/ does not parse (a block never closed, a stray brace, a broken rule).",
         why="A browser recovers in its own way: the rules after the fault apply to other elements than their author meant, or not at all.",
         fix="Correct the stylesheet at the line shown (close the block, remove the stray character).",
         where="docs/assets/site.css",
         bad=".note {\n  color: #303fa1;\n",
         good=".note {\n  color: #303fa1;\n}\n"),
    Rule("CSS002", ERROR,
         what="A stylesheet rule can select the site's furniture (review block, disclosure, disclaimer, key messages, offer facts, copyright line) and hides, moves, covers or rewrites it (display, visibility, content, opacity, position, transform, clip, font-size 0, height 0, overflow hidden, color equal to its background...).",
         why="Every page must show readers who reviewed it and that the publisher sells the treatments it describes; a stylesheet must not hide that or draw other words over it.",
         fix="Style the furniture with colours, borders and spacing only; a change to what it shows belongs in overrides/, reviewed by a maintainer.",
         where="docs/assets/site.css",
         bad=".health-footer__disclosure { display: none; }",
         good=".health-footer__disclosure { border-top: 1px solid #303fa1; }"),
)

# The furniture's own classes (and every BEM child of the review block: health-footer__*).
FURNITURE_CLASSES = frozenset({
    "health-footer", "disclaimer", "key-messages", "medical-help", "offer-facts", "offer-facts-status",
    "offer-facts-missing", "md-copyright", "md-copyright__highlight",
})
FURNITURE_PREFIXES = ("health-footer__",)
# Classes of the page frame the furniture sits in: a selector restricted by these alone still reaches it.
FRAME_CLASSES = frozenset({"md-container", "md-main", "md-main__inner", "md-grid", "md-content", "md-content__inner",
                           "md-typeset", "admonition", "admonition-title"})
# Attributes that select the furniture as well as a class does.
SELECTING_ATTRS = frozenset({"class", "id", "aria-label", "role", "data-pagefind-body"})

# Properties that hide, move, cover or rewrite an element, whatever their value.
HIDING = frozenset({"display", "visibility", "content", "opacity", "position", "inset", "inset-block", "inset-inline",
                    "inset-block-start", "inset-block-end", "inset-inline-start", "inset-inline-end", "top", "right",
                    "bottom", "left", "transform", "translate", "scale", "rotate", "clip", "clip-path", "filter",
                    "z-index"})
# Properties that hide with some values only.
ZERO_HIDES = frozenset({"font-size", "height", "max-height", "width", "max-width", "line-height"})
OVERFLOW = frozenset({"overflow", "overflow-x", "overflow-y", "overflow-block", "overflow-inline"})
_ZERO = re.compile(r"^[+-]?0*\.?0+(?:[a-z%]+)?$", re.I)


@dataclass(frozen=True)
class CssFinding:
    code: str  # CSS001: does not parse; CSS002: a rule changes the furniture
    line: int
    message: str


def _strip(text: str) -> str:
    """The text with comments and strings blanked (newlines kept), so braces can be counted."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"/\*.*?(?:\*/|$)|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?", blank, text, flags=re.S)


def _unbalanced(text: str) -> Iterator[CssFinding]:
    """A block never closed, or a brace closing nothing: the browser reads the rest of the file differently."""
    stack: list[int] = []
    line = 1
    for ch in _strip(text):
        if ch == "\n":
            line += 1
        elif ch == "{":
            stack.append(line)
        elif ch == "}":
            if not stack:
                yield CssFinding("CSS001", line, "'}' closes no block")
            else:
                stack.pop()
    for opened in stack[:1]:
        yield CssFinding("CSS001", opened, "this block is never closed: every rule after it is read as part of it")


def _compound_parts(tokens) -> tuple[set[str], set[str], bool]:
    """(classes required, attributes selected on, whether an id is required) of selector tokens, outside :not()."""
    classes, attrs, has_id = set(), set(), False
    previous = None
    for token in tokens:
        kind = token.type
        if kind == "ident" and previous is not None and previous.type == "literal" and previous.value == ".":
            classes.add(token.value)
        elif kind == "hash" and token.is_identifier:
            has_id = True
        elif kind == "[] block":
            name = next((t.value.lower() for t in token.content if t.type == "ident"), "")
            attrs.add(name)
        elif kind == "function" and token.lower_name != "not":
            inner_classes, inner_attrs, _ = _compound_parts(token.arguments)
            if token.lower_name in ("has", "is", "where", "matches", "-webkit-any", "nth-child", "nth-last-child"):
                attrs |= inner_attrs
                # :is(.a, .b) requires one of them; names of the furniture inside count as naming it
                classes |= {c for c in inner_classes if _is_furniture(c)}
        if kind not in ("whitespace", "comment"):
            previous = token
    return classes, attrs, has_id


def _is_furniture(name: str) -> bool:
    return name in FURNITURE_CLASSES or name.startswith(FURNITURE_PREFIXES)


def targets_furniture(selector_tokens) -> bool:
    """Whether one selector (no commas) may select the furniture or an element inside it."""
    classes, attrs, has_id = _compound_parts(selector_tokens)
    if any(_is_furniture(c) for c in classes) or attrs & SELECTING_ATTRS:
        return True
    return not has_id and classes <= FRAME_CLASSES


def _selectors(prelude) -> list[list]:
    out, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            out.append(current)
            current = []
        else:
            current.append(token)
    out.append(current)
    return [s for s in out if any(t.type not in ("whitespace", "comment") for t in s)]


def _value(declaration) -> str:
    return tinycss2.serialize(declaration.value).strip().lower()


def _hides_alone(name: str, value: str) -> bool:
    first = value.replace("!important", "").strip()
    return (name in HIDING
            or (name in ZERO_HIDES and bool(_ZERO.match(first)))
            or (name in OVERFLOW and first.split()[:1] in (["hidden"], ["clip"]))
            or (name == "color" and first.startswith("transparent")))


def _hides(declarations) -> list[str]:
    """The declarations of one rule that hide, move, cover or rewrite what they apply to."""
    found, values = [], {}
    for d in declarations:
        name, value = d.lower_name, _value(d)
        values[name] = value
        if _hides_alone(name, value):
            found.append(f"{name}: {value}")
    colour = values.get("color")
    background = values.get("background-color") or values.get("background")
    if colour and background and colour == background:
        found.append(f"color: {colour} on background {background}")
    return found


def _rules(rules, parents: tuple = ()) -> Iterator[CssFinding]:
    for rule in rules:
        if rule.type == "error":
            yield CssFinding("CSS001", rule.source_line, f"does not parse: {rule.message}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in (
                "media", "supports", "layer", "container", "document", "scope", "starting-style"):
            yield from _rules(tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True),
                              parents)
        elif rule.type == "qualified-rule":
            items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            selectors = [parents_sel + [tinycss2.ast.WhitespaceToken(0, 0, " ")] + own
                         for own in _selectors(rule.prelude) for parents_sel in (parents or ([],))]
            declarations = [i for i in items if i.type == "declaration"]
            for item in items:
                if item.type == "error":
                    yield CssFinding("CSS001", item.source_line, f"does not parse: {item.message}")
            hiding = _hides(declarations)
            targeted = [s for s in selectors if targets_furniture(s)]
            if hiding and targeted:
                shown = tinycss2.serialize(targeted[0]).strip()
                yield CssFinding("CSS002", rule.source_line,
                                 f"'{shown[:80]}' can select the site's furniture (review block, disclosure, disclaimer, "
                                 f"key messages, offer facts) and sets {', '.join(hiding[:3])}")
            nested = [i for i in items if i.type == "qualified-rule" or i.type == "at-rule"]
            if nested:  # CSS nesting: the inner rules apply inside the outer selector
                yield from _rules(nested, tuple(selectors))


def check(text: str) -> list[CssFinding]:
    """Findings for one stylesheet, by line."""
    found = list(_unbalanced(text))
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    found += list(_rules(rules))
    return sorted(set(found), key=lambda f: (f.line, f.code, f.message))
