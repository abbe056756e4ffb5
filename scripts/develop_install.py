"""Make `import medsite` work in .venv for this checkout: a path file naming scripts/, as an editable install does.

Why not `pip install -e .`: the hashed pins carry no build backend that can do it
(the venv's own setuptools 65 needs `wheel` for editable installs; setuptools 70.1+
does not). Once requirements.in pins `setuptools>=70.1`, `make site` can run
`pip install --no-deps --no-build-isolation -e .` instead and this file goes.
Written when missing or naming a folder that is gone, and by a git checkout whose path differs
(several worktrees may share one .venv: the last `make` wins). A copy of the project without
.git (the tests build copies with the same .venv) never takes it over.
"""

import sys
import sysconfig
from pathlib import Path

scripts = Path(__file__).resolve().parent
path_file = Path(sysconfig.get_paths()["purelib"]) / "medsite.pth"
line = f"{scripts}\n"
current = path_file.read_text(encoding="utf-8").strip() if path_file.exists() else ""
is_checkout = (scripts.parent / ".git").exists()
if not current or not Path(current, "medsite").is_dir() or (is_checkout and current != str(scripts)):
    path_file.write_text(line, encoding="utf-8")
    print(f"medsite: {path_file} -> {scripts}", file=sys.stderr)
