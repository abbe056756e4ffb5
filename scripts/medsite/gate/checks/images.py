"""IMG: images are ours (no other host), exist, have alt text, a visible credit and licence, and fit the size budget."""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check
from medsite.gate.checks.links import resolve
from medsite.gate.checks.source_map import find_line, find_lines

# A figure as editors write one: the good example of each rule here, which the bad ones change.
_FIGURE = """\
<figure markdown>
![A nerve fibre wrapped in myelin](../assets/figures/myelin.svg)
<figcaption>How myelin covers a nerve fibre. Drawing: Zignagenix editorial team. Licence: CC BY 4.0.</figcaption>
</figure>"""

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("IMG001", ERROR,
         what="An image file does not exist, or an image has no address (`![alt]()`); also the theme's logo and icon.",
         why="Readers see a broken image: an empty address points back to the page itself, which is no picture.",
         fix="Fix the path or add the file under docs/assets/ (for the logo or favicon: theme.logo or theme.favicon in mkdocs.yml, a maintainer's file).",
         bad=_FIGURE.replace("myelin.svg", "myelin-2.svg"),
         good=_FIGURE),
    Rule("IMG002", ERROR,
         what="An image has no alt text.",
         why="Screen-reader users miss what it shows.",
         fix="Describe the image in the ![alt text](...) brackets.",
         bad=_FIGURE.replace("![A nerve fibre wrapped in myelin]", "![]"),
         good=_FIGURE),
    Rule("IMG003", ERROR,
         what="An image has no visible credit and licence.",
         why="We may only publish images we have the right to use.",
         fix="Put 'Credit/Drawing: ... Licence: ...' in the figure caption.",
         bad="![A nerve fibre wrapped in myelin](../assets/figures/myelin.svg)",
         good=_FIGURE),
    Rule("IMG004", ERROR,
         what="An image is larger than the size budget in gate.yml.",
         why="Large images slow pages on phones.",
         fix="Compress or resize it; prefer SVG for drawings.",
         where="gate.yml",
         bad="image_max_kb: 0",
         good="image_max_kb: 200"),
    Rule("IMG005", ERROR,
         what="An image is loaded from another site (http:, https: or //host).",
         why="Every reader's browser would fetch it from that host, telling a third party who reads which page; over http: it can also be swapped in transit.",
         fix="Save the image, with its credit and licence, under docs/assets/ and link to that file.",
         bad="![A nerve fibre wrapped in myelin](https://images.example/myelin.png)",
         good=_FIGURE),
)

CREDIT = re.compile(r"\b(?:credit|drawing|drawn by|photo|image|illustration|source)\b", re.I)
LICENCE = re.compile(r"\blicen[cs]e\b", re.I)
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http:, https:, protocol-relative, any host


@gate_check(stage=SITE)
def check_site(project):
    site = project.site
    if site is None:
        return
    budget = project.config["image_max_kb"] * 1024
    for page in site.pages.values():
        source_page = project.page_by_html.get(page.rel)
        meta_credit = str(source_page.page.meta.get("image_credit") or "") if source_page and source_page.page else ""
        seen: dict[str, int] = {}  # file name -> uses so far on this page
        for image in page.images:
            if _REMOTE.match(image.src):
                # Every reader's browser would fetch it from that host: their visit is reported to a
                # third party, and over http: the image can be swapped in transit.
                yield Diagnostic("IMG005", f"image '{image.src}' is loaded from another site", page.rel,
                                 target=image.src, source=find_line(source_page, [image.src]),
                                 hint="save the image (with its licence) under docs/assets/ and link to that file")
                continue
            # The n-th use of a picture on the page comes from the n-th Markdown line that names it,
            # so a picture used twice gets two diagnostics, each at its own line.
            name = image.src.split("/")[-1]
            lines = find_lines(source_page, [name])
            source = lines[min(seen.get(name, 0), len(lines) - 1)] if lines else None
            seen[name] = seen.get(name, 0) + 1
            if image.src.startswith("data:"):
                continue
            if not image.src.strip():
                yield Diagnostic("IMG001", "image has no address (an empty or missing src)", page.rel,
                                 source=find_line(source_page, ["]()", 'src=""', "<img"]),
                                 hint="put the image's path in the round brackets: ![what it shows](../assets/figures/x.svg)")
                continue
            target, _ = resolve(site, page, image.src)
            if target is None:
                yield Diagnostic("IMG001", f"image '{image.src}' does not exist", page.rel, target=image.src, source=source)
                continue
            if not (image.alt or "").strip():
                yield Diagnostic("IMG002", f"image '{image.src}' has no alt text", page.rel, target=image.src, source=source)
            credit = image.caption + " " + meta_credit
            if not (CREDIT.search(credit) and LICENCE.search(credit)):
                yield Diagnostic("IMG003", f"image '{image.src}' has no visible credit and licence", page.rel,
                                 target=image.src, source=source, hint="add a figcaption with 'Drawing: ... Licence: ...'")
            size = (site.root / target[len("site/"):]).stat().st_size
            if size > budget:
                yield Diagnostic("IMG004", f"image '{image.src}' is {size // 1024} KB, over the {budget // 1024} KB budget",
                                 page.rel, target=image.src, source=source)


@gate_check(stage=SITE)
def check_theme_images(project):
    """The logo and icons the theme puts on every page: reported once each, at mkdocs.yml's line that names them."""
    site = project.site
    if site is None:
        return
    reported = set()
    for page in site.pages.values():
        for src in page.theme_images:
            if src.startswith("data:") or _REMOTE.match(src):
                continue  # a remote theme image is CSP's and IMG005's business on content; data: needs no file
            target, _ = resolve(site, page, src) if src.strip() else (None, "")
            name = src.split("/")[-1] or src
            if target is not None or name in reported:
                continue
            reported.add(name)
            yield Diagnostic("IMG001", f"the theme's image '{src}' does not exist (it shows on every page)", page.rel,
                             target=src, source=_settings_line(project, name),
                             hint="fix theme.logo or theme.favicon in mkdocs.yml, or add the file under docs/assets/")


def _settings_line(project, name: str) -> Location | None:
    """mkdocs.yml:28, the first line that names the file, if any."""
    path = project.root / "mkdocs.yml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    line = next((i for i, text in enumerate(lines, 1) if name and name in text), None)
    return Location("mkdocs.yml", line) if line else None
