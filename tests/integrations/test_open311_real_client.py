"""An existing, unmodified Open311 client against a live Aduan (issue 7).

The client is the published npm package `open311` 0.0.12 (Code for America's node-open311,
the GeoReport v2 client of the Open311 project's client list), installed from the npm
registry into a cache under pytest's basetemp and driven by `open311_client/drive.js`:
discovery, the service list, a service definition, POST a request, GET requests by filter
and by ids, GET one request. Its code runs as published; two of its dependencies cannot be
installed here and are only used for XML (`sparkxml` is a git dependency on GitHub, which is
unreachable; `xml2json` 0.2 needs a native build of node-expat): they are replaced by
modules that fail if called, and the client is used in JSON, the format it picks itself from
the discovery document.

The XML side is covered by the published Python 3 client `georeport` 0.3.1 (PyPI), installed
with pip into the same cache and run unmodified in a subprocess: it reads services,
definitions and requests in XML and JSON, but has no discovery and no POST (its README says
so), hence the node client for those. Other Python clients (`three`, `open311_python`) are
Python 2 only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Channel, Complaint
from integrations.open311.actions import do_create_open311_client
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import TenantKind
from tests.factories import TenantFactory

PACKAGE = "open311@0.0.12"
# What the package.json of open311 0.0.12 asks for (its JavaScript dependencies).
DEPENDENCIES = ["request@~2.11.0", "lodash@~0.6.1"]
XML_ONLY = {
    "sparkxml": "module.exports = { parseXml: function () { throw new Error('no XML here'); } };",
    "xml2json": "module.exports = { toJson: function () { throw new Error('no XML here'); } };",
}
DRIVER = Path(__file__).parent / "open311_client" / "drive.js"
GEOREPORT = "georeport==0.3.1"
GEOREPORT_DRIVER = Path(__file__).parent / "open311_client" / "georeport_drive.py"
UNREACHABLE = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "network")


def skip_loudly(reason: str) -> None:
    message = f"OPEN311 CLIENT TEST SKIPPED: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def npm(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        ["npm", "--no-audit", "--no-fund", "--loglevel=error", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        if any(word in done.stderr for word in UNREACHABLE):
            skip_loudly(f"the npm registry is unreachable ({done.stderr.strip()[:300]})")
        raise AssertionError(f"npm {' '.join(args)} failed:\n{done.stderr}")


@pytest.fixture(scope="session")
def node_open311(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """node_modules holding the published client, installed once per test session."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        skip_loudly("node and npm are not installed")
    cache = tmp_path_factory.getbasetemp() / "open311-npm"
    modules = cache / "node_modules"
    if (modules / "open311" / "open311.js").exists():
        return modules
    cache.mkdir(parents=True, exist_ok=True)
    # First its dependencies (npm prunes packages it did not install itself), then the
    # client's own tarball, unpacked as npm would, then the XML-only stand-ins.
    npm("install", "--no-save", "--no-package-lock", *DEPENDENCIES, cwd=cache)
    npm("pack", PACKAGE, "--pack-destination", str(cache), cwd=cache)
    [tarball] = cache.glob("open311-*.tgz")
    target = modules / "open311"
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("package/"):
                member.name = member.name.removeprefix("package/")
                archive.extract(member, target, filter="data")
    for name, source in XML_ONLY.items():
        (modules / name).mkdir(exist_ok=True)
        (modules / name / "index.js").write_text(source)
    return modules


def drive(modules: Path, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(DRIVER), *args],
        env={**os.environ, "NODE_PATH": str(modules)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="session")
