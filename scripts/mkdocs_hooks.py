"""MkDocs hooks: a thin adapter over medsite.site_hooks (MkDocs loads this file on its own)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from medsite import csp_step, site_hooks, templates
from medsite.preview import preview

_state: site_hooks.SiteState | None = None
_csp: csp_step.CspStep | None = None  # one per build: its secret marks what the templates ship


def on_startup(*, command, dirty):
    preview.start(command)  # `make serve` shows the checks' findings in the pages; `make site` never does


def on_pre_build(*, config):
    preview.check(Path(config.config_file_path).parent)


def on_config(config, **kwargs):
    global _state, _csp
    _csp = csp_step.CspStep.for_config(config, site_hooks.report)
    _state = site_hooks.load(config)
    return config


def on_env(env, *, config, files):
    templates.autoescape_ours(env, config.theme.custom_dir)
    return _csp.install(env)


def on_files(files, *, config):
    site_hooks.scan(_state, files)
    return files


def on_page_markdown(markdown: str, *, page, config, files) -> str:
    return site_hooks.page_markdown(_state, markdown, page)


def on_page_content(html: str, *, page, config, files) -> str:
    return site_hooks.page_content(_state, html, page)


def on_page_context(context, *, page, config, nav):
    return site_hooks.page_context(_state, context, page, config)


def on_post_page(output: str, *, page, config) -> str:
    output = preview.page_html(output, page.file.abs_src_path)
    return _csp.post_page(output, page.file.dest_uri, Path(page.file.abs_src_path))


def on_post_template(output: str, *, template_name, config) -> str:
    return _csp.post_template(output, template_name)


def on_post_build(*, config) -> None:
    site_hooks.post_build(_state)
    _csp.post_build(config.site_dir)
