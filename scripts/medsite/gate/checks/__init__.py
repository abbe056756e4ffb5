"""The gate's checks: each module yields diagnostics for one family of codes and never prints or exits.

A check marks itself with `@gate_check(stage=...)` (medsite.core.rule); this package imports each of its
modules and collects what is marked, so a new check is a new function, not a line in a list here.
"""

import importlib

from medsite.core.rule import SITE, SOURCE, load_package


def discover(package: str = __name__) -> dict[str, list]:
    """The marked checks of every module of `package`, by stage: in the order of the modules' names and of
    their lines, then the `after_all` ones (they read what the others used, e.g. exceptions.py)."""
    marked = []
    for name in load_package(package):
        for function in vars(importlib.import_module(name)).values():
            if hasattr(function, "check_mark") and function.__module__ == name:  # not one imported from elsewhere
                marked.append(function)
    marked.sort(key=lambda f: (f.check_mark.after_all, f.__module__, f.__code__.co_firstlineno))
    return {stage: [f for f in marked if f.check_mark.stage == stage] for stage in (SOURCE, SITE)}


_DISCOVERED = discover()
SOURCE_CHECKS = _DISCOVERED[SOURCE]
SITE_CHECKS = _DISCOVERED[SITE]
