"""The village website's embedded form (seed 003): a plain HTML page served from another port
frames the form and a citizen files a complaint in it, on a phone-sized screen; a page from an
origin the village did not register cannot frame it."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from complaints.actions.doors import do_set_citizen_doors
from complaints.models import Complaint
from tests.factories import TenantFactory
from tests.integrations.fakes import serve

pytestmark = pytest.mark.browser


@dataclass
class VillageWebsite:
    """A plain HTML page with the snippet pasted in (served by the fakes' loopback server)."""

    embed_url: str

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        html = (
            "<!doctype html><html lang='id'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>Desa Kuripan Kidul</title></head><body><h1>Website Desa Kuripan Kidul</h1>"
            f"<iframe id='aduan' src='{self.embed_url}' title='Pengaduan' "
            "style='width:100%;height:1400px;border:0'></iframe></body></html>"
        )
        return 200, (html.encode(), "text/html; charset=utf-8")


def village_website(embed_url: str) -> AbstractContextManager[str]:
    """The page on a port of its own: another origin than Aduan's."""
    return serve(VillageWebsite(embed_url))


def test_a_registered_website_frames_the_form_and_a_citizen_files_in_it(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given Desa Kuripan Kidul, whose website registered its origin
    village = tenant_factory(name="Pemerintah Desa Kuripan Kidul", slug="kuripan-kidul")
    embed = f"{live_server.url}/t/kuripan-kidul/embed/"
    with village_website(embed) as site:
        do_set_citizen_doors(
            tenant=village, embed_origins=[site], colour="#8a1c1c", confirm_phone=False, actor=None
        )
        # When a citizen opens the village's website on a phone
        page.goto(site + "/")
        frame = page.frame_locator("#aduan")
        expect(frame.get_by_role("heading", name="Pemerintah Desa Kuripan Kidul")).to_be_visible()
        # and fills the form inside it, forgetting the subject's words first
        frame.get_by_label("Nama").first.fill("Siti Aminah")
        frame.get_by_label("Alamat").first.fill("RT 02 RW 01, Kuripan Kidul")
        frame.get_by_label("Nomor telepon/WhatsApp").fill("12")
        frame.get_by_label("Pokok pengaduan").fill("Saluran air tersumbat")
        frame.get_by_label("Uraian pengaduan").fill("Saluran di depan balai desa tersumbat.")
        frame.get_by_role("button", name="Kirim pengaduan").click()
        # Then the error shows next to its field, in the frame, and what was typed stays
        expect(frame.locator("#error-phone")).to_be_visible()
        expect(frame.get_by_label("Pokok pengaduan")).to_have_value("Saluran air tersumbat")
        frame.get_by_label("Nomor telepon/WhatsApp").fill("0812 3456 7890")
        frame.get_by_role("button", name="Kirim pengaduan").click()
        # Then the tracking code shows in the frame, and the complaint is in the register
        code = frame.locator("#tracking-code")
        expect(code).to_be_visible()
        with schema_context(village.schema_name):
            complaint = Complaint.objects.get()
        assert code.inner_text() == complaint.tracking_code
        assert (complaint.name, complaint.phone) == ("Siti Aminah", "+6281234567890")
        # (the tenant's colour reached the framed page)
        colour = frame.locator("button, a").first.evaluate(
            "() => getComputedStyle(document.querySelector('h1')).color"
        )
        assert colour == "rgb(138, 28, 28)"


def test_a_website_the_village_did_not_register_cannot_frame_the_form(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given a village that registered only its own website
    village = tenant_factory(name="Pemerintah Desa Kuripan Kidul", slug="kuripan-kidul")
    do_set_citizen_doors(
        tenant=village,
        embed_origins=["https://desa-kuripankidul.id"],
        colour="",
        confirm_phone=False,
        actor=None,
    )
    # When another site frames the form, and the tenant's own complaint page
    for path in ("embed/", "pengaduan/baru/"):
        with village_website(f"{live_server.url}/t/kuripan-kidul/{path}") as site:
            page.goto(site + "/")
            page.wait_for_load_state("load")
            # Then the browser refuses to show it: no form inside the frame
            [child] = [f for f in page.frames if f != page.main_frame]
            assert child.locator("#complaint-form").count() == 0, path
