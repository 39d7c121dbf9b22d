"""The house keeps its shape: rooms import only the rooms below them (the import-linter contracts
in pyproject.toml), the package root stays small, and no source file grows past 500 lines."""

import ast
from pathlib import Path
import subprocess
import sys

PACKAGE = Path(__file__).resolve().parents[1] / "crossover"
MAX_ROOT_MODULES = 12
MAX_LINES = 500
EXEMPT_FROM_LENGTH = {"seed/data.py"}  # the shipped catalogue: data, not code
ROOMS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def test_every_layer_contract_is_kept():
    linter = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run(
        [str(linter), "--no-cache", "--no-logo"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_package_root_holds_at_most_twelve_modules():
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root_modules) <= MAX_ROOT_MODULES, root_modules


def test_no_source_file_is_longer_than_500_lines():
    long_files = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(PACKAGE)) not in EXEMPT_FROM_LENGTH
    }
    assert long_files == {}


def test_each_room_says_what_it_owns_and_what_it_may_import():
    undocumented = []
    for room in ROOMS:
        doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text("utf-8")))
        if not doc or "May import:" not in doc:
            undocumented.append(room)
    assert undocumented == []
