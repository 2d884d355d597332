"""ASGI entry point, for servers that speak ASGI (uvicorn, granian)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.production")

application = get_asgi_application()
