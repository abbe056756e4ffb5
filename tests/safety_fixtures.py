"""Small fixture sites for the output-safety tests: the real theme, overrides and hooks, a few pages.

A fixture site is built by the same command as `make site` (medsite.tools.make_site, gate included) or, for
the browser tests, by plain `mkdocs build`, which publishes even what the gate would refuse.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, without_required_parts

MKDOCS = """site_name: Fixture
site_url: https://fixture.example/
docs_dir: docs
copyright: {copyright}
theme:
  name: material
  custom_dir: overrides
  font: false
  features: [content.footnote.tooltips]
plugins: [search]
hooks: [scripts/mkdocs_hooks.py]
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables:
      use_align_attribute: true
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: [includes]
      check_paths: true
  - medsite.markdown.extensions.citations
  - medsite.markdown.extensions.furniture
extra:
  generator: false
  bibliography: docs/references.yaml
  csl_style: american-medical-association
  publisher:
    name: {publisher}
    url: https://fixture.example/
  editorial_team: []
"""

BIB = """- id: smith2020
  type: article-journal
  author: [{{family: Smith, given: AB}}]
  title: {title}
  container-title: J Neurol
  issued: {{date-parts: [[2020]]}}
  DOI: 10.1000/abc123
- id: doe2021
  type: webpage
  author: [{{literal: {author}}}]
  title: A web page about MS
  container-title: A health charity
  issued: {{date-parts: [[2021]]}}
  URL: {url}
"""

FRONT = """---
title: {title}
description: {description}
page_type: condition
last_reviewed: 2026-11-25
next_review_due: 2029-11-25
reviewed_by: ""
sources: [{sources}]
---
"""


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar holding exactly ``value``."""
    return json.dumps(value)


def page(body: str, *, title: str = "A page", description: str = "One sentence.", sources: str = "") -> str:
    return FRONT.format(title=yaml_str(title), description=yaml_str(description), sources=sources) + "\n" + body


def make_site(tmp: Path, files: dict[str, str | None], *, copyright: str = "Fixture clinic",
              publisher: str = "Fixture clinic", bib_title: str = "A study of MS",
              bib_author: str = "A health charity", bib_url: str = "https://charity.example/ms") -> Path:
    """A project folder: our theme overrides, hooks and gate settings, plus ``files``."""
    for part in ("overrides", "scripts"):
        shutil.copytree(ROOT / part, tmp / part, dirs_exist_ok=True)  # with the modules compiled once (conftest.py)
    # The real settings, except the parts each page type needs (PART001): the fixture pages are short notes.
    (tmp / "gate.yml").write_text(without_required_parts((ROOT / "gate.yml").read_text(encoding="utf-8")), encoding="utf-8")
    base = {
        "mkdocs.yml": MKDOCS.format(copyright=yaml_str(copyright), publisher=yaml_str(publisher)),
        "docs/references.yaml": BIB.format(title=yaml_str(bib_title), author=yaml_str(bib_author), url=yaml_str(bib_url)),
        "docs/index.md": page("Home page text.\n"),
        "docs/cite.md": page("Cited [@smith2020; @doe2021].\n", sources="smith2020, doe2021"),
    }
    base.update(files)
    for rel, content in base.items():
        if content is None:
            continue
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return tmp


def _env(root: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}


def gate_build(root: Path) -> tuple[int, list[dict]]:
    """`make site`'s build and gate on a fixture; (exit code, diagnostics as dicts)."""
    proc = subprocess.run([sys.executable, "-m", "medsite.tools.make_site", "--root", str(root), "--format", "json"],
                          cwd=root, env=_env(root), capture_output=True, text=True, timeout=300)
    out = proc.stdout.strip()
    start = out.find("[")
    return proc.returncode, (json.loads(out[start:]) if start != -1 else [])


def mkdocs_build(root: Path, dest: Path) -> Path:
    """Plain `mkdocs build` (not strict, no gate): what a reader would get if nothing refused it."""
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(dest)],
                   cwd=root, env=_env(root), capture_output=True, text=True, timeout=300, check=True)
    return dest


# --- An oracle independent of the gate's allowlist: does anything executable reach a browser? -----

_JS_TYPES = {"", "module", "text/javascript", "application/javascript", "application/ecmascript", "text/ecmascript"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}


