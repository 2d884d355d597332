"""Drives the published Python client `georeport` (PyPI), unmodified, against a live Aduan in
one format: the service list, a service definition, GET requests by filter and by id, GET one
request. Prints what the client returned as JSON.

Usage: python georeport_drive.py <site-packages> <root> <jurisdiction> <fmt> <service> <id>
"""

import json
import sys

site, root, jurisdiction, fmt, service_code, request_id = sys.argv[1:7]
sys.path.insert(0, site)

from georeport import GeoReport  # type: ignore[import-not-found]  # noqa: E402 - the cache

client = GeoReport(root, jurisdiction=jurisdiction, output_format=fmt)
print(
    json.dumps(
        {
            "services": client.get_service_list(),
            "definition": client.get_service_definition(service_code),
            "requests": client.get_service_requests(service_code=service_code, status="open"),
            "by_id": client.get_service_requests(service_request_id=request_id),
            "request": client.get_service_request(request_id),
        }
    )
)
