"""Demo tenants made from the real region codes, and a demo user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant, do_request_desk
from tenants.models import DeskRequest, Membership, Role, Tenant, TenantKind, User

DEMO_PASSWORD = "aduan-demo-2026"  # noqa: S105 - printed by `aduan up` for the local demo only


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    kind: TenantKind
    region_code: str
    parent_slug: str | None = None


DEMO_TENANTS = [
    DemoTenant(
        "pemkab-barito-utara", "Pemerintah Kabupaten Barito Utara", TenantKind.PEMKAB, "62.05"
    ),
    DemoTenant(
        "disdukcapil-labuhanbatu-utara",
        "Disdukcapil Kabupaten Labuhanbatu Utara",
        TenantKind.DISDUKCAPIL,
        "12.23",
    ),
    DemoTenant(
        "disdukcapil-sanggau", "Disdukcapil Kabupaten Sanggau", TenantKind.DISDUKCAPIL, "61.03"
    ),
    DemoTenant("pemkab-cilacap", "Pemerintah Kabupaten Cilacap", TenantKind.PEMKAB, "33.01"),
    DemoTenant(
        "desa-kuripan-kidul",
        "Pemerintah Desa Kuripan Kidul",
        TenantKind.PEMDES,
        "33.01.02.2014",
        "pemkab-cilacap",
    ),
    DemoTenant(
        "desa-babakan",
        "Pemerintah Desa Babakan",
        TenantKind.PEMDES,
        "33.01.09.2014",
        "pemkab-cilacap",
    ),
]

# One login per role; each is a member of every demo tenant where the role makes sense.
DEMO_USERS: list[tuple[str, Role]] = [
    ("operator", Role.PLATFORM_OPERATOR),
    ("admin-kabupaten", Role.REGENCY_ADMIN),
    ("admin", Role.TENANT_ADMIN),
    ("petugas", Role.OFFICER),
    ("penjawab", Role.ANSWER_TEAM),
    ("penghubung", Role.LIAISON),
    ("kepala", Role.HEAD),
    ("auditor", Role.AUDITOR),
    ("wbs", Role.WBS_OFFICER),
]


def do_create_demo_data() -> list[Tenant]:
    """Idempotent: a second run finds everything in place and changes nothing."""
    public = do_ensure_public_tenant()
    tenants: dict[str, Tenant] = {}
    for demo in DEMO_TENANTS:
        existing = Tenant.objects.filter(slug=demo.slug).first()
        tenants[demo.slug] = existing or do_create_tenant(
            slug=demo.slug,
            name=demo.name,
            kind=demo.kind,
            region_code=demo.region_code,
            parent=tenants.get(demo.parent_slug) if demo.parent_slug else None,
        )
    with transaction.atomic():
        for username, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == Role.PLATFORM_OPERATOR
                user.save()
            for tenant in _tenants_for(role, public, tenants):
                Membership.objects.get_or_create(user=user, tenant=tenant, role=role)
    _create_demo_desk_request()
    return list(tenants.values())


# A village of Cilacap without a desk asks for one, so the verification queue is not empty.
DEMO_DESK_VILLAGE = "33.01.12.2010"  # Desa Babakan, Kec. Karangpucung


def _create_demo_desk_request() -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    if DeskRequest.objects.filter(village_id=DEMO_DESK_VILLAGE).exists():
        return
    if Tenant.objects.filter(region_id=DEMO_DESK_VILLAGE).exists():
        return
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4, in points
    letter = io.BytesIO()
    writer.write(letter)
    do_request_desk(
        village_code=DEMO_DESK_VILLAGE,
        officer_name="Sri Wahyuni",
        officer_phone="0812-2700-1234",
        officer_email="sekdes.babakan@example.id",
        letter=SimpleUploadedFile("surat-permohonan.pdf", letter.getvalue()),
    )


def _tenants_for(role: Role, public: Tenant, tenants: dict[str, Tenant]) -> list[Tenant]:
    if role == Role.PLATFORM_OPERATOR:
        return [public]
    if role == Role.REGENCY_ADMIN:
        return [t for t in tenants.values() if t.kind == TenantKind.PEMKAB]
    return list(tenants.values())
