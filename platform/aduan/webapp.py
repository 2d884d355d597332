"""The installable web app (F02's mobile app without an app store): the manifest and the
service worker of each host, the platform's and every tenant's (its subdomain or its /t/<slug>/
prefix is the worker's scope).

The worker (template `aduan/sw.js`) keeps the app shell (the stylesheets, scripts, icon and the
complaint form) and every citizen page a phone has opened, so that offline the form can still
be written and the tracking page shows the last known state; staff pages are never kept. A
complaint written offline waits on the phone (`aduan/offline.js`, IndexedDB) and is sent
through the same intake form when the connection returns.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tenants.access import public_page
from tenants.models import Tenant

THEME_COLOUR = "#0172ad"  # Pico's primary, the buttons' and links' colour
BACKGROUND_COLOUR = "#ffffff"
SHELL_STATIC = ("aduan/pico.min.css", "aduan/aduan.css", "aduan/forms.js", "aduan/offline.js",
                "aduan/icon.svg")  # fmt: skip
# Under the tracking prefix, yet never kept on a phone: personal data and response files.
NEVER_KEPT = ("/data-pribadi/", "/berkas/")
ICONS = (("aduan/icon-192.png", "192x192"), ("aduan/icon-512.png", "512x512"))


def _tenant(request: HttpRequest) -> Tenant | None:
    tenant = getattr(request, "tenant", None)
    if isinstance(tenant, Tenant) and tenant.schema_name != "public":
        return tenant
    return None


def citizen_pages(request: HttpRequest) -> dict[str, list[str]]:
    """The pages the worker keeps: `shell` is fetched when it installs (the form must open
    offline before it was ever opened), `prefixes` are kept once opened (tracking pages show
    their last known state). Receipts are not kept (they may show the filer's name)."""
    home = reverse("home")
    if _tenant(request) is None:
        form, lookup = reverse("front-door"), reverse("track")
        return {"shell": [home, form], "prefixes": [form, lookup], "exact": [home]}
    form = reverse("complaints:file")
    lookup = reverse("complaints:track-lookup")
    return {
        "shell": [home, form],
        "prefixes": [form, lookup, reverse("complaints:transparency")],
        "exact": [home],
    }


@lru_cache(maxsize=1)
def _static_digest() -> str:
    """Changes whenever a shell file does, so phones fetch the new worker and shell."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@public_page
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    pages = citizen_pages(request)
    shell = [static(name) for name in SHELL_STATIC] + pages["shell"]
    version = hashlib.sha256((_static_digest() + json.dumps(pages)).encode()).hexdigest()[:12]
    body = render_to_string(
        "aduan/sw.js",
        {
            "version": version,
            "shell": json.dumps(shell),
            "prefixes": json.dumps(pages["prefixes"]),
            "exact": json.dumps(pages["exact"]),
            "never": json.dumps(NEVER_KEPT),
            "static_url": json.dumps(static("")),
            "fallback": json.dumps(pages["shell"][0]),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on every navigation; never serve them a stale one.
    response["Cache-Control"] = "no-cache"
    return response


@public_page
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    tenant = _tenant(request)
    name = tenant.name if tenant is not None else _("Aduan: layanan pengaduan masyarakat")
    short = (tenant.name if tenant is not None else "Aduan")[:12]
    home = reverse("home")
    body = {
        "name": name,
        "short_name": short,
        "description": _("Sampaikan dan lacak pengaduan, juga saat sinyal lemah."),
        "lang": "id",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("aduan/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            *({"src": static(path), "sizes": size, "type": "image/png"} for path, size in ICONS),
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "max-age=86400"
    return response
