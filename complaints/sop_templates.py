"""The default SOPs, one per kind of government body, written from the seed documents.

- DISDUKCAPIL: the complaint procedure of Disdukcapil Kabupaten Sanggau (seed 002), under
  Permenpan-RB 24/2014 (replaced by Permenpan-RB 62/2018).
- PEMDES: the village procedures of Desa Kuripan Kidul and Desa Babakan (seeds 003, 004).
- PEMKAB, OPD and every other body: the SP4N-LAPOR! lifecycle (Perpres 76/2013,
  Permenpan-RB 62/2018).

A tenant starts from its kind's template (version 1) and edits it into its own; each step names
its legal basis so the tenant can replace it by its own Perbup/Perdes.
"""

from __future__ import annotations

import copy
from typing import Any

from complaints.sop import Sop, validate_sop
from tenants.models import Role, TenantKind

PERMENPAN_62_2018 = (
    "Permenpan-RB 62/2018 tentang Pedoman Teknis Pengelolaan Pengaduan Pelayanan Publik "
    "(pengganti Permenpan-RB 24/2014)"
)
PERPRES_76_2013 = "Perpres 76/2013 tentang Pengelolaan Pengaduan Pelayanan Publik"
UU_25_2009 = "UU 25/2009 tentang Pelayanan Publik"
SP4N = "SP4N-LAPOR! (Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional)"
SOP_DINAS = "SOP Pengelolaan Pengaduan Dinas (ditetapkan Kepala Dinas)"
SOP_DESA = "SOP Pengelola Pengaduan Pemerintah Desa (Perdes/Keputusan Kepala Desa)"

OFFICER = str(Role.OFFICER)
ANSWER_TEAM = str(Role.ANSWER_TEAM)
LIAISON = str(Role.LIAISON)
HEAD = str(Role.HEAD)
TENANT_ADMIN = str(Role.TENANT_ADMIN)
WBS_OFFICER = str(Role.WBS_OFFICER)

# Whistleblowing (WBS): the seed's regulation and the strictest widely used deadlines.
PERBUP_LABURA_34_2022 = (
    "Peraturan Bupati Labuhanbatu Utara 34/2022 tentang Whistleblowing System, pasal 10 "
    "(kerahasiaan identitas pelapor)"
)
EU_2019_1937 = (
    "Directive (EU) 2019/1937 art. 9: tanda terima paling lama 7 hari, umpan balik paling "
    "lama 3 bulan"
)
WBS_ACKNOWLEDGE_DAYS = 7
WBS_FEEDBACK_DAYS = 90  # three months

Json = dict[str, Any]


def _l(id_: str, en: str) -> dict[str, str]:
    return {"id": id_, "en": en}


def _state(key: str, id_: str, en: str, **extra: Any) -> Json:
    return {"key": key, "label": _l(id_, en), **extra}


def _step(
    key: str, id_: str, en: str, sources: list[str], target: str, roles: list[str], **extra: Any
) -> Json:
    return {"key": key, "label": _l(id_, en), "from": sources, "to": target, "roles": roles,
            **extra}  # fmt: skip


def _text(key: str, id_: str, en: str, *, required: bool = True, public: bool = False) -> Json:
    return {"key": key, "label": _l(id_, en), "type": "text", "required": required,
            "public": public}  # fmt: skip


def _response(*, required: bool = True) -> Json:
    return _text(
        "response", "Tanggapan kepada pengadu", "Response to the complainant",
        required=required, public=True,
    )  # fmt: skip


URGENCY_CHOICES = [("low", "Rendah", "Low"), ("medium", "Sedang", "Medium"),
                   ("high", "Tinggi", "High")]  # fmt: skip


def _priority() -> Json:
    """For kinds whose SOP has no urgency: a priority of the same three levels (optional)."""
    return _choice("priority", "Prioritas", "Priority", URGENCY_CHOICES, required=False)


def _choice(key: str, id_: str, en: str, choices: list[tuple[str, str, str]], **extra: Any) -> Json:
    return {
        "key": key, "label": _l(id_, en), "type": "choice", "required": True,
        "choices": [{"key": k, "label": _l(i, e)} for k, i, e in choices], **extra,
    }  # fmt: skip


# States every template shares: an incomplete complaint waits for the complainant (the SLA
# clock pauses), as does one for which staff asked more information.
def _incomplete() -> Json:
    return _state(
        "incomplete", "Belum lengkap: menunggu kelengkapan dari pengadu",
        "Incomplete: waiting for the complainant", waits_for_complainant=True,
        legal_basis=[PERMENPAN_62_2018],
    )  # fmt: skip


def _awaiting_information() -> Json:
    return _state(
        "awaiting_information", "Menunggu keterangan tambahan dari pengadu",
        "Waiting for more information from the complainant", waits_for_complainant=True,
        legal_basis=[PERMENPAN_62_2018],
    )  # fmt: skip


def _complete_file(target: str) -> Json:
    return _step(
        "complete_file", "Kelengkapan diterima", "Missing elements received",
        ["incomplete"], target, [OFFICER, TENANT_ADMIN],
        inputs=[_text("note", "Catatan", "Note", required=False)],
        legal_basis=[PERMENPAN_62_2018],
    )  # fmt: skip


def _request_information(sources: list[str], roles: list[str]) -> Json:
    return _step(
        "request_information", "Minta keterangan tambahan", "Ask for more information",
        sources, "awaiting_information", roles,
        inputs=[_text("question", "Pertanyaan kepada pengadu", "Question to the complainant",
                      public=True)],
        legal_basis=[PERMENPAN_62_2018],
    )  # fmt: skip


def _information_received(target: str, roles: list[str]) -> Json:
    return _step(
        "information_received", "Keterangan tambahan diterima", "Information received",
        ["awaiting_information"], target, roles,
        inputs=[_text("note", "Catatan", "Note", required=False)],
        legal_basis=[PERMENPAN_62_2018],
    )  # fmt: skip


DISDUKCAPIL: Json = {
    "initial": "received",
    "incomplete": "incomplete",
    # "dinyatakan lengkap ... maksimal diselesaikan dalam 5 (lima) hari kerja" (seed 002):
    # counted from a complete complaint's receipt to the answer to the complainant.
    "case_limit": {
        "working_days": 5, "starts_at": "received", "ends_at": ["answered"],
        "legal_basis": [SOP_DINAS + ": pengaduan yang dinyatakan lengkap diselesaikan paling "
                        "lama 5 hari kerja", PERMENPAN_62_2018],
    },
    "legal_basis": [PERMENPAN_62_2018, SOP_DINAS],
    "reopen": {"to": "received", "within_days": 14},
    "states": [
        _incomplete(),
        _state(
            "received", "Diterima petugas pengelola pengaduan",
            "Received by the complaint officer", limit={"working_days": 2},
            legal_basis=[PERMENPAN_62_2018, SOP_DINAS + ": dicatat dan didistribusikan paling "
                         "lama 2 hari sejak diterima"],
        ),
        _state(
            "distributed", "Dicatat di buku pengaduan dan didistribusikan ke Tim Penjawab",
            "Recorded in the register and passed to the answer team",
            legal_basis=[SOP_DINAS],
        ),
        _state(
            "meeting", "Pertemuan/pembahasan dengan Tim Penjawab",
            "Meeting with the answer team", legal_basis=[SOP_DINAS],
        ),
        _awaiting_information(),
        _state(
            "answered", "Jawaban disampaikan kepada pengadu", "Answered to the complainant",
            legal_basis=[SOP_DINAS],
        ),
        _state("closed", "Selesai", "Closed", terminal=True, legal_basis=[SOP_DINAS]),
    ],
    "transitions": [
        _complete_file("received"),
        _step(
            "answer_directly", "Jawab langsung (pengaduan sederhana)",
            "Answer directly (simple complaint)", ["received"], "answered", [OFFICER],
            inputs=[_response()],
            legal_basis=[SOP_DINAS + ": pengaduan yang bisa ditanggapi langsung dijawab petugas"],
        ),
        _step(
            "distribute", "Catat dan distribusikan ke Tim Penjawab",
            "Record and pass to the answer team", ["received"], "distributed", [OFFICER],
            inputs=[_text("note", "Catatan internal", "Internal note", required=False),
                    _priority()],
            legal_basis=[SOP_DINAS],
        ),
        _step(
            "schedule_meeting", "Jadwalkan pertemuan/pembahasan", "Schedule a meeting",
            ["distributed"], "meeting", [OFFICER, ANSWER_TEAM],
            inputs=[
                {"key": "meeting_date", "label": _l("Tanggal pertemuan", "Meeting date"),
                 "type": "date", "required": True},
                _text("participants", "Peserta", "Participants", required=False),
            ],
            legal_basis=[SOP_DINAS + ": jadwal pertemuan/pembahasan (jika diperlukan)"],
        ),
        _request_information(["received", "distributed"], [OFFICER, ANSWER_TEAM]),
        _information_received("distributed", [OFFICER, ANSWER_TEAM]),
        _step(
            "answer", "Sampaikan jawaban kepada pengadu", "Answer the complainant",
            ["distributed", "meeting"], "answered", [OFFICER, ANSWER_TEAM],
            inputs=[
                _response(),
                _text("minutes", "Notulen/berita acara pertemuan", "Meeting minutes",
                      required=False),
                {"key": "letter", "label": _l("Surat jawaban (berkas)", "Answer letter (file)"),
                 "type": "file", "required": False, "public": True},
            ],
            # The head (Kepala Dinas, who receives the reports of seed 002, step 7) signs off
            # the final answer before it leaves: Capability.APPROVE_ANSWER.
            approval=[HEAD],
            legal_basis=[SOP_DINAS],
        ),
        _step(
            "close", "Tutup pengaduan", "Close the complaint", ["answered"], "closed",
            [OFFICER, TENANT_ADMIN], legal_basis=[SOP_DINAS],
        ),
    ],
}  # fmt: skip


