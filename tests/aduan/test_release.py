"""The documented deploy steps (deploy/README, "Processes"): `aduan migrate` is the release
step and collects the static files, so `aduan web` (gunicorn) serves HTML pages right after it,
with no separate `collectstatic` (without one, every page answered 500: the static manifest
was missing)."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.aduan.test_cli import ADUAN, _env, _free_port
from tests.services import wait_for


def _get(url: str) -> tuple[int, bytes] | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None  # not listening yet


@pytest.mark.timeout(300)
def test_web_serves_pages_right_after_the_documented_release_step(tmp_path: Path) -> None:
    # Given a fresh state folder (its own embedded PostgreSQL, no static files yet)
    env = _env(tmp_path)
    assert not (tmp_path / "static").exists()
    # When the release step runs, then the web process starts
    released = subprocess.run(
        [ADUAN, "migrate"], env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert released.returncode == 0, released.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    port = _free_port()
    web = subprocess.Popen(
        [ADUAN, "web", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # Then an HTML page answers 200 and links its stylesheet by the manifest's hashed name
        status, body = wait_for(lambda: _get(f"http://127.0.0.1:{port}/"), timeout=60)
        assert status == 200, body[-2000:]
        assert b"<html" in body
        assert b"/static/aduan/" in body and b".css" in body
        stylesheet = body.split(b'href="/static/', 1)[1].split(b'"', 1)[0].decode()
        served = _get(f"http://127.0.0.1:{port}/static/{stylesheet}")
        assert served is not None and served[0] == 200
    finally:
        web.terminate()
        web.wait(timeout=60)
