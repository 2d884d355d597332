"""The one rate limiter of the platform: every public write and look-up, sign-in and second
factor, and what later issues add (whistleblowing, privacy requests, citizens' codes).

Counting: a fixed window per (scope, key) in one PostgreSQL row, bumped by a single
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement, so every web process and worker
shares the count and it survives a restart (a process's memory or a per-process cache would
do neither). The database is the shared store every deployment already has.

The client: `client_address(request)` believes `X-Forwarded-For` only as far as the proxies
the deployment declares in ADUAN_TRUSTED_PROXIES (addresses or networks): it walks the chain
from the right and stops at the first address that is not a trusted proxy. A client that
talks to us directly cannot choose its own address by sending the header.

Rates are DRF's syntax ("30/hour") in ADUAN_RATE_LIMITS, one per scope (deploy/README.md).
A refusal is HTTP 429 in the one error shape with `Retry-After` (APIs through `ScopeThrottle`,
pages through `limited_page`).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from aduan.db import public_connection
from aduan.errors import AduanError

_R = TypeVar("_R", bound=HttpResponseBase)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(?P<limit>\d+)\s*/\s*(?P<multiple>\d*)\s*(?P<unit>[smhdSMHD])")


class Scope:
    """The limited things; each has a rate in ADUAN_RATE_LIMITS."""

    INTAKE = "intake"  # public writes: filing (form, API, front door, Open311), replies
    LOOKUP = "lookup"  # tracking look-ups by code (tenant and platform, page and API)
    SIGN_IN = "sign_in"  # sign-in and second-factor submissions per address
    SECOND_FACTOR = "second_factor"  # failed second-factor codes per user (a lockout)
    PRIVACY_CODE = "privacy_code"  # a data subject's one-time code tries, per complaint
    CODE_RESEND = "code_resend"  # tracking-code resends, per contact and per address
    PHONE_CODE = "phone_code"  # phone confirmation codes sent and tried, per phone
    # Whistleblowing (complaints.wbs): keyed on a keyed hash of the address that rotates daily
    # (`hit(scope, key)`), so no address is ever stored for a WBS reporter.
    WBS_INTAKE = "wbs_intake"  # WBS reports and a reporter's replies
    WBS_RECEIPT = "wbs_receipt"  # receipt-key attempts (a guess costs one)


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, rate: str) -> Rate:
        """DRF's "30/hour", and a multiple of the unit: "5/15m" is five per 15 minutes."""
        match = _RATE.match(rate)
        if match is None:
            raise ValueError(f"not a rate: {rate!r}")
        multiple = int(match["multiple"] or 1)
        return cls(limit=int(match["limit"]), period=multiple * _PERIODS[match["unit"].lower()])


@dataclass(frozen=True)
class Decision:
    allowed: bool
    hits: int
    retry_after: int  # seconds until the window ends (0 when allowed)


class RateLimitedError(AduanError):
    status_code = 429

    def __init__(self, retry_after: int, *, code: str = "rate_limited", message: str = "") -> None:
        super().__init__(
            code,
            message
            or _("Terlalu banyak permintaan. Silakan coba lagi dalam %(seconds)s detik.")
            % {"seconds": retry_after},
            {"retry_after": retry_after},
        )
        self.retry_after = retry_after


def rate_of(scope: str) -> Rate:
    rates: dict[str, str] = settings.ADUAN_RATE_LIMITS
    return Rate.parse(rates[scope])


# --- the client address ---------------------------------------------------------------------


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    declared: list[str] = settings.ADUAN_TRUSTED_PROXIES
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in declared if entry]


