"""Headers: a Content-Security-Policy without inline scripts on every page; HSTS, the proxy's
https header and Secure cookies when the site is served over https."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.client import TenantClient
from tests.factories import TenantFactory

ROOT = Path(__file__).resolve().parents[2]


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def test_every_page_has_a_policy_without_inline_scripts(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    for path, on in [("/", None), ("/pengaduan/", None), ("/pengaduan/baru/", tenant)]:
        response = tenant_client.get(path, tenant=on)
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_no_template_carries_an_inline_script_or_style() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("complaints", "tenants", "integrations", "routing", "billing", "platform")
        for path in (ROOT / folder).rglob("templates/**/*.html")
        if inline.search(path.read_text())
    ]
    assert offenders == []


def _settings_with(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER']}))"
    )
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ADUAN_")},
        "DJANGO_SETTINGS_MODULE": "aduan.settings.production",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=full, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_https_site_gets_hsts_secure_cookies_and_the_proxy_header_only_from_declared_proxies() -> (
    None
):
    behind = _settings_with(
        {"ADUAN_SITE_URL": "https://aduan.example.id", "ADUAN_TRUSTED_PROXIES": "10.0.0.0/8"}
    )
    assert behind == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    plain = _settings_with({"ADUAN_SITE_URL": "http://localhost:8000"})
    assert plain == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }
