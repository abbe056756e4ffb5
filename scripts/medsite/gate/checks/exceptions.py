"""GATE002 for gate.yml exceptions that excused nothing: http_allowed addresses and words_to_avoid `allow` phrases.

An `allow` phrase marked `standing: true` is a standing rule of the editorial policy (an accurate
form such as "there is no cure"), not an exception made for one page, and is never reported.

Runs last, after the checks that consult them, and only when the built site was
checked too: an http: address may appear only in the built pages, and an allowed
phrase only in a menu label. (Unused gate-ignore comments are reported by
suppress.py, unused safe_exceptions by output_safety.py.)
"""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import SITE, gate_check


@gate_check(stage=SITE, after_all=True)
def check(project):
    if project.site_dir is None:
        return
    path = project.gate_config_path
    allowed = project.config["http_allowed"]
    for url in allowed:
        if url not in allowed.used:
            yield Diagnostic("GATE002", f"http_allowed entry '{url}' allowed nothing: no page or reference links to it",
                             path, allowed.line, target=url,
                             hint="remove the entry; if the address moved to https, nothing else is needed")
    for family in project.config["words_to_avoid"]:
        for n, (pattern, _why) in enumerate(family.allow):
            if n not in family.allow_used and n not in family.standing:
                yield Diagnostic("GATE002", f"words_to_avoid allows '{pattern.pattern}' for '{family.name}', "
                                 "but no sentence needed it", path, family.line, target=pattern.pattern,
                                 hint="remove the allowed phrase, or correct its pattern")
