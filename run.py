#!/usr/bin/env python3
"""Aduan's two commands, on a fresh clone with only Python 3.11+ and git.

    python3 run.py up      start the whole platform (embedded PostgreSQL, web, worker, scheduler)
    python3 run.py test    run the whole test suite (ruff, mypy, pytest with browser tests)

Both create (or refresh) the virtual environment `.venv/` and install what they need into it.
Anything after the command is passed on: `python3 run.py up --port 9000`,
`python3 run.py test -k healthz`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".aduan-installed"
CHROMIUM = Path("/usr/bin/chromium")


def say(message: str) -> None:
    print(f"[aduan] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[aduan] error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    """Create .venv and install the project with its dev extra; reinstall when pyproject changes."""
    if sys.version_info < (3, 11):
        fail(f"Python 3.11 or newer is required, this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not venv_python().exists():
        say(f"creating the virtual environment in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        say("installing Aduan and its dependencies into .venv (first run takes a minute)")
        pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(wanted)
    return venv_python()


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it when we may, else they skip loudly."""
    if CHROMIUM.exists() or os.environ.get("ADUAN_SKIP_BROWSER_INSTALL"):
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        say("Chromium is missing and cannot be installed here: browser tests will be SKIPPED")
        return
    say("installing Debian's chromium for the browser tests (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    done = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"],
        check=False,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        say("apt-get could not install chromium: browser tests will be SKIPPED")


def run_tests(python: Path, extra: list[str]) -> int:
    bindir = python.parent
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    steps: list[tuple[str, list[str]]] = [
        ("ruff", [str(bindir / "ruff"), "check", "."]),
        ("mypy", [str(bindir / "mypy"), "."]),
        ("pytest", [str(python), "-m", "pytest", *extra]),
    ]
    if extra:  # a focused run (`run.py test -k x`) skips the linters
        steps = steps[-1:]
    failed = []
    for name, command in steps:
        say(f"running {name}")
        code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            failed.append(f"{name} (exit {code})")
    if failed:
        say("FAILED: " + ", ".join(failed))
        return 1
    say("all checks passed")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"up", "test"}:
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    os.chdir(ROOT)
    python = ensure_venv()
    if command == "test":
        ensure_chromium()
        return run_tests(python, extra)
    aduan = python.parent / "aduan"
    os.execv(str(aduan), [str(aduan), "up", *extra])
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
