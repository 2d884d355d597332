"""Writes duplicates.json: a labelled set of Indonesian complaint texts for the duplicate
finder (complaints.duplicates), made for the test. Run once; the JSON is committed.

    .venv/bin/python tests/complaints/data/make_duplicates.py

Each problem (a thing, what is wrong with it, where) is reported three times, as three doors
would carry it: the village's web form, a WhatsApp message, the regency's desk. The wording
differs between reports (synonyms for the defect and the thing, short and long forms). Every
village holds several problems of the same category: those are the hard negatives (same
village and category, a different problem). A fixed seed makes the file reproducible.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 17
VILLAGES = [
    ("33.01.09.2014", "Babakan"), ("33.01.09.2015", "Kuripan Kidul"),
    ("33.01.09.2016", "Karanganyar"), ("33.01.09.2017", "Sidareja"),
    ("33.01.09.2018", "Cipari"), ("33.01.09.2019", "Kedungreja"),
]  # fmt: skip
# category -> [(thing synonyms, defect synonyms)]
PROBLEMS = {
    "infrastructure": [
        (["jembatan bambu", "jembatan penyeberangan bambu"], ["putus", "ambruk", "roboh"]),
        (
            ["jalan aspal", "jalan desa"],
            ["berlubang besar", "rusak parah berlubang", "hancur berlubang"],
        ),
        (
            ["gorong-gorong", "saluran gorong-gorong"],
            ["tersumbat lumpur", "mampet lumpur", "buntu tertutup lumpur"],
        ),
        (["lampu penerangan jalan", "lampu PJU"], ["mati total", "padam", "tidak menyala"]),
        (["talud sungai", "tanggul sungai"], ["jebol", "longsor", "retak dan jebol"]),
        (["pagar sekolah", "pagar SD"], ["roboh", "ambruk", "rubuh"]),
    ],
    "water": [
        (["pipa PDAM", "saluran pipa air bersih"], ["bocor", "pecah dan bocor", "rembes bocor"]),
        (
            ["sumur bor desa", "sumur bor umum"],
            ["kering", "tidak keluar air", "airnya habis kering"],
        ),
        (
            ["air PDAM", "aliran air PDAM"],
            ["keruh kecoklatan", "kotor keruh", "berwarna coklat keruh"],
        ),
        (
            ["irigasi sawah", "saluran irigasi"],
            ["kering tidak dialiri", "tidak mengalir", "macet kering"],
        ),
    ],
    "environment": [
        (
            ["sampah di pinggir sungai", "tumpukan sampah tepi sungai"],
            ["menumpuk bau", "menggunung dan berbau", "bau menyengat"],
        ),
        (
            ["asap pembakaran sampah", "pembakaran sampah"],
            ["mengganggu pernapasan", "bikin sesak napas", "asapnya mengganggu"],
        ),
        (
            ["limbah pabrik tahu", "limbah tahu"],
            ["mencemari kali", "dibuang ke sungai", "mencemari sungai"],
        ),
        (
            ["pohon beringin", "pohon besar beringin"],
            ["tumbang menutup jalan", "roboh menutup jalan", "tumbang melintang jalan"],
        ),
    ],
    "social": [
        (
            ["bantuan BPNT", "bansos BPNT"],
            ["tidak tepat sasaran", "salah sasaran", "diterima orang mampu"],
        ),
        (
            ["BLT dana desa", "bantuan langsung tunai desa"],
            ["dipotong perangkat", "ada potongan", "dipotong oknum"],
        ),
        (
            ["beras raskin", "beras bansos"],
            ["berkutu dan apek", "berkutu", "kualitas buruk berkutu"],
        ),
    ],
    "administration": [
        (
            ["pembuatan KTP elektronik", "perekaman e-KTP"],
            ["lambat berbulan-bulan", "tidak jadi jadi", "belum selesai berbulan-bulan"],
        ),
        (
            ["surat keterangan tidak mampu", "SKTM"],
            ["dipungut biaya", "dimintai uang", "ada pungutan"],
        ),
        (
            ["akta kelahiran anak", "akta lahir"],
            ["salah nama", "namanya salah ketik", "keliru penulisan nama"],
        ),
    ],
    "health": [
        (
            ["posyandu", "kegiatan posyandu balita"],
            ["tidak buka", "tutup terus", "libur terus tidak ada kegiatan"],
        ),
        (
            ["bidan desa", "pelayanan bidan desa"],
            ["jarang di tempat", "sering tidak ada", "tidak pernah di polindes"],
        ),
        (
            ["ambulans desa", "mobil siaga desa"],
            ["dipakai pribadi", "dipakai untuk keperluan pribadi", "disalahgunakan pribadi"],
        ),
    ],
}
LANDMARKS = [
    "dusun Krajan RT 01", "dusun Cikadu RT 03", "depan balai desa", "dekat masjid Al Ikhlas",
    "samping SD Negeri 2", "jalan menuju pasar", "RW 04 dusun Wetan",
    "perbatasan dengan desa tetangga",
    "dekat makam umum", "belakang puskesmas pembantu", "gang Mawar RT 05", "tepi sawah blok Kulon",
]  # fmt: skip
DOORS = {
    "web": "{Thing} di {landmark} {defect} sejak {days} hari yang lalu. Mohon segera "
    "ditindaklanjuti karena sangat mengganggu warga.",
    "whatsapp": "pak tolong {thing} {landmark} {defect}, sudah {days} hari",
    "regency": "Laporan warga Desa {village}: {thing} yang berada di {landmark} dalam kondisi "
    "{defect}. Mohon ditangani.",
}


def build() -> list[dict[str, object]]:
    rng = random.Random(SEED)
    texts: list[dict[str, object]] = []
    problem_id = 0
    for code, village in VILLAGES:
        for category, problems in PROBLEMS.items():
            # Two or three problems of the same category in the same village: hard negatives.
            chosen = rng.sample(problems, k=min(len(problems), 2 if len(problems) < 4 else 3))
            places = rng.sample(LANDMARKS, k=len(chosen))
            for (things, defects), landmark in zip(chosen, places, strict=True):
                problem_id += 1
                for door, template in DOORS.items():
                    thing = rng.choice(things)
                    text = template.format(
                        Thing=thing[0].upper() + thing[1:], thing=thing, landmark=landmark,
                        defect=rng.choice(defects), days=rng.randint(2, 14), village=village,
                    )  # fmt: skip
                    texts.append({
                        "problem": problem_id, "door": door, "village": code,
                        "category": category, "text": text,
                    })  # fmt: skip
    return texts


if __name__ == "__main__":
    rows = build()
    target = Path(__file__).with_name("duplicates.json")
    target.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(rows)} texts, {len({r['problem'] for r in rows})} problems -> {target}")
