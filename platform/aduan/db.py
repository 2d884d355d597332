"""The default connection, typed as what django-tenants makes it."""

from typing import Any

from django.db import connection

# django-tenants' backend adds set_schema/set_tenant/set_schema_to_public to the default
# connection; django-stubs only knows Django's base class, hence Any.
tenant_db: Any = connection
