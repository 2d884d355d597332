"""Issue 21: storage metered from events. Every complaint file stored or freed writes one row
of the public ledger in its own transaction; the metering job folds them, idempotently, into
each tenant's bytes; the usage page shows them against the plan's quota; over the quota a
citizen's files are still taken and only a staff step's optional file is refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from aduan.errors import AduanError
from billing.actions.accounts import do_cover_tenant, do_create_account
from billing.actions.plans import do_create_plan
from billing.actions.usage import collect_stored_files, do_meter_usage
from billing.models import MB, UsageCounter, UsageEvent, UsageKind, Watermark
from complaints.actions.forward import do_forward_complaint
from complaints.actions.intake import do_file_complaint
from complaints.actions.workflow import WorkflowErrorCode, do_transition_complaint
from complaints.models import Attachment, Channel, Complaint
from complaints.public.models import StoredFileEvent
from tenants import entitlements
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.files import pdf_bytes, png_bytes
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def _photo(size: int, name: str = "jalan.png") -> SimpleUploadedFile:
    # A real PNG padded to `size` bytes (the checker reads the type from the content).
    body = png_bytes()
    return SimpleUploadedFile(name, body + b"\x00" * (size - len(body)), content_type="image/png")


def _file(tenant: Tenant, *sizes: int) -> Complaint:
    with schema_context(tenant.schema_name):
        return do_file_complaint(
            tenant=tenant, channel=Channel.WEB, name="Siti Aminah", phone="0812-3456-7890",
            address="RT 02 RW 03", subject="Jalan berlubang", description="Jalan berlubang.",
            attachments=[_photo(size, f"foto{n}.png") for n, size in enumerate(sizes)],
        )  # fmt: skip


def _cover(tenant: Tenant, storage_mb: int) -> None:
    do_create_plan(code="kecil", name="Kecil", monthly_price=100_000, features=[],
                   storage_mb=storage_mb,
                   actor=None)  # fmt: skip
    account = do_create_account(name=tenant.name, address="Jl. Merdeka 1", npwp="001234567890100",
                                holder=tenant, actor=None)  # fmt: skip
    do_cover_tenant(account=account, tenant=tenant, plan_code="kecil", actor=None,
                    starts_on=date(2026, 1, 1))  # fmt: skip


def _stored(tenant: Tenant) -> int:
    counter = (
        UsageCounter.objects.filter(tenant=tenant, kind=UsageKind.STORAGE_BYTES)
        .order_by("-period")
        .first()
    )
    return counter.quantity if counter else 0


def test_files_stored_and_freed_are_metered_once_per_tenant_from_the_public_ledger(
    tenant_factory: TenantFactory,
) -> None:
    # Given two villages whose citizens sent files: 300 000 + 200 000 bytes, and 50 000
    village = tenant_factory()
    other = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr-storage")
    with time_machine.travel(datetime(2026, 11, 10, 9, tzinfo=JAKARTA), tick=False):
        kept = _file(village, 300_000, 200_000)
        _file(other, 50_000)
    # then each file wrote one row of the public ledger, with its tenant and size
    with schema_context(village.schema_name):
        sizes = sorted(Attachment.objects.filter(complaint=kept).values_list("size", flat=True))
    assert sizes == [200_000, 300_000]
    assert sorted(StoredFileEvent.objects.values_list("tenant_id", "size")) == sorted(
        [(village.pk, 200_000), (village.pk, 300_000), (other.pk, 50_000)]
    )
    # When the metering job runs in December (November's rows have settled)
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=JAKARTA), tick=False):
        do_meter_usage()
        # Then each tenant's bytes are counted, in November's counter
        assert _stored(village) == 500_000
        assert _stored(other) == 50_000
        # and a replay of the whole ledger (the watermark reset) counts nothing twice
        from_start = UsageEvent.objects.filter(kind=UsageKind.STORAGE_BYTES).count()
        Watermark.objects.filter(name="stored_files").update(last=0)
        assert collect_stored_files() == 0
        do_meter_usage()
        assert UsageEvent.objects.filter(kind=UsageKind.STORAGE_BYTES).count() == from_start
        assert _stored(village) == 500_000
    # When the complaint is forwarded to the agency in December, its files move along
    with time_machine.travel(datetime(2026, 12, 5, 9, tzinfo=JAKARTA), tick=False):
        do_forward_complaint(tenant=village, complaint_id=kept.pk, to=other, reason="Jalan",
                             actor=None)  # fmt: skip
    # then the ledger has the bytes leaving the village and entering the agency
    assert sorted(StoredFileEvent.objects.filter(size__in=[-200_000, -300_000]).values_list(
        "tenant_id", "size")) == [(village.pk, -300_000), (village.pk, -200_000)]  # fmt: skip
    assert StoredFileEvent.objects.filter(tenant=other, size__gt=100_000).count() == 2
    with time_machine.travel(datetime(2027, 1, 3, 9, tzinfo=JAKARTA), tick=False):
        do_meter_usage()
    # Then December's counters carry November's total and the move: 0 and 550 000
    december = dict(
        UsageCounter.objects.filter(kind=UsageKind.STORAGE_BYTES, period=date(2026, 12, 1))
        .values_list("tenant_id", "quantity")
    )
    assert december == {village.pk: 0, other.pk: 550_000}
    # and November's stay as they were at the end of November
    november = dict(
        UsageCounter.objects.filter(kind=UsageKind.STORAGE_BYTES, period=date(2026, 11, 1))
        .values_list("tenant_id", "quantity")
    )
    assert november == {village.pk: 500_000, other.pk: 50_000}


def test_over_the_storage_quota_citizens_files_arrive_and_staff_optional_files_are_refused(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a Disdukcapil office on a plan of 1 MB whose citizens already sent 1.2 MB
    office = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    admin = make_member(office, Role.TENANT_ADMIN)
    officer = make_member(office, Role.OFFICER)
    _cover(office, storage_mb=1)
    _file(office, 700_000, 500_000)
    # When the metering job runs after the rows settled
    with time_machine.travel(timezone.now() + timedelta(minutes=15), tick=False):
        do_meter_usage()
    office.refresh_from_db()
    # Then the tenant row says storage is used up
    assert entitlements.exhausted(office, entitlements.STORAGE_MB)
    # and a citizen's new complaint with a photo is still filed, its file stored
    arrived = _file(office, 100_000)
    with schema_context(office.schema_name):
        assert Attachment.objects.filter(complaint=arrived).count() == 1
    # and a staff step's OPTIONAL file (the answer letter) is refused on its field, nothing
    # stored and the complaint where it was
    with schema_context(office.schema_name):
        complaint = Complaint.objects.get(pk=arrived.pk)
        do_transition_complaint(complaint=complaint, transition="distribute", actor=officer,
                                inputs={"note": "Untuk PIAK"})  # fmt: skip
        before = Attachment.objects.count()
        letter = SimpleUploadedFile("surat.pdf", pdf_bytes(), content_type="application/pdf")
        with pytest.raises(AduanError) as refused:
            do_transition_complaint(complaint=complaint, transition="answer", actor=officer,
                                    inputs={"response": "KTP-el dapat diambil.",
                                            "letter": letter})  # fmt: skip
        assert (refused.value.code, refused.value.extra["field"]) == (
            WorkflowErrorCode.STORAGE_FULL, "letter"
        )
        assert Attachment.objects.count() == before
        assert Complaint.objects.get(pk=arrived.pk).state == "distributed"
        # while the same answer without the file goes through (the citizen is answered)
        do_transition_complaint(complaint=complaint, transition="answer", actor=officer,
                                inputs={"response": "KTP-el dapat diambil."})  # fmt: skip
    # and the usage page shows the bytes against the quota, marked over, with the rule
    sign_in(tenant_client, admin)
    page = tenant_client.get("/billing/", tenant=office)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Penyimpanan berkas" in html
    assert '<td class="over">1,1 MB</td><td>1,0 MB</td>' in html
    assert 'id="storage-chart"' in html
    assert "lampiran warga tetap diterima" in html
    # and the API gives bytes against bytes
    usage = tenant_client.get("/api/v1/billing/account/", tenant=office).json()["usage"]
    (storage,) = [row for row in usage if row["kind"] == "storage_bytes"]
    assert (storage["used"], storage["quota"]) == (1_200_000, MB)
    # When the job runs right after the citizen's new file (its ledger row not settled yet)
    newest = StoredFileEvent.objects.order_by("-id").first()
    assert newest is not None
    do_meter_usage()
    # Then it is counted now, yet the watermark stays before it (a late commit of a lower id
    # would still be read), and the next run reads it again without counting it twice
    assert _stored(office) == 1_300_000
    assert Watermark.objects.get(name="stored_files").last < newest.pk
    do_meter_usage()
    assert _stored(office) == 1_300_000
