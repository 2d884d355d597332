"""ASGI entry point, for servers that speak ASGI (uvicorn, granian)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.production")
# Read by the settings: a web process hands jobs over fast (aduan.broker.PostgresBroker).
os.environ.setdefault("ADUAN_PROCESS", "web")

application = get_asgi_application()
