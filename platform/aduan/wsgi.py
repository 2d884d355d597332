"""WSGI entry point (gunicorn `aduan.wsgi:application`).

`aduan web` runs gunicorn with `--preload`: this module is imported once, in the master, and
each worker (a new one every ~2,000 requests) is a fork of it. What every worker would build
on its first requests is built here once instead: the URL resolvers and the translation
catalogs. Nothing here opens a database connection (a forked worker must not share one).

Then the objects made so far (~240,000: modules, classes, URL patterns, catalogs) are moved
out of the garbage collector's sight (`gc.freeze`): they live as long as the process, yet
each full collection scanned them all, 75-100 ms a time every few hundred requests, a
request's worth of latency for whoever waited behind it; and a collection in a worker wrote
to every object it scanned, copying the master's pages the fork had shared."""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.production")
# Read by the settings: a web process hands jobs over fast (aduan.broker.PostgresBroker).
os.environ.setdefault("ADUAN_PROCESS", "web")

application = get_wsgi_application()


def warm_up() -> None:
    """Build the per-process state of a first request before the workers are forked."""
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        get_resolver(urlconf).reverse_dict  # noqa: B018 (populates the resolver)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Aduan")  # loads the language's catalogs


warm_up()
gc.freeze()
