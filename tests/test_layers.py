"""The layers of the apps hold: the contracts of pyproject.toml's
[tool.importlinter] run as part of the suite, so a crossing fails ``make test``
as well as ``make lint`` and CI."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _lint(*args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(*sys.argv[1:], no_cache=True, no_logo=True))",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_core_imports_no_app_and_the_layers_hold():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_crossing_would_be_caught(tmp_path):
    """The contract is not empty: the core importing an app breaks it."""
    config = tmp_path / "contracts.ini"
    config.write_text(
        "[importlinter]\n"
        "root_packages =\n    dashmentor\n    applications\n"
        "[importlinter:contract:probe]\n"
        "name = probe\n"
        "type = forbidden\n"
        "source_modules = applications\n"
        "forbidden_modules = dashmentor\n"
    )
    result = _lint(str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "probe BROKEN" in result.stdout
