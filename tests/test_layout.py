"""The code keeps a shape a reader can follow: no function of the portal is
longer than a screen, so a long one is split into named steps (private helpers,
or a data table where it is a list of literal definitions) before it grows."""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIMIT = 60
NOT_PACKAGES = {
    "tests",
    "bench",
    "node_modules",
    ".venv",
    "static",
    "templates",
    "locale",
}


def _packages() -> list[pathlib.Path]:
    """The project's own top-level packages and apps, and the core."""
    found = {
        path
        for path in ROOT.iterdir()
        if path.is_dir()
        and path.name not in NOT_PACKAGES
        and ((path / "apps.py").exists() or (path / "__init__.py").exists())
    }
    found.add(ROOT / "dashmentor")
    return sorted(found)


def _long_functions(limit: int) -> list[str]:
    """Each function longer than ``limit`` lines, from its ``def`` to its last
    line, as "file:line name (n lines)"; migrations are not read."""
    found = []
    for package in _packages():
        for path in sorted(package.rglob("*.py")):
            if "migrations" in path.relative_to(package).parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    where = path.relative_to(ROOT).as_posix()
                    found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_longer_than_sixty_lines():
    """Every function of the portal fits in sixty lines, docstring included."""
    long = _long_functions(LIMIT)
    assert not long, (
        f"{len(long)} function(s) longer than {LIMIT} lines; "
        "split it into named steps:\n" + "\n".join(long)
    )


def test_the_length_guard_reads_the_portals_code():
    """The guard is not empty: it reads the apps and the core, and a low limit
    lists functions."""
    names = {path.name for path in _packages()}
    assert {"dashmentor", "applications", "awards", "staffdesk"} <= names
    assert not names & NOT_PACKAGES
    assert _long_functions(10)