def georeport_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the published `georeport` and its dependencies (pip --target)."""
    site = tmp_path_factory.getbasetemp() / "open311-pip"
    if (site / "georeport").is_dir():
        return site
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--target", str(site), GEOREPORT],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        if any(word in done.stderr for word in (*UNREACHABLE, "No matching distribution")):
            skip_loudly(f"PyPI is unreachable ({done.stderr.strip()[:300]})")
        raise AssertionError(f"pip install {GEOREPORT} failed:\n{done.stderr}")
    return site


def georeport(site: Path, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(GEOREPORT_DRIVER), str(site), *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_published_open311_clients_work_unmodified(
    live_server: Any, tenant_factory: TenantFactory, node_open311: Path, georeport_site: Path
) -> None:
    # Given a village on Aduan, the platform's host, and a client application's api_key
    do_ensure_public_tenant()
    village = tenant_factory(
        kind=TenantKind.PEMDES, region_code="33.01.09.2014", slug="babakan-o311"
    )
    _client, key = do_create_open311_client(name="node-open311", tenant=None, actor=None)
    base = f"{live_server.url}/open311/v2"
    post = {
        "service_code": "infrastruktur-desa",
        "lat": "-7.250445",
        "long": "110.402544",
        "address_string": "Jl. Raya Babakan 12",
        "first_name": "Siti",
        "last_name": "Aminah",
        "phone": "081234567890",
        "email": "siti@example.test",
        "description": "Jalan berlubang di depan balai desa.",
        "attributes": {
            "alamat_pengadu": "RT 02 RW 03, Desa Babakan",
            "pokok": "Jalan berlubang",
            "kode_desa": "33.01.09.2014",
            "rahasia": "tidak",
        },
    }
    # When the unmodified client runs discovery, services, a definition, POST and the GETs
    out = drive(
        node_open311,
        f"{base}/discovery.json",
        village.slug,
        key,
        "infrastruktur-desa",
        json.dumps(post),
    )
    # Then discovery gave it the endpoint, and it kept JSON
    assert out["endpoint"] == f"{base}/"
    assert out["format"] == "json"
    assert out["discovery"]["endpoints"][0]["specification"] == (
        "http://wiki.open311.org/GeoReport_v2"
    )
    # And the service list and the definition are what it expects
    assert "infrastruktur-desa" in [s["service_code"] for s in out["services"]]
    definition = out["definition"]
    assert definition["service_code"] == "infrastruktur-desa"
    assert {"alamat_pengadu", "pokok", "kode_desa", "rahasia"} <= {
        a["code"] for a in definition["attributes"]
    }
    # And the POST filed one complaint in the village through intake, from its form body
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    request_id = f"{village.slug}-{complaint.pk}"
    assert [p["service_request_id"] for p in out["posted"]] == [request_id]
    assert complaint.channel == Channel.OPEN311
    assert (complaint.name, complaint.address, complaint.subject) == (
        "Siti Aminah",
        "RT 02 RW 03, Desa Babakan",
        "Jalan berlubang",
    )
    assert complaint.is_confidential is False
    # And the GETs find it: by service code, by a list of ids, and alone (an array of one)
    for name in ("requests", "by_ids", "request"):
        assert [r["service_request_id"] for r in out[name]] == [request_id], name
    [found] = out["request"]
    assert (found["status"], found["service_code"], found["description"]) == (
        "open",
        "infrastruktur-desa",
        "Jalan berlubang di depan balai desa.",
    )
    assert found["address"] == "Jl. Raya Babakan 12"
    # When the Python client reads the same in XML and in JSON
    for fmt in ("xml", "json"):
        read = georeport(georeport_site, base, village.slug, fmt, "infrastruktur-desa", request_id)
        # Then it finds the service, its attributes and the request, as it parses them
        services = read["services"]
        assert "infrastruktur-desa" in [s["service_code"] for s in services], fmt
        attributes = read["definition"]["attributes"]
        if fmt == "xml":  # <attributes><attribute>...: xmltodict's nesting
            attributes = attributes["attribute"]
        assert {"alamat_pengadu", "pokok", "kode_desa", "rahasia"} <= {
            a["code"] for a in attributes
        }, fmt
        for name in ("requests", "by_id"):
            listed = read[name]
            # xmltodict gives one <request> as an object, JSON an array of one
            listed = [listed] if isinstance(listed, dict) else listed
            assert [r["service_request_id"] for r in listed] == [request_id], (fmt, name)
        one = read["request"]
        assert (one["service_request_id"], one["status"], one["description"]) == (
            request_id,
            "open",
            "Jalan berlubang di depan balai desa.",
        ), fmt