OUTCOME_KINDS = [
    ("administrative", "Penyelesaian administratif", "Administrative settlement"),
    ("corrective", "Tindakan korektif", "Corrective action"),
    ("policy", "Rekomendasi kebijakan", "Policy recommendation"),
]
OUTCOME_ACTIONS = [
    ("procedure_fix", "administrative", "Perbaikan prosedur pelayanan", "Procedure fix"),
    ("clarification", "administrative", "Klarifikasi informasi", "Clarification"),
    ("formal_apology", "administrative", "Permintaan maaf resmi", "Formal apology"),
    ("reprimand", "corrective", "Teguran", "Reprimand"),
    ("coaching", "corrective", "Pembinaan", "Coaching"),
    ("policy_adjustment", "corrective", "Penyesuaian kebijakan", "Policy adjustment"),
    ("regulation_change", "policy", "Penyesuaian regulasi di tingkat desa",
     "Village regulation change"),
]  # fmt: skip
VILLAGE_OFFICIALS = [
    ("sekretaris_desa", "Sekretaris Desa", "Village Secretary"),
    ("kasi", "Kepala Seksi (Kasi)", "Section head (Kasi)"),
    ("kaur", "Kepala Urusan (Kaur)", "Affairs head (Kaur)"),
    ("kepala_dusun", "Kepala Dusun", "Hamlet head"),
    ("staff_kasi", "Staf Kasi", "Section staff"),
]

PEMDES: Json = {
    "initial": "received",
    "incomplete": "incomplete",
    "reopen": {"to": "received", "within_days": 14},
    "legal_basis": [PERMENPAN_62_2018, SOP_DESA],
    "states": [
        _incomplete(),
        _state("received", "Diterima dan dicatat petugas pengelola pengaduan",
               "Received and recorded by the complaint officer", limit={"working_days": 1},
               legal_basis=[SOP_DESA]),
        _state("receipt_given", "Tanda terima diberikan kepada pelapor",
               "Receipt given to the reporter", limit={"working_days": 3},
               legal_basis=[SOP_DESA]),
        _state("verified", "Verifikasi awal selesai", "Initial verification done",
               limit={"working_days": 2}, legal_basis=[SOP_DESA]),
        _state("classified", "Diklasifikasi, urgensi ditentukan, dicatat di register",
               "Classified, urgency set, entered in the register", limit={"working_days": 2},
               # An urgent complaint is handed to the official the next working day.
               limits_by_urgency={"high": {"working_days": 1}},
               legal_basis=[SOP_DESA]),
        _state("forwarded", "Diteruskan petugas penghubung ke perangkat desa berwenang",
               "Handed by the liaison officer to the authorised village official",
               legal_basis=[SOP_DESA]),
        _state("review_meeting", "Rapat pembahasan", "Review meeting",
               legal_basis=[SOP_DESA]),
        _state("outcome_decided", "Hasil pembahasan ditetapkan (berita acara)",
               "Outcome decided (minutes recorded)", legal_basis=[SOP_DESA]),
        _awaiting_information(),
        _state("reporter_informed", "Hasil disampaikan kepada pelapor",
               "Reporter informed of the outcome", legal_basis=[SOP_DESA]),
        _state("referred", "Diteruskan ke instansi di atasnya",
               "Passed on to the higher authority", terminal=True,
               legal_basis=[SOP_DESA, SP4N + ": no wrong door policy"]),
        _state("closed", "Selesai", "Closed", terminal=True, legal_basis=[SOP_DESA]),
    ],
    "transitions": [
        _complete_file("received"),
        _step("give_receipt", "Beri tanda terima", "Give the receipt", ["received"],
              "receipt_given", [OFFICER], legal_basis=[SOP_DESA]),
        _step("verify", "Verifikasi awal", "Initial verification", ["receipt_given"],
              "verified", [OFFICER],
              inputs=[_text("note", "Hasil verifikasi", "Verification result",
                            required=False)],
              legal_basis=[SOP_DESA]),
        _request_information(["receipt_given", "verified"], [OFFICER, LIAISON]),
        _information_received("receipt_given", [OFFICER, LIAISON]),
        _step("classify", "Klasifikasi dan urgensi", "Classify and set urgency",
              ["verified"], "classified", [OFFICER],
              inputs=[
                  _choice("classification", "Klasifikasi", "Classification", [
                      ("public_service", "Pelayanan publik", "Public service"),
                      ("programme", "Program/kegiatan desa", "Village programme"),
                      ("misconduct", "Dugaan penyimpangan", "Suspected misconduct"),
                  ]),
                  _choice("urgency", "Urgensi", "Urgency", URGENCY_CHOICES),
              ],
              legal_basis=[SOP_DESA]),
        _step("refer_up", "Teruskan ke instansi di atasnya", "Pass on to the higher authority",
              ["verified", "classified"], "referred", [OFFICER, LIAISON],
              # The receiving body is the village's higher authority (routing's directory,
              # else its parent, else SP4N-LAPOR!): complaints.actions.route.do_refer_up.
              inputs=[_text("note", "Alasan diteruskan", "Reason for passing it on"),
                      _response(required=False)],
              legal_basis=[SOP_DESA, SP4N]),
        _step("forward", "Teruskan ke perangkat desa berwenang",
              "Hand to the authorised village official", ["classified"], "forwarded",
              [LIAISON],
              inputs=[_choice("official", "Perangkat desa berwenang", "Authorised official",
                              VILLAGE_OFFICIALS),
                      _text("official_name", "Nama pejabat", "Official's name",
                            required=False)],
              legal_basis=[SOP_DESA]),
        _step("schedule_review", "Jadwalkan rapat pembahasan", "Schedule the review meeting",
              ["forwarded"], "review_meeting", [LIAISON, OFFICER, HEAD],
              inputs=[
                  {"key": "meeting_date", "label": _l("Tanggal rapat", "Meeting date"),
                   "type": "date", "required": True},
                  {"key": "invite_reporter", "label": _l("Undang pelapor", "Invite the reporter"),
                   "type": "boolean"},
                  {"key": "invite_reported", "label": _l("Undang pihak terlapor",
                                                         "Invite the reported party"),
                   "type": "boolean"},
              ],
              legal_basis=[SOP_DESA]),
        # Seed 004: the review meeting checks the complaint's truth and completeness, finds the
        # root cause and recommends; from these inputs Aduan renders the berita acara (PDF) to
        # print and sign, whose signed scan is uploaded at the outcome step.
        _step("record_review", "Catat hasil rapat pembahasan (berita acara)",
              "Record the review meeting (berita acara)", ["review_meeting"], "review_meeting",
              [LIAISON, OFFICER, HEAD],
              inputs=[
                  {"key": "meeting_date", "label": _l("Tanggal rapat", "Meeting date"),
                   "type": "date", "required": True},
                  _text("participants", "Peserta rapat", "Participants"),
                  _text("truth", "Hasil pemeriksaan kebenaran pengaduan",
                        "Findings on the complaint's truth"),
                  _text("completeness", "Hasil pemeriksaan kelengkapan pengaduan",
                        "Findings on the complaint's completeness"),
                  _text("root_cause", "Akar masalah", "Root cause"),
                  _choice("outcome_kind", "Jenis rekomendasi", "Kind of recommendation",
                          OUTCOME_KINDS),
                  _text("recommendation", "Rekomendasi", "Recommendation"),
              ],
              legal_basis=[SOP_DESA]),
        _step("decide_outcome", "Tetapkan hasil pembahasan", "Record the outcome",
              ["review_meeting"], "outcome_decided", [LIAISON, OFFICER, HEAD],
              inputs=[
                  # The signed minutes (berita acara), scanned or photographed.
                  {"key": "minutes", "label": _l("Berita acara rapat (PDF/foto)",
                                                 "Meeting minutes, berita acara (PDF/photo)"),
                   "type": "file", "required": True},
                  _choice("outcome_kind", "Jenis hasil", "Outcome kind", OUTCOME_KINDS),
                  {"key": "outcome_action", "label": _l("Tindak lanjut", "Follow-up action"),
                   "type": "choice", "required": True, "depends_on": "outcome_kind",
                   "choices": [{"key": k, "group": g, "label": _l(i, e)}
                               for k, g, i, e in OUTCOME_ACTIONS]},
                  _text("recommendation", "Rekomendasi tindak lanjut", "Recommendation"),
              ],
              legal_basis=[SOP_DESA]),
        _step("inform_reporter", "Sampaikan hasil kepada pelapor", "Inform the reporter",
              ["outcome_decided"], "reporter_informed", [OFFICER, LIAISON],
              inputs=[_response()], legal_basis=[SOP_DESA]),
        _step("close", "Tutup pengaduan", "Close the complaint", ["reporter_informed"],
              "closed", [OFFICER, TENANT_ADMIN, HEAD], legal_basis=[SOP_DESA]),
    ],
}  # fmt: skip


SP4N_LAPOR: Json = {
    "initial": "received",
    "incomplete": "incomplete",
    # Perpres 76/2013: finished within 60 days of the file being complete (a complaint enters
    # "received" only once its file is complete).
    "case_limit": {
        "days": 60, "starts_at": "received",
        "legal_basis": [PERPRES_76_2013 + ": diselesaikan paling lama 60 hari sejak berkas "
                        "pengaduan dinyatakan lengkap"],
    },
    "reopen": {"to": "received", "within_days": 14},
    "legal_basis": [PERPRES_76_2013, PERMENPAN_62_2018, SP4N],
    "states": [
        _incomplete(),
        _state("received", "Diterima: menunggu verifikasi admin",
               "Received: awaiting verification by the admin", limit={"working_days": 3},
               legal_basis=[PERMENPAN_62_2018 + ": verifikasi paling lama 3 hari kerja"]),
        _state("on_hold", "Ditunda", "On hold", legal_basis=[SP4N]),
        _state("dispositioned", "Diverifikasi dan didisposisikan ke unit kerja",
               "Verified and dispositioned to a work unit", limit={"working_days": 5},
               legal_basis=[PERMENPAN_62_2018 + ": tindak lanjut pertama paling lama 5 hari "
                            "kerja"]),
        _awaiting_information(),
        _state("in_progress", "Ditindaklanjuti", "In progress",
               legal_basis=[PERPRES_76_2013]),
        _state("not_our_authority", "Bukan wewenang: diteruskan ke instansi berwenang",
               "Not our authority: routed to the competent body", terminal=True,
               legal_basis=[SP4N + ": no wrong door policy"]),
        _state("archived", "Diarsipkan", "Archived", terminal=True, legal_basis=[SP4N]),
        _state("closed", "Selesai", "Finished", terminal=True,
               legal_basis=[PERPRES_76_2013 + ": selesai paling lama 60 hari"]),
    ],
    "transitions": [
        _complete_file("received"),
        _step("verify", "Verifikasi, klasifikasi dan disposisi",
              "Verify, classify and disposition", ["received", "on_hold"], "dispositioned",
              [TENANT_ADMIN, OFFICER],
              notify=True,  # SP4N-LAPOR! tells the reporter of the disposition
              inputs=[
                  _choice("classification", "Klasifikasi", "Classification", [
                      ("aspiration", "Aspirasi", "Aspiration"),
                      ("complaint", "Pengaduan", "Complaint"),
                      ("information_request", "Permintaan informasi",
                       "Information request"),
                  ]),
                  _text("work_unit", "Unit kerja tujuan disposisi", "Work unit",
                        required=False),
                  _priority(),
              ],
              legal_basis=[PERMENPAN_62_2018, SP4N]),
        _step("hold", "Tunda", "Put on hold", ["received"], "on_hold",
              [TENANT_ADMIN, OFFICER], inputs=[_text("reason", "Alasan", "Reason")],
              legal_basis=[SP4N]),
        _step("mark_not_our_authority", "Tandai bukan wewenang",
              "Mark as not our authority", ["received", "on_hold"], "not_our_authority",
              [TENANT_ADMIN, OFFICER],
              inputs=[_text("reason", "Alasan", "Reason"), _response(required=False)],
              legal_basis=[SP4N + ": no wrong door policy"]),
        _step("archive", "Arsipkan", "Archive", ["received", "on_hold"], "archived",
              [TENANT_ADMIN], inputs=[_text("reason", "Alasan", "Reason")],
              legal_basis=[SP4N]),
        _step("first_response", "Tindak lanjut pertama", "First follow-up response",
              ["dispositioned"], "in_progress", [LIAISON, ANSWER_TEAM, OFFICER],
              inputs=[_response()], legal_basis=[PERMENPAN_62_2018]),
        _request_information(["dispositioned", "in_progress"], [LIAISON, ANSWER_TEAM, OFFICER]),
        _information_received("in_progress", [LIAISON, ANSWER_TEAM, OFFICER]),
        _step("finish", "Selesaikan", "Finish", ["in_progress"], "closed",
              [LIAISON, ANSWER_TEAM, OFFICER, TENANT_ADMIN], inputs=[_response()],
              legal_basis=[PERPRES_76_2013]),
    ],
}  # fmt: skip


