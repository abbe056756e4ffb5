"""Text as a reader sees it: character references decoded, invisible characters removed.

An editor (or a pasted paragraph) can hide a word from a plain text search
with `&#99;ure`, `cu&shy;re` or a zero-width space, while the browser shows
"cure". The evidence checks read text through `reader_text` so they see what
readers see.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Characters a browser draws as nothing (or only as a possible line-break hyphen):
# soft hyphen, zero-width space/non-joiner/joiner, word joiner and other invisible
# operators, BOM, Mongolian vowel separator, and the bidirectional controls.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def reader_text(text: str, *, decode: bool = True) -> str:
    """Decode character references, drop invisible characters, fold compatibility forms (NFKC: ligatures, full-width letters).

    `decode=False` for text an HTML parser has already decoded.
    """
    if decode and "&" in text:
        text = html.unescape(text)
    text = INVISIBLE.sub("", text)
    return unicodedata.normalize("NFKC", text)