def executable_bits(document: str, allowed_scripts: set[str]) -> list[str]:
    """Each thing in ``document`` that would run code or leave the page: a plain list of descriptions.

    Deliberately simple and separate from medsite.gate: script elements whose text is not one of
    ``allowed_scripts`` (the theme's, collected from a clean build), on* attributes, code-running URL
    schemes after the browser's decoding, refresh redirects, frames and plugins, <base>.
    """
    tree = LexborHTMLParser(document)
    found = []
    for node in tree.root.traverse(include_text=False):
        tag = (node.tag or "").lower()
        if tag.startswith(("-", "_", "!")):
            continue
        attrs = {str(k).lower(): v or "" for k, v in node.attributes.items()}
        before = len(found)
        if tag == "style" or (tag == "link" and re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", attrs.get("href", ""), re.I)
                              and attrs.get("rel", "").lower() not in {"canonical", "prev", "next", "alternate"}):
            found.append(f"<{tag}> loading from elsewhere")
        if tag == "script" and attrs.get("type", "").strip().lower() in _JS_TYPES:
            body = _same_base(node.text(deep=True).strip())
            bundle = (attrs.get("src", "").startswith(("assets/", "../assets/", "../../assets/", "/assets/"))
                      and attrs["src"].rsplit("/", 1)[-1].startswith("bundle."))
            if (attrs.get("src") or body not in allowed_scripts) and not bundle:
                found.append(f"script: {attrs.get('src') or body[:60]}")
        if tag in {"iframe", "frame", "object", "embed", "applet", "base", "portal"}:
            found.append(f"<{tag}>")
        if tag == "meta" and attrs.get("http-equiv", "").strip().lower() in {"refresh", "set-cookie"}:
            found.append(f"meta {attrs['http-equiv']}")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{name}= on <{tag}>")
            if name in _URL_ATTRS or name.endswith(":href"):
                url = re.sub(r"[\t\n\r]", "", html.unescape(value)).strip("".join(chr(i) for i in range(0x21)))
                if _BAD_SCHEME.match(url) and not (tag == "img" and url.lower().startswith("data:image/")):
                    found.append(f"{name}={url[:40]} on <{tag}>")
            if name == "srcdoc":
                found.append(f"srcdoc on <{tag}>")
        found[before:] = [f"{bit}: {node.html[:300]}" for bit in found[before:]]  # the markup, to tell vectors apart
    return found


def _same_base(script: str) -> str:
    """Material's first script names the page's relative base URL ('.', '..', '../..'): compare without it."""
    return re.sub(r'new URL\("[./]*",location\)', 'new URL(BASE,location)', script)


def theme_scripts(site: Path) -> set[str]:
    """Inline script texts of a clean fixture build: what the theme and our overrides ship."""
    texts = set()
    for path in site.rglob("*.html"):
        for node in LexborHTMLParser(path.read_text(encoding="utf-8")).css("script"):
            if not node.attributes.get("src"):
                texts.add(_same_base(node.text(deep=True).strip()))
    return texts


# --- Injection cases shared by the gate tests and the browser test -------------------------------

TEXT = "Text.\n\n"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)

# name -> (file, its text, code, the needle on the line the finding must name)
BAD = {
    "raw-html-block": ("docs/raw-block.md", page(TEXT + "<div>\n<p>Intro</p>\n<script>alert(1)</script>\n</div>\n"),
                       "SAFE004", "<script>"),
    "fence-that-is-not": ("docs/fence.md", page(TEXT + '```\n<img src="x.png" onerror="alert(1)">\n'), "SAFE005", "onerror"),
    "multi-line-tag": ("docs/multi-line.md", page(TEXT + '<img src="x.png"\n     onerror="alert(1)">\n'), "SAFE005", "onerror"),
    "attribute-list": ("docs/attr-list.md", page('A paragraph.\n{: onclick="alert(1)" }\n'), "SAFE005", "onclick"),
    "svg-onload": ("docs/svg-onload.md", page(TEXT + '<svg onload="alert(1)"><rect width="1" height="1"/></svg>\n'), "SAFE005", "onload"),
    "svg-script": ("docs/svg-script.md", page(TEXT + "<svg>\n<script>alert(1)</script>\n</svg>\n"), "SAFE004", "<script>"),
    "character-reference": ("docs/char-ref.md", page(TEXT + '<a href="&#106;avascript:alert(1)">a link</a>\n'), "SAFE006", "&#106;"),
    "meta-refresh": ("docs/meta.md", page(TEXT + '<meta http-equiv="refresh" content="0;url=https://evil.example/">\n'),
                     "SAFE004", "http-equiv"),
    "static-html": ("docs/static/evil.html", "<html><body><p>A page</p>\n<script>alert(1)</script></body></html>\n",
                    "SAFE004", "<script>"),
    "static-svg": ("docs/assets/evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"\n     onload="alert(1)"><rect width="1" height="1"/></svg>\n',
                   "SAFE005", "onload"),
    "static-svg-stylesheet": ("docs/assets/styled.svg", '<?xml-stylesheet href="x.xsl" type="text/xsl"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n',
                              "SAFE010", "xml-stylesheet"),
    "static-js": ("docs/assets/evil.js", "alert(1)\n", "SAFE008", "alert"),
    "markdown-extension": ("docs/other.markdown", page(TEXT + '<img src="x.png" onerror="alert(1)">\n'), "SAFE005", "onerror"),
    "include": ("includes/payload.md", '*[MS]: multiple sclerosis\n<img src="x.png" onerror="alert(1)">\n', "SAFE005", "onerror"),
    "embed-without-exception": ("docs/embed-other.md", page(TEXT + '<iframe src="https://www.youtube-nocookie.com/embed/other" title="Other"></iframe>\n'),
                                "SAFE004", "<iframe"),
}


