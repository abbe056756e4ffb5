"""Make `import medsite` work in .venv for this checkout: a path file naming scripts/, as an editable install does.

Why not `pip install -e .`: the hashed pins carry no build backend that can do it
(the venv's own setuptools 65 needs `wheel` for editable installs; setuptools 70.1+
does not). Once requirements.in pins `setuptools>=70.1`, `make site` can run
`pip install --no-deps --no-build-isolation -e .` instead and this file goes.
Written only when missing or naming a folder that is gone: tests run `make` in copies of the
project (some with their own .git) using the same .venv, and must not take it over. Point it at
another checkout with `--force` (e.g. several worktrees sharing one .venv).
"""

import sys
import sysconfig
from pathlib import Path

scripts = Path(__file__).resolve().parent
path_file = Path(sysconfig.get_paths()["purelib"]) / "medsite.pth"
line = f"{scripts}\n"
current = path_file.read_text(encoding="utf-8").strip() if path_file.exists() else ""
force = "--force" in sys.argv[1:]
if not current or not Path(current, "medsite").is_dir() or (force and current != str(scripts)):
    path_file.write_text(line, encoding="utf-8")
    print(f"medsite: {path_file} -> {scripts}", file=sys.stderr)
