"""WSGI entry point (gunicorn `aduan.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.production")

application = get_wsgi_application()
