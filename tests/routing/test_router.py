"""The router: categories from keywords, villages from codes and addresses, authorities from
the directory, and the reason it gives."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection

from routing import router
from routing.models import Authority
from routing.router import Outcome, classify, propose
from routing.selectors import catalogue
from tenants.models import RegionLevel, Tenant, TenantKind
from tenants.regions import forget_regions, region_at
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

BABAKAN_KAWUNGANTEN = "33.01.09.2014"
BABAKAN_KARANGPUCUNG = "33.01.12.2010"


def test_keywords_choose_the_category_and_say_which_words_decided(reference_data: object) -> None:
    # When a text about an e-KTP is classified
    found = classify("KTP saya belum jadi", None)
    many = classify("Perekaman e-KTP sudah 3 bulan, KTP belum dicetak")
    # Then one keyword and no rival is sure; the words are named in the reason
    assert (found.category and found.category.key, found.sure) == ("ktp-el", True)
    assert found.reason == "kata kunci: 'KTP' → KTP elektronik (KTP-el)"
    assert many.category is not None and many.category.key == "ktp-el"
    assert many.matched == ["Perekaman", "e-KTP", "KTP"]


def test_a_tie_or_no_keyword_is_unsure(reference_data: object) -> None:
    # When the text names two matters equally, or none
    tie = classify("Jalan rusak dan sampah menumpuk", None)
    none = classify("Mohon perhatiannya", None)
    # Then no category is chosen
    assert (tie.category, tie.sure) == (None, False)
    assert tie.reason.startswith("kata kunci seimbang antara: ")
    assert (none.category, none.sure, none.reason) == (None, False, "tidak ada kata kunci kategori")


def test_defaults_per_kind_declare_categories_coverage_and_higher_authority(
    tenant_factory: TenantFactory,
) -> None:
    # Given a regency with its Disdukcapil, its public-works OPD and a village
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    dukcapil = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency)
    pupr = tenant_factory(
        kind=TenantKind.OPD,
        region_code="33.01",
        parent=regency,
        name="Dinas Pekerjaan Umum dan Penataan Ruang Kab. Cilacap",
    )
    village = tenant_factory(kind=TenantKind.PEMDES, region_code=BABAKAN_KAWUNGANTEN)

    # Then each declares its kind's categories and coverage; the village's higher authority
    # is the regency government even without a parent
    def declared(tenant: Tenant) -> tuple[list[str], str, int | None]:
        authority = Authority.objects.get(tenant=tenant)
        keys = sorted(authority.categories.values_list("key", flat=True))
        return keys, authority.coverage_code, authority.higher_id

    assert declared(dukcapil) == (
        ["akta-kelahiran", "akta-kematian", "kartu-keluarga", "kia", "ktp-el", "pindah-datang"],
        "33.01",
        regency.pk,
    )
    assert declared(pupr) == (["jalan-jembatan"], "33.01", regency.pk)
    assert declared(village) == (
        [
            "administrasi-desa",
            "bansos-desa",
            "dana-desa",
            "infrastruktur-desa",
            "surat-keterangan-desa",
        ],
        BABAKAN_KAWUNGANTEN,
        regency.pk,
    )
    assert declared(regency) == (["kepegawaian", "pemerintahan-umum"], "33.01", None)


def test_a_village_matter_goes_to_the_right_babakan_by_its_code(
    tenant_factory: TenantFactory,
) -> None:
    # Given the two Desa Babakan of Cilacap on Aduan
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    kawunganten = tenant_factory(region_code=BABAKAN_KAWUNGANTEN, parent=regency)
    karangpucung = tenant_factory(region_code=BABAKAN_KARANGPUCUNG, parent=regency)
    # When a village-funds matter names the village by code, or by name and district
    by_code = propose(
        subject="Dana desa tidak transparan",
        description="APBDes tidak diumumkan",
        village_code=BABAKAN_KARANGPUCUNG,
    )
    by_address = propose(
        subject="Dana desa tidak transparan",
        address_text="Desa Babakan, Kecamatan Kawunganten",
        regency_code="33.01",
    )
    ambiguous = propose(
        subject="Dana desa tidak transparan", address_text="Desa Babakan", regency_code="33.01"
    )
    # Then each reaches its own Babakan, and a bare "Babakan" goes to the regency's triage
    assert (by_code.outcome, by_code.target) == (Outcome.ROUTE, karangpucung)
    assert by_code.reason == (
        "kata kunci: 'Dana desa', 'APBDes' → Dana desa dan keuangan desa; "
        f"desa {BABAKAN_KARANGPUCUNG} (Babakan); → {karangpucung.name}"
    )
    assert (by_address.outcome, by_address.target) == (Outcome.ROUTE, kawunganten)
    assert (ambiguous.outcome, ambiguous.target) == (Outcome.TRIAGE, regency)
    assert "alamat cocok dengan 2 desa" in ambiguous.reason


def test_a_body_not_on_aduan_hands_up_then_to_lapor(tenant_factory: TenantFactory) -> None:
    # Given Cilacap's government on Aduan but no Disdukcapil, and Sanggau with nothing at all
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    # When KTP matters from each are routed
    cilacap = propose(subject="KTP-el belum jadi", village_code=BABAKAN_KAWUNGANTEN)
    sanggau = propose(subject="KTP-el belum jadi", regency_code="61.03")
    coordinates = propose(
        subject="KTP-el belum jadi", regency_code="61.03", latitude="-7.5", longitude="109.0"
    )
    # Then Cilacap's goes up to the regency government, Sanggau's is marked for SP4N-LAPOR!
    assert (cilacap.outcome, cilacap.target) == (Outcome.ROUTE, regency)
    assert "belum ada instansi KTP elektronik (KTP-el) untuk desa ini di Aduan" in cilacap.reason
    assert (sanggau.outcome, sanggau.target) == (Outcome.LAPOR, None)
    assert "koordinat tidak dipetakan ke desa" in coordinates.reason


def test_the_word_filter_finds_what_every_pattern_finds(
    reference_data: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Texts made of the catalogue's own keywords, their pieces and other words, in any case,
    # glued by spaces, punctuation or nothing
    keywords = [kw for c in catalogue() for kw in c.keywords]
    pieces = [*keywords, *(w for kw in keywords for w in kw.split()), "desa", "mohon", "x"]
    glue = [" ", ", ", "-", "", "/", ". "]
    rng = random.Random(2026)
    texts = []
    for _ in range(1500):
        words = [rng.choice(pieces) for _ in range(rng.randint(1, 8))]
        cased = [
            w.upper() if rng.random() < 0.2 else w.title() if rng.random() < 0.3 else w
            for w in words
        ]
        texts.append("".join(w + rng.choice(glue) for w in cased))
    filtered = [classify(text) for text in texts]
    # When every keyword's pattern runs over every text (no keyword is filtered out)
    monkeypatch.setattr(router, "_words", lambda text: frozenset())
    router._compiled.cache_clear()
    try:
        everything = [classify(text) for text in texts]
    finally:
        router._compiled.cache_clear()
    # Then the filter changed no answer, and the texts were not trivial
    assert filtered == everything
    assert sum(1 for found in everything if found.sure) > 300


def test_a_village_by_code_comes_with_its_declared_authorities_in_one_statement(
    tenant_factory: TenantFactory, django_assert_num_queries: Any
) -> None:
    # Given Cilacap's government and Desa Babakan (Karangpucung) on Aduan, no village kept
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    karangpucung = tenant_factory(region_code=BABAKAN_KARANGPUCUNG, parent=regency)
    funds = next(c for c in catalogue() if c.key == "dana-desa")
    ktp = next(c for c in catalogue() if c.key == "ktp-el")
    forget_regions()
    # When the village is read with those declaring a category for it, in one statement each
    with django_assert_num_queries(3):
        village, declared = router.village_and_declared(funds, BABAKAN_KARANGPUCUNG)
        _same, nobody = router.village_and_declared(ktp, BABAKAN_KAWUNGANTEN)
        unknown, none = router.village_and_declared(funds, "33.01.99.9999")
    # Then each answers as the two reads it replaces (the narrowest declaration wins)
    assert village is not None and village.name == "Babakan"
    assert declared == router.declared_authority(funds, BABAKAN_KARANGPUCUNG) == [karangpucung]
    assert nobody == router.declared_authority(ktp, BABAKAN_KAWUNGANTEN) == []
    assert (unknown, none) == (None, [])
    # And the village (and the unknown code) are kept: region_at reads neither again
    with django_assert_num_queries(0):
        assert region_at(BABAKAN_KARANGPUCUNG, RegionLevel.VILLAGE) == village
        assert region_at("33.01.99.9999", RegionLevel.VILLAGE) is None


def test_the_directory_reads_keep_a_generic_plan_that_uses_the_indexes(
    reference_data: object,
) -> None:
    # Given a regency's worth of tenants (1,000 rows; no schemas: only the directory is read),
    # each declaring the same five categories for its own village (as villages declare their
    # kind's defaults), and the tables' statistics taken
    keys = ["dana-desa", *[c.key for c in catalogue() if c.key != "dana-desa"][:4]]
    tenants = Tenant.objects.bulk_create(
        Tenant(
            schema_name=f"t_plan_{n}", slug=f"plan-{n}", name=f"Desa {n}", kind=TenantKind.PEMDES
        )
        for n in range(1000)
    )
    authorities = Authority.objects.bulk_create(
        Authority(tenant=tenant, coverage_code=f"35.01.01.{n:04d}")
        for n, tenant in enumerate(tenants)
    )
    Authority.categories.through.objects.bulk_create(
        Authority.categories.through(authority=authority, category_id=key)
        for authority in authorities
        for key in keys
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tenants_tenant, tenants_authority, tenants_authority_categories")
        # When each read is planned as the public connection keeps it: one generic plan
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        plans = {}
        for name, statement in (
            ("village", router._VILLAGE_DECLARED),
            ("declared", router._DECLARED),
        ):
            numbered = statement
            for number in range(1, statement.count("%s") + 1):
                numbered = numbered.replace("%s", f"${number}", 1)
            cursor.execute(f"PREPARE directory_{name} AS {numbered}")
        village = ["dana-desa", "active", *router._prefixes("35.01.01.0500"), "35.01.01.0500"]
        cursor.execute(
            "EXPLAIN EXECUTE directory_village(%s, %s, %s, %s, %s, %s, %s, %s)",
            [*village, RegionLevel.VILLAGE],
        )
        plans["village"] = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "EXPLAIN EXECUTE directory_declared(%s, %s, %s, %s, %s, %s)",
            ["dana-desa", *router._prefixes("35.01.01.0500"), "active"],
        )
        plans["declared"] = "\n".join(row[0] for row in cursor.fetchall())
        # (by name: the connection's own prepared statements, if any, stay)
        cursor.execute("DEALLOCATE directory_village")
        cursor.execute("DEALLOCATE directory_declared")
    # Then neither scans the declarations or the tenants: the coverage index finds the four
    # codes (an array parameter planned generically scanned both, 566 against 266 µs a read)
    for plan in plans.values():
        assert "Seq Scan" not in plan, plan
        assert "tenants_authority_coverage_code" in plan, plan


def test_a_village_code_gives_its_four_levels_and_a_shorter_code_is_padded() -> None:
    assert router._prefixes("33.01.01.2008") == ["33", "33.01", "33.01.01", "33.01.01.2008"]
    assert router._prefixes("33.01") == ["33", "33.01", "33.01", "33.01"]
    assert router._prefixes("1.2.3.4.5") == ["1", "1.2", "1.2.3", "1.2.3.4"]
