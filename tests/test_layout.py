"""The layout promise: `platform/` is a source root and never shadows the stdlib module."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_platform_from_the_repo_root_gives_the_stdlib_module() -> None:
    # Given a Python started in the repository root, as a developer would
    done = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.__file__)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # Then the module comes from the standard library, not from ./platform
    printed = Path(done.stdout.strip()).resolve()
    assert printed.parent == Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert ROOT not in printed.parents


def test_platform_folder_is_not_a_package() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_platform_folder_holds_only_the_aduan_package() -> None:
    # pytest puts platform/ on sys.path: a stray platform/json.py would shadow json.
    entries = {p.name for p in (ROOT / "platform").iterdir() if p.name != "__pycache__"}
    assert entries == {"aduan"}


def test_django_and_uuid_import_cleanly_from_the_root() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import uuid, django, platform; print(platform.system())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "Linux"
