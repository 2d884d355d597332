"""URL patterns every host serves, public or tenant. Every view declares its access
(tenants.access); tests/authorization.py checks that."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from aduan import webapp
from aduan.health import healthz
from aduan.ratelimit import Scope, limited_page
from tenants.access import public_page
from tenants.auth import urls as auth_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", public_page(healthz), name="healthz"),
    # The installable web app: served from the host's (or tenant prefix's) root, its scope.
    path("sw.js", webapp.service_worker, name="service-worker"),
    path("manifest.webmanifest", webapp.manifest, name="webapp-manifest"),
    path("i18n/setlang/", public_page(set_language), name="set_language"),
    path(
        "accounts/login/",
        public_page(
            limited_page(Scope.SIGN_IN)(
                auth_views.LoginView.as_view(template_name="aduan/login.html")
            )
        ),
        name="login",
    ),
    path("accounts/logout/", public_page(auth_views.LogoutView.as_view()), name="logout"),
    path("", include(auth_urls.common_urlpatterns)),
]
