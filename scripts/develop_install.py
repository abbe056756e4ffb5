"""Make `import medsite` work in .venv for this checkout: a path file naming scripts/, as an editable install does.

Why not `pip install -e .`: the hashed pins carry no build backend that can do it
(the venv's own setuptools 65 needs `wheel` for editable installs; setuptools 70.1+
does not). Once requirements.in pins `setuptools>=70.1`, `make site` can run
`pip install --no-deps --no-build-isolation -e .` instead and this file goes.
Rewritten only when it names another checkout (one .venv, several worktrees).
"""

import sys
import sysconfig
from pathlib import Path

scripts = Path(__file__).resolve().parent
path_file = Path(sysconfig.get_paths()["purelib"]) / "medsite.pth"
line = f"{scripts}\n"
if not path_file.exists() or path_file.read_text(encoding="utf-8") != line:
    path_file.write_text(line, encoding="utf-8")
    print(f"medsite: {path_file} -> {scripts}", file=sys.stderr)
