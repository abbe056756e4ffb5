"""Synthetic sites for benchmarks: N pages with realistic text (bench/synthtext.py), front matter,
citations, links and images."""

from __future__ import annotations

import compileall
import os
import random
import shutil
from datetime import timedelta
from pathlib import Path

import yaml

from medsite.core import clock
from medsite.sources.bibliography import load as load_bibliography
from medsite.sources.gate_settings import load_config
from medsite.tools.bench import synthtext

FIGURE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><title>Figure</title>
<rect width="120" height="40" fill="#eef"/><text x="10" y="25">Figure</text></svg>
"""

EXTERNAL = [
    "https://www.atlasofms.org",
    "https://www.nationalmssociety.org/",
    "https://pubmed.ncbi.nlm.nih.gov/",
    "https://www.fda.gov/",
]
TOPIC_SIZE = 25  # pages in a nav topic, which share favourite words
SECTIONS_MIN = 3  # every page has section-0 to section-2, the anchors other pages link to


# What a checkout has that is not the project: build output, caches, installed tools, history.
NOT_PROJECT = (".venv", "site", ".site-builds", ".staging", "node_modules", ".git", "__pycache__", "screenshots",
               ".cache", ".medsite-cache", ".pytest_cache", ".ruff_cache", ".hypothesis", "bench-results")


def copy_project(root: Path, dest: Path) -> Path:
    """A copy of the real project, everything a checkout has (data/, includes/, the lock...), so a benchmark
    builds what `make site` builds; without caches, as on a fresh clone, except our modules compiled, as Python
    leaves them after the first run (else, with PYTHONDONTWRITEBYTECODE set, every timed build with our steps
    compiled each of them again, about 0.3 s the bare engine never pays)."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(*NOT_PROJECT))
    if (dest / "scripts").is_dir():
        compileall.compile_dir(dest / "scripts", quiet=2)
    return dest


def real_project(checkout: Path) -> Path:
    """The project whose site the "real site" rows build: the folder BENCH_REAL_PROJECT names (tests/test_bench.py
    names a small synthetic project, so every row runs without the time the real site takes), else the checkout."""
    named = os.environ.get("BENCH_REAL_PROJECT", "")
    project = Path(named).resolve() if named else checkout
    if not (project / "mkdocs.yml").is_file() or not (project / "docs").is_dir():
        raise SystemExit(f"BENCH_REAL_PROJECT={named}: no mkdocs.yml and docs/ there; fix: name a project folder "
                         "(a checkout, or a site written by medsite.tools.bench.synth.make_site), or leave it unset")
    return project


EDITED_PAGE = "docs/about-ms/causes.md"  # on the real project: a condition page with many citations


def page_to_edit(project: Path) -> Path:
    """The page the benchmarks edit: the real project's causes page, else (another project) its first page
    in path order."""
    page = project / EDITED_PAGE
    return page if page.is_file() else min((project / "docs").rglob("*.md"))


def _reviewed() -> dict[str, str]:
    """Review dates that pass the gate on the day the site is made: reviewed today, due in a year."""
    today = clock.today()  # MEDSITE_TODAY when pinned, as the gate reads it
    return {"last_reviewed": today.isoformat(), "next_review_due": (today + timedelta(days=365)).isoformat()}


