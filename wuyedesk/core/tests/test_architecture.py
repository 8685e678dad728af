"""The import contracts of pyproject.toml (docs/architecture.md) catch a forbidden import.

The quality gate runs `lint-imports` on the project; here it runs on a copy of the package with
one import added on purpose, and must fail, naming the contract and the import.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    """The package's Python files and the contracts, without the catalogues and static files."""
    shutil.copytree(
        ROOT / "wuyedesk",
        tmp_path / "wuyedesk",
        ignore=shutil.ignore_patterns("static", "locale", "templates", "__pycache__", "*.pyc"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(project: Path, *contracts: str) -> subprocess.CompletedProcess:
    options = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run(  # noqa: S603  (our own virtualenv's lint-imports, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *options],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return _copy(tmp_path_factory.mktemp("contracts"))


def test_lib_importing_an_app_breaks_the_contracts(project):
    probe = project / "wuyedesk" / "lib" / "probe.py"
    probe.write_text("from wuyedesk.tickets import services  # noqa: F401\n")
    try:
        result = _lint(project, "lib", "layers")
    finally:
        probe.unlink()
    assert result.returncode != 0, result.stdout
    assert "lib is infrastructure: it imports no app BROKEN" in result.stdout
    assert "Each layer imports only the layers below it BROKEN" in result.stdout
    assert "wuyedesk.lib.probe -> wuyedesk.tickets.services" in result.stdout


def _a_protected_tickets_module(project: Path) -> str:
    config = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = (c for c in config["contracts"] if c["id"] == "tickets")
    return next(
        name
        for name in contract["protected_modules"]
        if (project / (name.replace(".", "/") + ".py")).exists()
        or (project / name.replace(".", "/") / "__init__.py").exists()
    )


def test_another_app_reaching_into_tickets_internals_breaks_the_contract(project):
    internal = _a_protected_tickets_module(project)
    probe = project / "wuyedesk" / "reports" / "probe.py"
    probe.write_text(f"import {internal}  # noqa: F401\n")
    try:
        result = _lint(project, "tickets")
    finally:
        probe.unlink()
    assert result.returncode != 0, result.stdout
    assert f"wuyedesk.reports.probe -> {internal}" in result.stdout


def test_the_unchanged_copy_keeps_them(project):
    result = _lint(project)
    assert result.returncode == 0, result.stdout
