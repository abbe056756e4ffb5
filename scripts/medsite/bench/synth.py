"""Synthetic sites for benchmarks: N pages with realistic front matter, citations, links, images."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from ..bibliography import load as load_bibliography

FIGURE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><title>Figure</title>
<rect width="120" height="40" fill="#eef"/><text x="10" y="25">Figure</text></svg>
"""

EXTERNAL = [
    "https://www.atlasofms.org",
    "https://www.nationalmssociety.org/",
    "https://pubmed.ncbi.nlm.nih.gov/",
    "https://www.fda.gov/",
]


def _page(i: int, n: int, keys: list[str], rng: random.Random) -> tuple[str, list[str]]:
    cited = rng.sample(keys, 4)
    sections = []
    for s in range(4):
        other = rng.randrange(n)
        sections.append(
            f"## Section {s} {{#section-{s}}}\n\n"
            f"People with MS may notice changes over time [@{cited[s]}]. "
            f"About {rng.randint(2, 90)}% of people in one study had this [@{cited[(s + 1) % 4]}]. "
            f"See [a related page](page-{other:05d}.md#section-{s}) and "
            f"[a trusted charity]({rng.choice(EXTERNAL)}).\n\n"
            "- Numbness or tingling in the legs or body.\n"
            "- Blurred vision in one eye.\n"
        )
    figure = (
        '<figure markdown>\n![A simple labelled drawing](assets/figure.svg){ width="240" }\n'
        "<figcaption>A drawing. Drawing: editorial team. Licence: CC BY 4.0.</figcaption>\n</figure>\n"
        if i % 5 == 0 else ""
    )
    front = {
        "title": f"Synthetic page {i}",
        "description": f"Synthetic page {i} for benchmarks, with citations and links.",
        "page_type": "condition",
        "last_reviewed": "2026-11-25",
        "next_review_due": "2029-11-25",
        "reviewed_by": "",
        "sources": sorted(set(cited)),
    }
    body = f"Short summary of page {i} [@{cited[0]}].\n\n{figure}\n" + "\n".join(sections)
    return "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n" + body, cited


def make_site(root: Path, dest: Path, pages: int, *, seed: int = 1) -> Path:
    """Write a project with `pages` pages into dest, reusing the real theme, hooks and bibliography."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    for part in ("overrides", "includes", "scripts"):
        shutil.copytree(root / part, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(root / "gate.yml", dest / "gate.yml")
    docs = dest / "docs"
    (docs / "assets").mkdir(parents=True)
    shutil.copy2(root / "docs/references.yaml", docs / "references.yaml")
    shutil.copy2(root / "docs/assets/site.css", docs / "assets/site.css")
    for name in ("favicon.svg", "logo.svg"):
        shutil.copy2(root / "docs/assets" / name, docs / "assets" / name)
    (docs / "assets/figure.svg").write_text(FIGURE)
    keys = [e.id for e in load_bibliography("docs/references.yaml", root).entries]
    used = set()
    nav = []
    for i in range(pages):
        text, cited = _page(i, pages, keys, rng)
        used.update(cited)
        (docs / f"page-{i:05d}.md").write_text(text)
        nav.append({f"Page {i}": f"page-{i:05d}.md"})
    # The pages the templates link to (home, 404 suggestions, footer), as short stubs.
    for uri, title in (("index.md", "Home"), ("about-ms/what-is-ms.md", "What is MS?"),
                       ("stem-cells/questions-to-ask.md", "Questions to ask"), ("about/about-us.md", "About us"),
                       ("about/contact.md", "Contact")):
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        front = {"title": title, "description": f"{title} (benchmark stub).", "page_type": "about",
                 "last_reviewed": "2026-11-25", "next_review_due": "2029-11-25", "reviewed_by": "", "sources": [keys[0]]}
        (docs / uri).write_text("---\n" + yaml.safe_dump(front, sort_keys=False) + f"---\n\nA stub [@{keys[0]}].\n")
        nav.insert(0, {title: uri})
    used.add(keys[0])
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    # A site built to grow nests its navigation: topics of 25 pages, then groups of
    # at most 10 at each level above. With navigation.prune a page carries only its
    # own branch, so its size stays flat as the site grows.
    level = [{f"Topic {k // 25}": nav[k : k + 25]} for k in range(0, len(nav), 25)]
    depth = 0
    while len(level) > 10:
        depth += 1
        level = [{f"Part {depth}.{k // 10}": level[k : k + 10]} for k in range(0, len(level), 10)]
    config["nav"] = level
    config["site_name"] = "Synthetic"
    config["hooks"] = ["scripts/mkdocs_hooks.py"]
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


OURS = ("medsite.mdx.citations", "medsite.mdx.furniture")


def _without_ours(extensions: list) -> list:
    return [e for e in extensions if not (isinstance(e, str) and e in OURS)
            and not (isinstance(e, dict) and set(e) & set(OURS))]


def variant_config(project: Path, name: str, site_dir: str | None = None) -> Path:
    """The same site with fewer of our steps: "bare" (no hooks, none of our Markdown extensions:
    what the engine alone costs) or "citations" (our extensions, no hooks: no CSP step)."""
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    config.pop("hooks", None)
    if name == "bare":
        config["markdown_extensions"] = _without_ours(config.get("markdown_extensions", []))
    if site_dir:  # Zensical has no --site-dir, and wants it inside the project
        config["site_dir"] = site_dir
    path = project / f"mkdocs.{name}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
