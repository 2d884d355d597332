"""Onboarding paths 1 and 2 through the write paths: the operator onboards a regency, a
regency admin onboards agencies one at a time and from CSV (with a dry run), and the
`aduan tenants import` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan import cli
from tenants.actions.onboarding import (
    do_create_agency,
    do_import_agencies,
    do_onboard_regency,
    plan_agency_import,
)
from tenants.errors import OnboardingErrorCode, TenantErrorCode
from tenants.models import Invitation, Role, Tenant, TenantEvent, TenantKind, User
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

HEADER = "name,kind,region_code,slug\n"


@pytest.fixture
def operator(tenant_factory: TenantFactory) -> User:
    return make_member(
        Tenant.objects.get(schema_name="public"), Role.PLATFORM_OPERATOR, username="operator"
    )


@pytest.fixture
def cilacap(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(
        kind=TenantKind.PEMKAB,
        region_code="33.01",
        name="Pemerintah Kabupaten Cilacap",
        slug="pemkab-cilacap",
    )


def _agencies(regency: Tenant) -> list[str]:
    return sorted(Tenant.objects.filter(parent=regency).values_list("slug", flat=True))


# --- Path 1 ---------------------------------------------------------------------------------


def test_operator_onboards_a_regency_with_derived_name_and_slug(operator: User) -> None:
    # When the operator onboards Kabupaten Sanggau by its region code
    tenant = do_onboard_regency(region_code="61.03", admin_email="admin@sanggau.go.id",
                                actor=operator)  # fmt: skip
    # Then its PEMKAB tenant exists, named and slugged from the official name, provisioned
    assert (tenant.slug, tenant.name, tenant.kind, tenant.region_id) == (
        "pemkab-sanggau",
        "Pemerintah Kabupaten Sanggau",
        TenantKind.PEMKAB,
        "61.03",
    )
    assert tenant.schema_state != ""
    # and the creation is audited with who did it
    event = TenantEvent.objects.get(tenant=tenant)
    assert (event.kind, event.actor, event.tenant_slug) == ("created", operator, "pemkab-sanggau")
    # and its regency admin is invited by e-mail
    invitation = Invitation.objects.get(tenant=tenant)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "admin@sanggau.go.id",
        Role.REGENCY_ADMIN,
        operator,
    )


@pytest.mark.parametrize(
    ("code", "email", "error", "field"),
    [
        ("99.99", "a@b.id", TenantErrorCode.UNKNOWN_REGION, "region_code"),
        ("33", "a@b.id", OnboardingErrorCode.NOT_A_REGENCY, "region_code"),
        ("33.01.09", "a@b.id", OnboardingErrorCode.NOT_A_REGENCY, "region_code"),
        ("61.03", "not-an-email", OnboardingErrorCode.INVALID_EMAIL, "admin_email"),
    ],
)
def test_regency_onboarding_refuses_bad_input(
    operator: User, code: str, email: str, error: str, field: str
) -> None:
    before = Tenant.objects.count()
    with pytest.raises(Exception) as raised:
        do_onboard_regency(region_code=code, admin_email=email, actor=operator)
    assert (raised.value.code, raised.value.extra["field"]) == (error, field)  # type: ignore[attr-defined]
    assert Tenant.objects.count() == before
    assert not Invitation.objects.exists()


def test_a_regency_is_onboarded_once(operator: User, cilacap: Tenant) -> None:
    with pytest.raises(Exception) as raised:
        do_onboard_regency(region_code="33.01", admin_email="a@cilacap.go.id", actor=operator)
    assert raised.value.code == OnboardingErrorCode.REGENCY_EXISTS  # type: ignore[attr-defined]
    assert str(raised.value) == "Kabupaten Cilacap sudah terdaftar di Aduan."
    assert Tenant.objects.filter(kind=TenantKind.PEMKAB, region_id="33.01").count() == 1


# --- Path 2: one at a time ----------------------------------------------------------------


def test_regency_admin_creates_an_agency_with_a_derived_slug(cilacap: Tenant) -> None:
    admin = make_member(cilacap, Role.REGENCY_ADMIN, username="admin-cilacap")
    # When the regency admin adds its health office without a slug or a region code
    tenant = do_create_agency(regency=cilacap, name="Dinas Kesehatan Kabupaten Cilacap",
                              kind="opd", actor=admin)  # fmt: skip
    # Then it is an OPD of the regency, at the regency's region, slugged from its name
    assert (tenant.slug, tenant.kind, tenant.region_id, tenant.parent) == (
        "dinas-kesehatan-kabupaten-cilacap",
        TenantKind.OPD,
        "33.01",
        cilacap,
    )
    # and a second agency of the same name gets the next free slug
    again = do_create_agency(regency=cilacap, name="Dinas Kesehatan Kabupaten Cilacap",
                             kind="OPD", actor=admin)  # fmt: skip
    assert again.slug == "dinas-kesehatan-kabupaten-cilacap-2"


@pytest.mark.parametrize(
    ("kind", "region", "name", "field", "message"),
    [
        ("PEMDES", "12.23.01.1001", "Desa Lain", "region_code",
         "Wilayah 12.23.01.1001 tidak berada di Pemerintah Kabupaten Cilacap."),
        ("PEMDES", "33.01", "Desa Tanpa Kode", "region_code",
         "Pemerintah desa memerlukan kode desa/kelurahan, bukan 33.01."),
        ("PEMDES", "33.01.99.9999", "Desa Hantu", "region_code",
         "Kode wilayah 33.01.99.9999 tidak dikenal."),
        ("PEMKAB", "33.01", "Pemkab Kedua", "kind",
         "Jenis PEMKAB tidak dikenal; pilih salah satu dari OPD, DISDUKCAPIL, PEMDES, "
         "INSPEKTORAT."),
        ("OPD", "", " ", "name", "Nama wajib diisi."),
    ],
)  # fmt: skip
def test_agency_refuses_bad_input_and_creates_nothing(
    cilacap: Tenant, kind: str, region: str, name: str, field: str, message: str
) -> None:
    admin = make_member(cilacap, Role.REGENCY_ADMIN, username="admin-cilacap")
    with pytest.raises(Exception) as raised:
        do_create_agency(regency=cilacap, name=name, kind=kind, region_code=region, actor=admin)
    assert raised.value.extra["field"] == field  # type: ignore[attr-defined]
    assert raised.value.extra["fields"][field] == [message]  # type: ignore[attr-defined]
    assert _agencies(cilacap) == []


def test_a_village_with_a_desk_cannot_get_a_second_one(
    cilacap: Tenant, tenant_factory: TenantFactory
) -> None:
    admin = make_member(cilacap, Role.REGENCY_ADMIN, username="admin-cilacap")
    tenant_factory(region_code="33.01.09.2014", slug="desa-babakan", parent=cilacap)
    with pytest.raises(Exception) as raised:
        do_create_agency(regency=cilacap, name="Desa Babakan Lagi", kind="PEMDES",
                         region_code="33.01.09.2014", actor=admin)  # fmt: skip
    assert str(raised.value) == "Babakan sudah memiliki layanan pengaduan di Aduan."
    assert _agencies(cilacap) == ["desa-babakan"]


# --- Path 2: CSV ----------------------------------------------------------------------------


GOOD_CSV = (
    HEADER
    + "Dinas Kesehatan,OPD,33.01,dinkes-cilacap\n"
    + "Disdukcapil Kabupaten Cilacap,DISDUKCAPIL,,\n"
    + "Pemerintah Desa Kuripan Kidul,PEMDES,33.01.02.2014,\n"
)


def test_dry_run_validates_and_creates_nothing(cilacap: Tenant) -> None:
    plan = do_import_agencies(regency=cilacap, content=GOOD_CSV.encode(), actor=None,
                              dry_run=True)  # fmt: skip
    assert [(r.line, r.slug, r.region_code) for r in plan.rows] == [
        (2, "dinkes-cilacap", "33.01"),
        (3, "disdukcapil-kabupaten-cilacap", "33.01"),
        (4, "pemerintah-desa-kuripan-kidul", "33.01.02.2014"),
    ]
    assert _agencies(cilacap) == []


def test_import_creates_every_row_under_the_regency(cilacap: Tenant) -> None:
    admin = make_member(cilacap, Role.REGENCY_ADMIN, username="admin-cilacap")
    seen: list[int] = []
    do_import_agencies(regency=cilacap, content=GOOD_CSV.encode("utf-8-sig"), actor=admin,
                       progress=lambda row, total: seen.append(row.line))  # fmt: skip
    assert _agencies(cilacap) == [
        "dinkes-cilacap",
        "disdukcapil-kabupaten-cilacap",
        "pemerintah-desa-kuripan-kidul",
    ]
    assert seen == [2, 3, 4]
    assert TenantEvent.objects.filter(tenant__parent=cilacap, actor=admin).count() == 3


def test_partly_invalid_csv_reports_every_error_with_its_row_and_creates_none(
    cilacap: Tenant, tenant_factory: TenantFactory
) -> None:
    tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="dinas-lama", parent=cilacap)
    content = (
        HEADER
        + "Dinas Kesehatan,OPD,33.01,dinkes\n"  # 2: fine
        + "Desa Salah,PEMDES,12.23.01.1001,\n"  # 3: outside the regency
        + "Dinas Aneh,BUMN,33.01,\n"  # 4: bad kind
        + "Dinas Kembar,OPD,33.01,dinkes\n"  # 5: duplicate slug within the file
        + "Dinas Lama,OPD,33.01,dinas-lama\n"  # 6: slug taken
        + ",OPD,33.01,tanpa-nama\n"  # 7: missing name
        + "Dinas X,OPD,99.99,\n"  # 8: unknown region
        + "Terlalu,OPD,33.01,a,b\n"  # 9: too many columns
    )
    with pytest.raises(Exception) as raised:
        do_import_agencies(regency=cilacap, content=content.encode(), actor=None)
    error = raised.value
    assert error.code == OnboardingErrorCode.CSV_ROWS  # type: ignore[attr-defined]
    assert str(error) == "7 masalah ditemukan; tidak ada instansi yang dibuat."
    assert [(e["row"], e["field"]) for e in error.extra["errors"]] == [  # type: ignore[attr-defined]
        (3, "region_code"),
        (4, "kind"),
        (5, "slug"),
        (6, "slug"),
        (7, "name"),
        (8, "region_code"),
        (9, "-"),
    ]
    rows = {(e["row"], e["field"]): e["message"] for e in error.extra["errors"]}  # type: ignore[attr-defined]
    assert rows == {
        (3, "region_code"): "Wilayah 12.23.01.1001 tidak berada di Pemerintah Kabupaten Cilacap.",
        (4, "kind"): "Jenis BUMN tidak dikenal; pilih salah satu dari OPD, DISDUKCAPIL, PEMDES, "
        "INSPEKTORAT.",
        (5, "slug"): "Slug dinkes muncul dua kali.",
        (6, "slug"): "Slug dinas-lama sudah dipakai.",
        (7, "name"): "Nama wajib diisi.",
        (8, "region_code"): "Kode wilayah 99.99 tidak dikenal.",
        (9, "-"): "Jumlah kolom (5) tidak sama dengan baris judul.",
    }
    # and nothing was created, not even the valid first row
    assert _agencies(cilacap) == ["dinas-lama"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nama,jenis\nDinas,OPD\n",
         "Baris judul harus berisi kolom name,kind,region_code,slug (ditemukan: nama,jenis)."),
        ("name,kind,region_code\nDinas Pendidikan Ñ,OPD,33.01\n".encode("latin-1"),
         "Berkas CSV harus berenkode UTF-8 (byte tak terbaca di posisi 39)."),
        (b"name,kind,region_code\n\"Dinas,OPD,33.01\n",
         "Berkas CSV rusak di baris 2: unexpected end of data"),
        (b"name,kind,region_code\n", "Berkas CSV tidak berisi baris data."),
        (b"%PDF-1.4\x00\x01", "Berkas ini bukan berkas teks CSV."),
        (b"", "Baris judul harus berisi kolom name,kind,region_code,slug (ditemukan: -)."),
    ],
)  # fmt: skip
def test_unreadable_csv_is_one_clear_error(cilacap: Tenant, content: bytes, message: str) -> None:
    with pytest.raises(Exception) as raised:
        plan_agency_import(regency=cilacap, content=content)
    assert raised.value.code == OnboardingErrorCode.CSV_INVALID  # type: ignore[attr-defined]
    assert str(raised.value) == message
    assert _agencies(cilacap) == []


# --- The command line ---------------------------------------------------------------------


def test_cli_dry_run_lists_what_it_would_create(
    cilacap: Tenant, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    code = cli.main(["tenants", "import", str(path), "--dry-run", "--regency", "pemkab-cilacap"])
    out, _err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == [
        "OK baris 2: dinkes-cilacap (OPD, 33.01) Dinas Kesehatan",
        "OK baris 3: disdukcapil-kabupaten-cilacap (DISDUKCAPIL, 33.01)"
        " Disdukcapil Kabupaten Cilacap",
        "OK baris 4: pemerintah-desa-kuripan-kidul (PEMDES, 33.01.02.2014)"
        " Pemerintah Desa Kuripan Kidul",
        "Uji coba: 3 instansi valid, tidak ada yang dibuat.",
    ]
    assert _agencies(cilacap) == []


def test_cli_import_creates_with_a_progress_bar(
    cilacap: Tenant, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    code = cli.main(["tenants", "import", str(path), "--regency", "pemkab-cilacap"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[-1] == "3 instansi dibuat di bawah Pemerintah Kabupaten Cilacap."
    assert "3/3" in err  # tqdm's bar
    assert len(_agencies(cilacap)) == 3


def test_cli_prints_every_row_error_and_exits_non_zero(
    cilacap: Tenant, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(HEADER + "Dinas,OPD,99.99,\nDesa,PEMDES,33.01,\n", encoding="utf-8")
    code = cli.main(["tenants", "import", str(path), "--regency", "pemkab-cilacap"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        "aduan: error: baris 2 (region_code): Kode wilayah 99.99 tidak dikenal.",
        "aduan: error: baris 3 (region_code): Pemerintah desa memerlukan kode desa/kelurahan,"
        " bukan 33.01.",
        "aduan: error: 2 masalah ditemukan; tidak ada instansi yang dibuat.",
    ]
    assert _agencies(cilacap) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--regency", "pemkab-entah"], "aduan: error: Kabupaten pemkab-entah tidak ditemukan."),
        ([], "aduan: error: Sebutkan kabupaten tujuan dengan --regency SLUG."),
    ],
)
def test_cli_refuses_a_missing_regency(
    cilacap: Tenant,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    code = cli.main(["tenants", "import", str(path), *args])
    assert code == 1
    assert capsys.readouterr().err.strip() == message
    assert _agencies(cilacap) == []


def test_cli_refuses_a_missing_file(cilacap: Tenant, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["tenants", "import", "/nonexistent/x.csv", "--regency", "pemkab-cilacap"])
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        "aduan: error: [Errno 2] No such file or directory: '/nonexistent/x.csv'"
    )


# --- Pages and API --------------------------------------------------------------------------


def test_operator_onboards_a_regency_through_the_api_and_the_page(
    operator: User, tenant_client: TenantClient
) -> None:
    sign_in(tenant_client, operator)
    response = tenant_client.post(
        "/api/v1/regencies/",
        {"region_code": "61.03", "admin_email": "admin@sanggau.go.id"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["slug"], response.json()["kind"]) == ("pemkab-sanggau", "PEMKAB")
    # A bad region code is a field error, and nothing is created
    bad = tenant_client.post(
        "/console/regencies/", {"region_code": "99.99", "admin_email": "a@b.id"}
    )
    assert bad.status_code == 400
    assert "Kode wilayah 99.99 tidak dikenal." in bad.content.decode()
    page = tenant_client.post(
        "/console/regencies/", {"region_code": "62.05", "admin_email": "a@barut.go.id"}
    )
    assert (page.status_code, page["Location"]) == (302, "/console/tenants/pemkab-barito-utara/")
    assert sorted(Tenant.objects.filter(kind="PEMKAB").values_list("slug", flat=True)) == [
        "pemkab-barito-utara",
        "pemkab-sanggau",
    ]


def test_regency_admin_is_404_for_the_operators_regency_page(
    cilacap: Tenant, tenant_client: TenantClient
) -> None:
    sign_in(tenant_client, make_member(cilacap, Role.REGENCY_ADMIN))
    response = tenant_client.post(
        "/api/v1/regencies/", {"region_code": "61.03", "admin_email": "a@b.id"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
    assert not Tenant.objects.filter(region_id="61.03").exists()


def test_agencies_through_the_api_including_a_csv_dry_run(
    cilacap: Tenant, tenant_client: TenantClient
) -> None:
    sign_in(tenant_client, make_member(cilacap, Role.REGENCY_ADMIN))
    base = "/api/v1/regencies/pemkab-cilacap/agencies/"
    created = tenant_client.post(base, {"name": "Dinas Sosial", "kind": "OPD"},
                                 content_type="application/json")  # fmt: skip
    assert (created.status_code, created.json()["slug"]) == (201, "dinas-sosial")
    outside = tenant_client.post(
        base, {"name": "Desa Lain", "kind": "PEMDES", "region_code": "61.03"},
        content_type="application/json",
    )  # fmt: skip
    assert outside.status_code == 400
    assert outside.json()["extra"]["fields"] == {
        "region_code": ["Wilayah 61.03 tidak berada di Pemerintah Kabupaten Cilacap."]
    }
    dry = tenant_client.post(base + "import/", {"file": _csv(GOOD_CSV), "dry_run": "true"})
    assert dry.status_code == 200
    assert [r["row"] for r in dry.json()["rows"]] == [2, 3, 4]
    assert _agencies(cilacap) == ["dinas-sosial"]
    bad = tenant_client.post(base + "import/", {"file": _csv(HEADER + "X,OPD,99.99,\n")})
    assert bad.status_code == 400
    assert bad.json()["extra"]["errors"] == [
        {"row": 2, "field": "region_code", "message": "Kode wilayah 99.99 tidak dikenal."}
    ]
    done = tenant_client.post(base + "import/", {"file": _csv(GOOD_CSV)})
    assert done.status_code == 201
    assert len(tenant_client.get(base).json()) == 4


def test_csv_upload_page_previews_then_creates(
    cilacap: Tenant, tenant_client: TenantClient
) -> None:
    sign_in(tenant_client, make_member(cilacap, Role.REGENCY_ADMIN))
    url = "/console/regencies/pemkab-cilacap/agencies/import/"
    # A file with an error: the preview lists it and offers no confirmation
    bad = tenant_client.post(url, {"file": _csv(HEADER + "Dinas,BUMN,33.01,\n")})
    html = bad.content.decode()
    assert "Baris 2 (kind): Jenis BUMN tidak dikenal" in html
    assert 'name="confirm"' not in html
    # A good file: preview, nothing created yet, then confirm creates all
    preview = tenant_client.post(url, {"file": _csv(GOOD_CSV)})
    assert preview.status_code == 200
    assert 'name="confirm"' in preview.content.decode()
    assert _agencies(cilacap) == []
    confirmed = tenant_client.post(url, {"confirm": "1"})
    assert confirmed["Location"] == "/console/regencies/pemkab-cilacap/agencies/"
    assert len(_agencies(cilacap)) == 3


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("agencies.csv", text.encode(), content_type="text/csv")


def test_front_door_shows_console_links_only_to_those_who_govern(
    cilacap: Tenant, tenant_client: TenantClient
) -> None:
    sign_in(tenant_client, make_member(cilacap, Role.OFFICER))
    assert 'id="console-links"' not in tenant_client.get("/").content.decode()
    sign_in(tenant_client, make_member(cilacap, Role.REGENCY_ADMIN))
    html = tenant_client.get("/").content.decode()
    assert '<a href="/console/desk-requests/">Verifikasi layanan desa</a>' in html
