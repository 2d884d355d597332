"""WSGI entry point (gunicorn `aduan.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.production")
# Read by the settings: a web process hands jobs over fast (aduan.broker.PostgresBroker).
os.environ.setdefault("ADUAN_PROCESS", "web")

application = get_wsgi_application()
