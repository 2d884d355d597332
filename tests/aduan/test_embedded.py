"""The embedded PostgreSQL starts, is reused by a second process, and stops with the last one;
with DATABASE_URL set, Aduan uses that server instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import pid_alive, reachable

ROOT = Path(__file__).resolve().parents[2]
HOLD = (
    "import sys; from pathlib import Path; from aduan import embedded;"
    "url = embedded.ensure_running(Path(sys.argv[1]));"
    "print(embedded.server_pid(Path(sys.argv[1])), flush=True); sys.stdin.readline()"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'platform'}"
    env.update(extra)
    return env


def test_embedded_server_starts_is_reused_and_stops_with_the_last_user(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(state)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=_env(),
    )  # fmt: skip
    assert first.stdout is not None and first.stdin is not None
    pid = int(first.stdout.readline())
    # A second process reuses the running server rather than starting another
    second = subprocess.run(
        [sys.executable, "-c", HOLD, str(state)], input="\n", capture_output=True, text=True,
        env=_env(), check=True, timeout=60,
    )  # fmt: skip
    assert int(second.stdout.strip()) == pid
    assert pid_alive(pid), "the server must outlive a process that merely reused it"
    # When the first (last) user exits, the server is stopped cleanly
    first.stdin.write("\n")
    first.stdin.close()
    assert first.wait(timeout=60) == 0
    assert not pid_alive(pid)
    assert not (state / "pgdata" / "postmaster.pid").exists()


@pytest.mark.skipif(not reachable("127.0.0.1", 5432), reason="no PostgreSQL on 127.0.0.1:5432")
def test_database_url_selects_that_server_and_starts_nothing(tmp_path: Path) -> None:
    script = (
        "import json, django; django.setup();"
        "from django.db import connection;"
        "port = connection.cursor().connection.info.port;"
        "print(json.dumps([connection.settings_dict['HOST'], port]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=_env(
            DATABASE_URL="postgresql://postgres@127.0.0.1:5432/postgres",
            ADUAN_STATE_DIR=str(tmp_path),
            DJANGO_SETTINGS_MODULE="aduan.settings.production",
        ),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(done.stdout) == ["127.0.0.1", 5432]
    assert not (tmp_path / "pgdata").exists()
