"""WSGI entry point (gunicorn `aduan.wsgi:application`).

`aduan web` runs gunicorn with `--preload`: this module is imported once, in the master, and
each worker (a new one every ~2,000 requests) is a fork of it. What every worker would build
on its first requests is built here once instead: the URL resolvers, the translation
catalogs, and what the first filing loads on first use (the holiday library's countries for
the working-day clock, Indonesia's phone metadata, the database router and our SQL compiler:
~120 ms of a new worker's first filing, profiled, and the requests queued behind it wait).
Nothing here opens a database connection (a forked worker must not share one).

Then the objects made so far (~240,000: modules, classes, URL patterns, catalogs) are moved
out of the garbage collector's sight (`gc.freeze`): they live as long as the process, yet
each full collection scanned them all, 75-100 ms a time every few hundred requests, a
request's worth of latency for whoever waited behind it; and a collection in a worker wrote
to every object it scanned, copying the master's pages the fork had shared."""

import gc
import importlib
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection, router
from django.urls import get_resolver
from django.utils import translation

from aduan.phones import normalize_phone

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
    importlib.import_module("holidays.countries")  # every country's module, ~100 ms
    normalize_phone("0813 2222 3333")  # loads the region's metadata
    router.routers  # noqa: B018 (imports DATABASE_ROUTERS)
    connection.ops.compiler("SQLInsertCompiler")  # imports the compiler module, no query


warm_up()
gc.freeze()
