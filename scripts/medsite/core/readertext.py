"""Text as a reader sees it: the one place where text is normalised before any wording or number check.

An editor (or a pasted paragraph) can hide a word from a plain text search while the browser shows it:
with `&#99;ure`, `cu&shy;re` or a zero-width space; with compatibility forms (full-width letters,
ligatures); with letters of another script that look Latin ("m\u0456racle" with a Cyrillic i); or with
a right-to-left override that draws "elcarim" as "miracle". `reader_text` undoes each, in that order:
character references decoded, right-to-left overrides drawn as the browser draws them, invisible
characters removed, NFKC, confusable letters folded to the Latin letters they look like (Unicode's
confusables list, through the `confusable-homoglyphs` package). The checks that read Markdown pages,
built pages, static files and the search index all read text through it.

Bidirectional controls have no place in an English site's text: `bidi_controls` names them, and the
gate refuses them (EVID020, medsite.gate.checks.textfiles), because a reviewer reading the source
sees another text than the reader.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import categories, confusables

# Characters a browser draws as nothing (or only as a possible line-break hyphen):
# soft hyphen, zero-width space/non-joiner/joiner, word joiner and other invisible
# operators, BOM, Mongolian vowel separator, and the bidirectional controls.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069),
# the left-to-right and right-to-left marks (U+200E, U+200F) and the Arabic letter mark (U+061C).
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
BIDI_NAMES = {
    c: unicodedata.name(c) for c in map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])
}
# A right-to-left override draws what follows backwards, up to its pop (U+202C) or the end of the line.
_RTL_OVERRIDE = re.compile("\u202e([^\u202c\u202a\u202d\n]*)")
# A whole word with a letter outside ASCII: the only words folding can change (most are plain ASCII, and a
# call for each costs more than the rest of `reader_text`). Tried only where a word starts, so time stays linear.
_WORD = re.compile(r"(?<![^\W\d_])(?=[^\W\d_]*?[^\W\d_\x00-\x7f])[^\W\d_]+")


def bidi_controls(text: str) -> list[str]:
    """The names of the bidirectional controls in `text`, in order."""
    return [BIDI_NAMES[c] for c in BIDI.findall(text)]


@lru_cache(maxsize=4096)
def _latin_look_alike(char: str) -> str | None:
    """The Latin letter `char` is drawn like, if it is a letter of another script and Unicode lists one."""
    if char.isascii() or categories.alias(char) in ("LATIN", "COMMON"):
        return None
    for glyph in confusables.confusables_data.get(char) or ():
        c = glyph.get("c", "")
        if len(c) == 1 and c.isascii() and c.isalpha():
            return c
    return None


def _fold_word(m: re.Match) -> str:
    word = m.group(0)
    folded = [_latin_look_alike(c) for c in word]
    if all(f is None for f in folded):
        return word
    has_latin = any(c.isascii() for c in word)
    # A word of another script is folded only when every letter looks Latin ("сurе" all Cyrillic):
    # a Greek "β" or "μ" beside Latin words stays what it is.
    if has_latin or (len(word) > 1 and all(f is not None for f in folded)):
        return "".join(f or c for f, c in zip(folded, word, strict=True))
    return word


def fold_confusables(text: str) -> str:
    """Letters of other scripts that look Latin, inside words, as the Latin letters readers take them for."""
    return text if text.isascii() else _WORD.sub(_fold_word, text)


def reader_text(text: str, *, decode: bool = True) -> str:
    """Decode character references, draw right-to-left overrides, drop invisible characters, fold
    compatibility forms (NFKC: ligatures, full-width letters) and confusable letters.

    `decode=False` for text an HTML parser has already decoded.
    """
    if decode and "&" in text:
        text = html.unescape(text)
    if "\u202e" in text:
        text = _RTL_OVERRIDE.sub(lambda m: m.group(1)[::-1], text)
    text = INVISIBLE.sub("", text)
    return fold_confusables(unicodedata.normalize("NFKC", text))
