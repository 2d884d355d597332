"""The public transparency list: public complaints with step and due date, on a map where
they have coordinates; never rahasia, never WBS, never who filed them."""

from __future__ import annotations

import pytest

from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db


def test_the_list_shows_public_complaints_only_and_no_identity(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory(slug="desa-babakan")
    other = tenant_factory(slug="desa-lain")
    opened = file_complaint(
        village,
        subject="Lampu jalan mati",
        is_confidential=False,
        latitude="-7.7",
        longitude="108.9",
    )
    anonymous = file_complaint(
        village, subject="Sampah menumpuk", is_confidential=False, is_anonymous=True
    )
    file_complaint(village, subject="Rahasia pribadi")  # the default: rahasia
    file_complaint(village, subject="Pungutan liar", is_confidential=False, is_wbs=True)
    file_complaint(other, subject="Di desa lain", is_confidential=False)
    # When anyone opens the tenant's transparency page (linked from its landing page)
    home = tenant_client.get("/", tenant=village).content.decode()
    assert 'id="transparency-link"' in home
    page = tenant_client.get("/transparansi/", tenant=village).content.decode()
    # Then the public ones show with their step, the others never, nor the complainant
    assert "Lampu jalan mati" in page and "Sampah menumpuk" in page
    for hidden in ("Rahasia pribadi", "Pungutan liar", "Di desa lain", "Siti Aminah", "0812"):
        assert hidden not in page
    assert page.count('class="step"') == 2
    # and the one with coordinates is a point on the map
    assert page.count('class="complaint-point"') == 1
    # The API says the same
    body = tenant_client.get("/api/v1/transparency/", tenant=village).json()
    assert [r["number"] for r in body["results"]] == [anonymous.number, opened.number]
    assert body["next_page"] is None
    assert set(body["results"][0]) == {
        "number",
        "subject",
        "category",
        "step",
        "received_at",
        "due_at",
        "latitude",
        "longitude",
    }
