"""The engines that render the pages, one file each, found here: adding one is one new file (plus its pin).

Each module of this package but `base` defines `ENGINE`, an instance of base.Engine. `ENGINES` maps
their names to them, the default first; `make site ENGINE=...`, `--engine` (make_site, the gate) and
the tests take their choices from it.
"""

from __future__ import annotations

import importlib
import pkgutil

from medsite.build.engines.base import REFUSED_INPUT, Engine, refused_input

DEFAULT = "mkdocs"  # why: DESIGN.md, "Which engine"


def _discover() -> dict[str, Engine]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            engine = getattr(importlib.import_module(f"{__name__}.{info.name}"), "ENGINE", None)
            if isinstance(engine, Engine):
                found[engine.name] = engine
    return dict(sorted(found.items(), key=lambda item: (item[0] != DEFAULT, item[0])))


ENGINES: dict[str, Engine] = _discover()


def get(engine: str | Engine) -> Engine:
    """The engine of that name (an Engine is returned as it is)."""
    return engine if isinstance(engine, Engine) else ENGINES[engine]


__all__ = ["DEFAULT", "ENGINES", "REFUSED_INPUT", "Engine", "get", "refused_input"]