def with_includes(files: dict) -> dict:
    """Paste each page-less snippet into a page of its own, as editors do with --8<--."""
    out = dict(files)
    for rel in [r for r in files if r.startswith("includes/")]:
        name = rel.split("/", 1)[1]
        out[f"docs/uses-{name}"] = page(TEXT + f'--8<-- "{name}"\n')
    return out


# Known vectors; {n} is the number that tells one placement from another.
VECTORS = [
    "<script>alert({n})</script>",
    "<ScRiPt>alert({n})</sCrIpT>",
    "<img src=x onerror=alert({n})>",
    "<IMG SRC=x OnErRoR=alert({n})>",
    "<svg onload=alert({n})>",
    "<svg><script>alert({n})</script></svg>",
    '<a href="javascript:alert({n})">x</a>',
    '<a href="&#x6A;avascript:alert({n})">x</a>',
    '<a href="&#106;&#97;vascript:alert({n})">x</a>',
    '<a href="java&#x09;script:alert({n})">x</a>',
    '<a href="JaVaScRiPt:alert({n})">x</a>',
    "[x](javascript:alert({n}))",
    '<a href="data:text/html,&lt;script&gt;alert({n})&lt;/script&gt;">x</a>',
    '<iframe srcdoc="&lt;script&gt;alert({n})&lt;/script&gt;"></iframe>',
    '<meta http-equiv="refresh" content="0;url=https://evil{n}.example/">',
    '<style>@import "https://evil{n}.example/x.css";</style>',
    '<base href="https://evil{n}.example/">',
    '<object data="javascript:alert({n})"></object>',
    '<math><mi xlink:href="javascript:alert({n})">x</mi></math>',
    '"><script>alert({n})</script>',
    "</script><script>alert({n})</script>",
    '{: onclick="alert({n})" }',
    'onmouseover="alert({n})" title="t{n}"',
]

# Where a vector goes: (file it lands in, how the site is made with it).
POSITIONS = {
    "body": "docs/body.md",
    "raw-block": "docs/block.md",
    "attr-list": "docs/attrs.md",
    "title": "docs/title.md",
    "description": "docs/description.md",
    "bib-title": "docs/references.yaml",
    "bib-author": "docs/references.yaml",
    "bib-url": "docs/references.yaml",
    "include": "includes/payload.md",
    "copyright": "mkdocs.yml",
    "extra": "mkdocs.yml",
}
NAMES = list(POSITIONS)


def vector_site(root: Path, placed: dict[str, str]) -> Path:
    files = {
        "docs/body.md": page(f"Text {placed['body']} more text.\n"),
        "docs/block.md": page(f"Text.\n\n<div>\n{placed['raw-block']}\n</div>\n"),
        "docs/attrs.md": page(f"A paragraph.\n{{: {placed['attr-list']} }}\n"),
        "docs/title.md": page("Text.\n", title=placed["title"]),
        "docs/description.md": page("Text.\n", description=placed["description"]),
        "includes/payload.md": f"{placed['include']}\n",
        "docs/snippet.md": page('Text.\n\n--8<-- "payload.md"\n'),
    }
    return make_site(root, files, copyright=placed["copyright"], publisher=placed["extra"], bib_title=placed["bib-title"],
                     bib_author=placed["bib-author"], bib_url=placed["bib-url"])