TEMPLATES: dict[str, Json] = {
    TenantKind.DISDUKCAPIL: DISDUKCAPIL,
    TenantKind.PEMDES: PEMDES,
    TenantKind.PEMKAB: SP4N_LAPOR,
    TenantKind.OPD: SP4N_LAPOR,
    TenantKind.PROVINSI: SP4N_LAPOR,
    TenantKind.KEMENTERIAN_LEMBAGA: SP4N_LAPOR,
}


def wbs_template(
    *,
    acknowledge_days: int = WBS_ACKNOWLEDGE_DAYS,
    feedback_days: int = WBS_FEEDBACK_DAYS,
    legal_basis: str = "",
) -> Json:
    """The whistleblowing SOP (received, examined, investigated, concluded, closed), worked by
    WBS officers alone. The reporter is acknowledged within `acknowledge_days` (the "received"
    step's limit) and given feedback within `feedback_days` (the case limit, from receipt to
    the conclusion); a tenant's own regulation (`legal_basis`) may set other days."""
    basis = [legal_basis] if legal_basis else [PERBUP_LABURA_34_2022, EU_2019_1937]
    mine = [WBS_OFFICER]
    return {
        "initial": "received",
        "case_limit": {
            "days": feedback_days, "starts_at": "received", "ends_at": ["concluded"],
            "legal_basis": basis,
        },
        "legal_basis": basis,
        "reopen": {"to": "examined", "within_days": 14},
        "states": [
            _state("received", "Laporan diterima", "Report received",
                   limit={"days": acknowledge_days}, legal_basis=basis),
            _state("examined", "Laporan ditelaah", "Report examined", legal_basis=basis),
            _awaiting_information(),
            _state("investigated", "Dalam investigasi", "Under investigation", legal_basis=basis),
            _state("concluded", "Hasil disampaikan kepada pelapor", "Outcome told the reporter",
                   legal_basis=basis),
            _state("closed", "Selesai", "Closed", terminal=True, legal_basis=basis),
        ],
        "transitions": [
            _step("acknowledge", "Konfirmasi penerimaan dan telaah", "Acknowledge and examine",
                  ["received"], "examined", mine,
                  inputs=[_text("response", "Pesan kepada pelapor", "Message to the reporter",
                                required=False, public=True)],
                  legal_basis=basis),
            _request_information(["examined", "investigated"], mine),
            _information_received("examined", mine),
            _step("investigate", "Mulai investigasi", "Start an investigation",
                  ["examined"], "investigated", mine,
                  inputs=[_text("note", "Catatan internal", "Internal note", required=False)],
                  legal_basis=basis),
            _step("conclude", "Sampaikan hasil kepada pelapor", "Tell the reporter the outcome",
                  ["examined", "investigated"], "concluded", mine,
                  inputs=[_response()], legal_basis=basis),
            _step("close", "Tutup laporan", "Close the report", ["concluded"], "closed", mine,
                  legal_basis=basis),
        ],
    }  # fmt: skip


def template_for(kind: str) -> Json:
    """A fresh copy of the default SOP for a kind of body (SP4N-LAPOR! for any other kind)."""
    return copy.deepcopy(TEMPLATES.get(kind, SP4N_LAPOR))


def parsed_template(kind: str) -> Sop:
    return validate_sop(template_for(kind))