def _is_trusted(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that is a declared proxy, in which case the
    rightmost address of X-Forwarded-For that is not itself a declared proxy."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks()
    if not networks or not _is_trusted(remote, networks):
        return remote
    chain = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for address in reversed([part for part in chain if part]):
        if not _is_trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                # A proxy we trust passed on garbage: the proxy is the best we know.
                return remote
    return remote


def axes_client_address(request: HttpRequest) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the login lockout keys on the same address."""
    return client_address(request)


# --- counting ---------------------------------------------------------------------------------

_BUMP = """
INSERT INTO aduan_ratecounter AS c (scope, key, window_start, hits)
VALUES (%(scope)s, %(key)s, %(now)s, %(step)s)
ON CONFLICT (scope, key) DO UPDATE SET
    hits = CASE WHEN c.window_start <= %(expired)s THEN %(step)s ELSE c.hits + %(step)s END,
    window_start = CASE WHEN c.window_start <= %(expired)s THEN %(now)s ELSE c.window_start END
RETURNING hits, window_start
"""


def _public_table_sql(sql: str) -> str:
    # The table is in the public schema; a tenant request's search_path starts elsewhere.
    return sql.replace("aduan_ratecounter", "public.aduan_ratecounter")


def _count(scope: str, key: str, rate: Rate, step: int) -> Decision:
    now = timezone.now()
    params: dict[str, Any] = {
        "scope": scope,
        "key": key[:200],
        "now": now,
        "step": step,
        "expired": now - timedelta(seconds=rate.period),
    }
    with public_connection().cursor() as cursor:
        if step:
            cursor.execute(_public_table_sql(_BUMP), params)
        else:
            cursor.execute(
                _public_table_sql(
                    "SELECT hits, window_start FROM aduan_ratecounter "
                    "WHERE scope = %(scope)s AND key = %(key)s AND window_start > %(expired)s"
                ),
                params,
            )
        row = cursor.fetchone()
    if row is None:
        return Decision(allowed=True, hits=0, retry_after=0)
    hits, started = int(row[0]), row[1]
    if hits <= rate.limit if step else hits < rate.limit:
        return Decision(allowed=True, hits=hits, retry_after=0)
    remaining = (started + timedelta(seconds=rate.period) - now).total_seconds()
    return Decision(allowed=False, hits=hits, retry_after=max(1, math.ceil(remaining)))


def hit(scope: str, key: str, rate: Rate | None = None) -> Decision:
    """Count one request of `key` in `scope` and say whether it is within the rate."""
    return _count(scope, key, rate or rate_of(scope), step=1)


def peek(scope: str, key: str, rate: Rate | None = None) -> Decision:
    """Whether one more would be allowed, without counting (a lockout's check before trying)."""
    return _count(scope, key, rate or rate_of(scope), step=0)


def reset(scope: str, key: str) -> None:
    """Forget the count (a successful second factor clears its failures)."""
    with public_connection().cursor() as cursor:
        cursor.execute(
            _public_table_sql("DELETE FROM aduan_ratecounter WHERE scope = %s AND key = %s"),
            [scope, key[:200]],
        )


def check_request(request: HttpRequest, scope: str) -> None:
    """Count this request against its client address; raise RateLimitedError beyond the rate."""
    decision = hit(scope, client_address(request))
    if not decision.allowed:
        raise RateLimitedError(decision.retry_after)


# --- the interfaces ----------------------------------------------------------------------------


class ScopeThrottle(BaseThrottle):
    """DRF throttle over the shared counter (a subclass names its scope, below).
    DRF answers 429 with Retry-After; aduan.api_errors gives it the one error shape."""

    scope = Scope.INTAKE
    methods: frozenset[str] | None = None  # None: every method

    def __init__(self) -> None:
        self.retry_after = 0

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return True
        decision = hit(self.scope, client_address(request._request))
        self.retry_after = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return float(self.retry_after) if self.retry_after else None

    def get_ident(self, request: Request) -> str:
        return client_address(request._request)


class IntakeThrottle(ScopeThrottle):
    scope = Scope.INTAKE


class LookupThrottle(ScopeThrottle):
    scope = Scope.LOOKUP


class SignInThrottle(ScopeThrottle):
    scope = Scope.SIGN_IN
    methods = frozenset({"POST"})


def too_many_page(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "aduan/too_many.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limited_page(
    scope: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., _R]], Callable[..., _R | HttpResponse]]:
    """Limit a page view's `methods` (all with an empty tuple) per client address."""

    def decorate(view: Callable[..., _R]) -> Callable[..., _R | HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> _R | HttpResponse:
            if not methods or request.method in methods:
                try:
                    check_request(request, scope)
                except RateLimitedError as refused:
                    return too_many_page(request, refused.retry_after)
            return view(request, *args, **kwargs)

        return limited

    return decorate


class CodeResendThrottle(ScopeThrottle):
    scope = Scope.CODE_RESEND
