"""A register of many complaints, loaded faithfully but in bulk (the search bench, the
10,000-row export test): complaints already filed through the real intake action in the
current schema are copied in SQL until the register holds `total`, every column carried, with
new register numbers and tracking codes and their texts varied (subjects and descriptions
drawn from an Indonesian vocabulary of village complaints); then every search document and
the vocabulary are rebuilt with the statements the timeline writer uses
(`complaints.search.refresh_all_sql`)."""

from __future__ import annotations

from django.db import connection

from complaints import search
from complaints.models import Complaint

PROBLEMS = [
    "jalan berlubang",
    "jembatan putus",
    "lampu jalan mati",
    "saluran air mampet",
    "sampah menumpuk",
    "pungutan liar di kantor desa",
    "bantuan sosial tidak tepat sasaran",
    "pelayanan KTP lambat",
    "air PDAM tidak mengalir",
    "pohon tumbang menutup jalan",
    "banjir di permukiman",
    "sekolah rusak",
    "posyandu tutup",
    "tanah longsor",
    "parkir liar di pasar",
    "kebisingan pabrik",
    "listrik padam berhari-hari",
    "irigasi sawah kering",
    "anjing liar berkeliaran",
    "surat keterangan tidak dilayani",
]
PLACES = [
    "Dusun Karanganyar",
    "Dusun Krajan",
    "RT 02 RW 03",
    "depan balai desa",
    "dekat masjid",
    "jalan kabupaten",
    "pasar desa",
    "perbatasan desa",
    "SD Negeri 1",
    "lapangan desa",
]


def copy_complaints(total: int) -> None:
    """Copy the filed complaints (none of them WBS) until the register holds `total`."""
    table = connection.ops.quote_name(Complaint._meta.db_table)
    fields = [
        str(f.column)
        for f in Complaint._meta.concrete_fields
        if f.column != "id" and not f.generated
    ]
    varied = {"number", "register_seq", "tracking_code", "subject", "description",
              "incident_place", "created_at"}  # fmt: skip
    kept = ", ".join(f"src.{c}" for c in fields if c not in varied)
    columns = ", ".join(c for c in fields if c not in varied)
    problems = "ARRAY[" + ", ".join(f"'{p}'" for p in PROBLEMS) + "]"
    places = "ARRAY[" + ", ".join(f"'{p}'" for p in PLACES) + "]"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(register_seq), count(*) FROM {table}")
        last, filed = cursor.fetchone() or (0, 0)
        if total <= filed:
            return
        cursor.execute(
            f"INSERT INTO {table} ({columns}, number, register_seq, tracking_code, subject,"
            " description, incident_place, created_at)"
            f" SELECT {kept}, lpad((%s + g)::text, 6, '0') || '/ADU/BENCH/' || src.register_year,"
            " %s + g, upper(substr(md5(g::text), 1, 10)),"
            f" initcap(({problems})[1 + (g * 7) %% 20]),"
            f" ({problems})[1 + (g * 7) %% 20] || ' di ' || ({places})[1 + (g * 3) %% 10]"
            " || ', dilaporkan warga sejak ' || (g %% 28 + 1) || ' hari lalu. Mohon segera'"
            f" || ' ditindaklanjuti karena ' || ({problems})[1 + (g * 11) %% 20] || ' juga.',"
            f" ({places})[1 + (g * 3) %% 10],"
            " now() - (g %% 365) * interval '1 day'"
            # The filed rows by their order (ids share a sequence with other tables: gaps).
            f" FROM generate_series(1, %s) AS g JOIN (SELECT *, row_number() OVER (ORDER BY id)"
            f" - 1 AS k FROM {table}) AS src ON src.k = g %% %s",
            [last, last, total - filed, filed],
        )
        for statement in search.refresh_all_sql():
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {search.WORDS_TABLE}")
