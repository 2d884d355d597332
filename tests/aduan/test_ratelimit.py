"""The one rate limiter: shared store, trusted proxies only, 429 + Retry-After everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory

from aduan import ratelimit
from aduan.models import RateCounter
from tenants.models import Role
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member

ROOT = Path(__file__).resolve().parents[2]

FILED = {
    "name": "Siti",
    "phone": "081234567890",
    "subject": "Jalan rusak",
    "description": "Lubang besar di depan balai desa sejak bulan lalu.",
}


def _limits(settings: Any, **rates: str) -> None:
    settings.ADUAN_RATE_LIMITS = {**settings.ADUAN_RATE_LIMITS, **rates}


def test_rate_parses_drf_syntax_and_multiples() -> None:
    assert ratelimit.Rate.parse("30/hour") == ratelimit.Rate(limit=30, period=3600)
    assert ratelimit.Rate.parse("5/15m") == ratelimit.Rate(limit=5, period=900)
    with pytest.raises(ValueError):
        ratelimit.Rate.parse("lots")


def test_client_address_ignores_forwarded_for_from_an_undeclared_peer(settings: Any) -> None:
    settings.ADUAN_TRUSTED_PROXIES = []
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert ratelimit.client_address(request) == "203.0.113.9"


def test_client_address_walks_only_the_declared_proxies(settings: Any) -> None:
    settings.ADUAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client wrote a fake first entry; our proxies appended what they saw.
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7, 10.0.0.1",
    )
    assert ratelimit.client_address(request) == "203.0.113.7"
    # A declared proxy's peer that is not itself a proxy is believed no further.
    direct = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_address(direct) == "203.0.113.5"


def test_the_intake_limit_ignores_a_spoofed_forwarded_for(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    # Given a limit of two intakes and no declared proxy
    _limits(settings, intake="2/hour")
    settings.ADUAN_TRUSTED_PROXIES = []
    tenant = tenant_factory()
    statuses = [
        tenant_client.post(
            "/api/v1/complaints/",
            FILED,
            content_type="application/json",
            tenant=tenant,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        for n in range(3)
    ]
    # When each request claims another address, then the third is still refused
    assert [r.status_code for r in statuses] == [201, 201, 429]
    refused = statuses[2]
    assert refused.json()["code"] == "throttled"
    assert set(refused.json()) == {"code", "message", "extra"}
    assert 0 < int(refused["Retry-After"]) <= 3600


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("get", "/lacak/", "lookup"),
        ("get", "/api/v1/track/ABCD-EFGH-JKLM/", "lookup"),
        ("post", "/api/v1/intake/", "intake"),
        ("post", "/pengaduan/", "intake"),
    ],
)
def test_platform_doors_are_limited(
    reference_data: Any,
    tenant_client: TenantClient,
    settings: Any,
    method: str,
    path: str,
    scope: str,
) -> None:
    _limits(settings, **{scope: "1/hour"})
    first = getattr(tenant_client, method)(path)
    second = getattr(tenant_client, method)(path)
    assert first.status_code != 429
    assert second.status_code == 429
    assert int(second["Retry-After"]) > 0


def test_the_open311_post_is_limited(
    reference_data: Any, tenant_client: TenantClient, settings: Any
) -> None:
    _limits(settings, intake="1/hour")
    tenant_client.post("/open311/v2/requests.json", {"service_code": "x"})
    second = tenant_client.post("/open311/v2/requests.json", {"service_code": "x"})
    assert second.status_code == 429
    assert int(second["Retry-After"]) > 0


def test_tenant_tracking_lookups_are_limited(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    _limits(settings, lookup="2/hour")
    tenant = tenant_factory()
    statuses = [
        tenant_client.get("/api/v1/track/NOPE-NOPE-NOPE/", tenant=tenant).status_code
        for _ in range(2)
    ]
    page = tenant_client.get("/lacak/NOPE-NOPE-NOPE/", tenant=tenant)
    assert statuses == [404, 404]
    assert page.status_code == 429


def _count_in_another_process(scope: str, key: str, rate: str) -> bool:
    """Count one hit from a separate Python process on the same (test) database."""
    # The same server; the test database by name (pytest-django's, not the settings' one).
    code = (
        "import django; django.setup(); from django.db import connection; "
        f"connection.settings_dict['NAME'] = {connection.settings_dict['NAME']!r}; "
        "from aduan import ratelimit; "
        f"print(ratelimit.hit({scope!r}, {key!r}).allowed)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aduan.settings.test",
        "ADUAN_INTAKE_RATE": rate,
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "platform")])
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_two_processes(settings: Any) -> None:
    # Given a limit of three, two hits counted in this process
    _limits(settings, intake="3/hour")
    assert ratelimit.hit("intake", "192.0.2.1").allowed
    assert ratelimit.hit("intake", "192.0.2.1").allowed
    # When another process counts, then it sees this one's hits: the third is its last
    assert _count_in_another_process("intake", "192.0.2.1", "3/hour") is True
    assert _count_in_another_process("intake", "192.0.2.1", "3/hour") is False
    # and this process sees the other's
    assert ratelimit.hit("intake", "192.0.2.1").allowed is False
    assert RateCounter.objects.get(scope="intake", key="192.0.2.1").hits == 5


@pytest.mark.django_db
def test_a_window_ends_and_reset_forgets(settings: Any) -> None:
    _limits(settings, sign_in="1/m")
    with time_machine.travel("2026-12-01 10:00:00+07:00", tick=False):
        assert ratelimit.hit("sign_in", "k").allowed
        refused = ratelimit.hit("sign_in", "k")
        assert (refused.allowed, refused.retry_after) == (False, 60)
    with time_machine.travel("2026-12-01 10:01:01+07:00", tick=False):
        assert ratelimit.hit("sign_in", "k").allowed
        assert ratelimit.hit("sign_in", "k").allowed is False
        ratelimit.reset("sign_in", "k")
        assert ratelimit.peek("sign_in", "k").allowed


def test_the_login_lockout_ignores_a_spoofed_forwarded_for(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    # Given a lockout after two failures and no declared proxy
    settings.AXES_FAILURE_LIMIT = 2
    settings.ADUAN_TRUSTED_PROXIES = []
    village = tenant_factory()
    make_member(village, Role.OFFICER, username="petugas-xff")
    answers = [
        tenant_client.post(
            "/accounts/login/",
            {"username": "petugas-xff", "password": "salah"},
            tenant=village,
            REMOTE_ADDR="203.0.113.20",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(3)
    ]
    # When each attempt claims another address, then the lockout still comes
    assert answers[-1] == 429