def _page(i: int, n: int, keys: list[str], writer: synthtext.Writer, rng: random.Random) -> str:
    """A page as long as a real content page, on its nav topic (25 pages a topic): sections with headings,
    paragraphs, lists, citations, links to other pages and sites, and a drawing on every fifth page."""
    text = writer.page(i // TOPIC_SIZE, rng)
    cited = rng.sample(keys, rng.randint(3, 8))
    used = {cited[0]}
    target, written = writer.length(rng), 0

    def cite(sentence: str) -> str:
        if rng.random() >= 0.4:
            return sentence
        key = rng.choice(cited)
        used.add(key)
        return f"{sentence[:-1]} [@{key}]{sentence[-1]}"

    def paragraph() -> str:
        nonlocal written
        sentences = [cite(text.sentence()) for _ in range(rng.randint(2, 6))]
        written += sum(len(s.split()) for s in sentences)
        return " ".join(sentences)

    summary = f"{paragraph()[:-1]} [@{cited[0]}]."
    figure = (
        '<figure markdown>\n![A simple labelled drawing](assets/figure.svg){ width="240" }\n'
        "<figcaption>A drawing. Drawing: editorial team. Licence: CC BY 4.0.</figcaption>\n</figure>\n"
        if i % 5 == 0 else ""
    )
    sections, s = [], 0
    while written < target or s < SECTIONS_MIN:
        parts = [f"## {text.heading()} {{#section-{s}}}", paragraph()]
        if rng.random() < 0.6 or s == 0:  # every page has a list, as real ones do
            items = [text.list_item() for _ in range(rng.randint(2, 5))]
            written += sum(len(x.split()) for x in items)
            parts.append("\n".join(f"- {x}" for x in items))
        parts.append(paragraph())
        if rng.random() < 0.3:
            parts += [f"### {text.heading()}", paragraph()]
        other = rng.randrange(n)
        parts.append(f"See [a related page](page-{other:05d}.md#section-{s % SECTIONS_MIN}) and "
                     f"[a trusted charity]({rng.choice(EXTERNAL)}).")
        # Headings and the link line count too, as they do in the real pages' lengths.
        written += sum(len(part.split()) for part in parts if part.startswith(("#", "See ")))
        sections.append("\n\n".join(parts) + "\n")
        s += 1
    # The parts gate.yml's required_parts asks of a condition page (PART001), as the real pages have them.
    key_messages = f'!!! key-messages "Key messages"\n\n    {summary}\n'
    support = f"## Support and more information {{#support}}\n\n{paragraph()}\n"
    front = {
        "title": text.title(),
        "description": text.short_sentence(),
        "page_type": "condition",
        **_reviewed(),
        "reviewed_by": "",
        "sources": sorted(used),  # exactly the works cited (REF008)
    }
    body = f"{key_messages}\n{figure}\n" + "\n".join(sections) + "\n" + support
    return "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n" + body


def make_site(root: Path, dest: Path, pages: int, *, seed: int = 1) -> Path:
    """Write a project with `pages` pages into dest, reusing the real theme, hooks and bibliography."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    for part in ("overrides", "includes", "scripts"):
        shutil.copytree(root / part, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(root / "gate.yml", dest / "gate.yml")
    shutil.copytree(root / "data", dest / "data")  # the clinic's offer file, which the templates read
    docs = dest / "docs"
    (docs / "assets").mkdir(parents=True)
    shutil.copy2(root / "docs/references.yaml", docs / "references.yaml")
    shutil.copy2(root / "docs/assets/site.css", docs / "assets/site.css")
    for name in ("favicon.svg", "logo.svg"):
        shutil.copy2(root / "docs/assets" / name, docs / "assets" / name)
    (docs / "assets/figure.svg").write_text(FIGURE)
    keys = [e.id for e in load_bibliography("docs/references.yaml", root).entries]
    avoid = tuple(load_config(root / "gate.yml", "gate.yml")[0]["words_to_avoid"])
    writer = synthtext.Writer(root / "docs", seed, avoid)
    nav, stubs = [], []
    for i in range(pages):
        (docs / f"page-{i:05d}.md").write_text(_page(i, pages, keys, writer, rng))
        nav.append(f"page-{i:05d}.md")  # the nav shows the page's own title
    # The pages the templates link to (home, 404 suggestions, footer), as short stubs.
    for uri, title in (("index.md", "Home"), ("about-ms/what-is-ms.md", "What is MS?"),
                       ("stem-cells/questions-to-ask.md", "Questions to ask"), ("about/about-us.md", "About us"),
                       ("about/contact.md", "Contact")):
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        front = {"title": title, "description": f"{title} (benchmark stub).", "page_type": "about",
                 **_reviewed(), "reviewed_by": "", "sources": [keys[0]]}
        (docs / uri).write_text("---\n" + yaml.safe_dump(front, sort_keys=False) + f"---\n\nA stub [@{keys[0]}].\n")
        stubs.append({title: uri})
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    # A site built to grow nests its navigation: topics of 25 pages, then groups of
    # at most 10 at each level above. With navigation.prune a page carries only its
    # own branch, so its size stays flat as the site grows.
    level = [{"About": stubs}] + [{f"Topic {k // TOPIC_SIZE}": nav[k : k + TOPIC_SIZE]} for k in range(0, len(nav), TOPIC_SIZE)]
    depth = 0
    while len(level) > 10:
        depth += 1
        level = [{f"Part {depth}.{k // 10}": level[k : k + 10]} for k in range(0, len(level), 10)]
    config["nav"] = level
    config["site_name"] = "Synthetic"
    config["hooks"] = ["scripts/mkdocs_hooks.py"]
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


OURS = ("medsite.markdown.extensions.citations", "medsite.markdown.extensions.furniture")


def _without_ours(extensions: list) -> list:
    return [e for e in extensions if not (isinstance(e, str) and e in OURS)
            and not (isinstance(e, dict) and set(e) & set(OURS))]


def variant_config(project: Path, name: str, engine_settings: dict | None = None) -> Path:
    """The same site with fewer of our steps: "bare" (no hooks, none of our Markdown extensions:
    what the engine alone costs) or "citations" (our extensions, no hooks: no CSP step). `engine_settings`:
    what the engine's generated config sets (Zensical's settings(): its site_dir, theme variant, search)."""
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    config.pop("hooks", None)
    if name == "bare":
        config["markdown_extensions"] = _without_ours(config.get("markdown_extensions", []))
    config.update(engine_settings or {})
    path = project / f"mkdocs.{name}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
