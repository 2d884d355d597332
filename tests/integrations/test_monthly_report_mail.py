"""The head's monthly report reaches the head by e-mail on the first working day, the PDF
attached, through the staff e-mail sweeper and a real SMTP server on loopback (aiosmtpd);
the copy kept is the one mailed."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage
from pypdf import PdfReader

from aduan.db import tenant_db
from complaints.actions.statistics import do_send_monthly_reports
from complaints.public.models import MonthlyReport, Notification
from integrations.staff import deliver_staff_notifications
from tenants.models import Role, TenantKind
from tests.complaints.test_statistics import at, seed_march, wib
from tests.factories import TenantFactory, make_member
from tests.integrations.conftest import SmtpInbox


def test_the_monthly_report_is_mailed_to_each_head_with_its_pdf(
    tenant_factory: TenantFactory, smtp: SmtpInbox
) -> None:
    # Given March's hand-counted complaints and two heads, one of them without an address
    tenant, _made = seed_march(tenant_factory)
    head = make_member(tenant, Role.HEAD)
    silent = make_member(tenant, Role.HEAD)
    silent.email = ""
    silent.save()
    # When the job runs on the first working day of April (Wednesday 1) and the sweeper mails
    with at(wib(2026, 4, 1, 14)):
        sent = do_send_monthly_reports()
        tenant_db.set_schema_to_public()
        deliver_staff_notifications()
        assert deliver_staff_notifications() == 0
    # Then every head (the test's answers were approved by heads too) has the notice, and
    # each with an address got one mail with the PDF; the one without got none
    report = MonthlyReport.objects.get(tenant=tenant)
    heads = {r["user_id"]: r["email"] for r in report.recipients}
    assert {user_id for _schema, user_id in sent} == set(heads) >= {head.pk, silent.pk}
    mails = [m for m in smtp.messages if m["Subject"] == "Laporan bulanan pengaduan Maret 2026"]
    assert sorted(m["To"] for m in mails) == sorted(email for email in heads.values() if email)
    assert heads[silent.pk] == "" and head.email in [m["To"] for m in mails]
    mail = next(m for m in mails if m["To"] == head.email)
    [pdf_part] = [part for part in mail.walk() if part.get_content_type() == "application/pdf"]
    attached = pdf_part.get_payload(decode=True)
    assert isinstance(attached, bytes)
    assert (pdf_part.get_filename() or "").startswith(f"laporan-{tenant.slug}-2026-03")
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(attached)).pages).split()
    )
    for expected in ("Periode: Maret 2026", "Pengaduan diterima 5",
                     "Selesai dalam batas waktu 3 (60,0 %)", "Laporan WBS 1"):  # fmt: skip
        assert expected in text, expected
    assert "F rahasia" not in text
    # The copy kept for the sent reports page is the very file mailed
    with default_storage.open(report.file, "rb") as kept:
        assert kept.read() == attached
    assert Notification.objects.filter(delivered_at__isnull=True).count() == 0


def test_no_report_is_mailed_on_a_day_that_is_not_the_first_working_day(
    tenant_factory: TenantFactory, smtp: SmtpInbox
) -> None:
    with at(wib(2026, 2, 2)):
        tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    make_member(tenant, Role.HEAD)
    # Thursday 2 April is the second working day: nothing is written, nothing is mailed
    with at(wib(2026, 4, 2, 14)):
        assert do_send_monthly_reports() == []
        assert deliver_staff_notifications() == 0
    assert smtp.messages == []
    assert not MonthlyReport.objects.filter(tenant=tenant).exists()
