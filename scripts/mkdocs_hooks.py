"""MkDocs hooks: only what the MkDocs family alone needs (MkDocs and ProperDocs load this file by path;
Zensical ignores `hooks:`). ProperDocs redirects every `mkdocs.*` import to `properdocs.*`, so the
same file runs under both.

Citations, the References page, the title and disclaimer, the offer-facts panel
and the review block's values are Markdown extensions that both engines run
(medsite.markdown.extensions, listed under `markdown_extensions` in mkdocs.yml). What stays here
needs MkDocs' own hooks:

- the CSP step's secret mark on the inline scripts our templates ship, set by
  wrapping MkDocs' Jinja loader (on_env), checked as each page is written; on
  Zensical the same policy is made after the build (medsite.output.csp_after);
- autoescaping for overrides/ (Jinja only; the templates also say it themselves), and compiled templates
  kept in the user's cache for the next build (medsite.build.templates);
- the linear-time footnotes and abbr (they replace MkDocs' extension instances);
- `make serve`'s gate, run over each rebuild and shown in the pages (medsite.tools.serve_findings), and its refusal of
  pages no engine may read (`make site` refuses them before the engine runs).
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from medsite.build import engines, templates
from medsite.markdown import linear_markdown
from medsite.markdown.extensions import report, sitedata
from medsite.output import csp, csp_step
from medsite.sources.site import Site
from medsite.tools.serve_findings import preview
from medsite.tools.serve_watchdog import rebuild

_csp: csp_step.CspStep | None = None  # one per build: its secret marks what the templates ship
_site: Site | None = None  # the sources as medsite reads them (medsite.sources.site), once per build


def on_startup(*, command, dirty):
    preview.start(command)  # `make serve` shows the checks' findings in the pages; `make site` never does


def on_pre_build(*, config):
    if preview.enabled:  # `make serve`: a rebuild has a time limit (`make site` bounds the engine's process)
        rebuild.start(_site.limits.engine_seconds)
    preview.begin()


def on_config(config, **kwargs):
    global _csp, _site
    _site, _ = Site.load(Path(config.config_file_path).parent)  # the gate reports the settings' problems
    sitedata.share(_site)  # the Markdown extensions use it: one read of the settings per build
    if preview.enabled and _site.mkdocs.get("site_url"):
        # `mkdocs serve` points site_url at itself (http://127.0.0.1:...): build the pages `make site` builds, so
        # that the gate checks the same (links, the CSP); the policy is taken out after it (serve_findings).
        config.site_url = _site.mkdocs["site_url"]
    _csp = csp_step.CspStep.for_site(_site, preview=csp.is_dev_server(config), report=report.send)
    linear_markdown.use_in(config)  # a page may cite one work hundreds of times: keep that linear
    return config


def on_files(files, *, config):
    # `make site` refuses these before any engine runs (medsite.build.engines); `make serve` needs it here.
    if os.environ.get(report.ENV) and not preview.enabled:  # set by `make site`, which has already checked
        return files
    refused = engines.refused_input(_site)
    for diagnostic in refused:
        report.send(diagnostic)
    if refused:
        raise PluginError("pages refused as input; fix the errors above")
    return files


def on_env(env, *, config, files):
    templates.autoescape_ours(env, config.theme.custom_dir)
    templates.cache_compiled(env)  # compiled templates kept for the next build
    return _csp.install(env)


def on_post_page(output: str, *, page, config) -> str:
    return _csp.post_page(output, page.file.dest_uri, Path(page.file.abs_src_path))


def on_post_template(output: str, *, template_name, config) -> str:
    return _csp.post_template(output, template_name)


def on_post_build(*, config) -> None:
    _csp.post_build(config.site_dir)
    # `make serve`: the gate over the pages just built, as `make site` runs it over its staging folder. Inside
    # the watchdog: in a rebuild's thread the gate's per-check deadlines (SIGALRM, main thread only) cannot run.
    preview.check(_site, Path(config.site_dir))
    rebuild.stop()


def on_build_error(*, error) -> None:
    rebuild.stop()
    preview.failed()
