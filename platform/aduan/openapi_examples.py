"""A valid example request body for every API write, by operation id (published in the OpenAPI
schema by `aduan.openapi.AutoSchema`).

One table rather than an `OpenApiExample` beside each view: the operation ids are the stable
part of the API while its views move between modules. Each example is what a client would send
to succeed; the authorization matrix (tests/authorization.py) sends it as each allowed role and
expects a 2xx, filling in the values that must name something that exists (ids, slugs, codes,
files) from its world. A write without an example, or an example that no longer validates
against its request schema, fails the suite (tests/aduan/test_openapi.py).
"""

from __future__ import annotations

from typing import Any

_REASON = {"reason": "Bukan kewenangan kami: jalan kabupaten."}
_COMPLAINT = {
    "name": "Siti Aminah",
    "address": "RT 02 RW 03, Desa Babakan",
    "phone": "081234567890",
    "email": "siti@example.test",
    "subject": "Jalan desa berlubang",
    "description": "Jalan di depan balai desa berlubang besar sejak dua minggu lalu.",
    "incident_place": "Depan balai desa",
    "desired_outcome": "Jalan segera ditambal.",
    "is_anonymous": False,
}

REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    # tenants: members, invitations, sign-in
    "members_invite": {"email": "petugas@example.test", "role": "officer"},
    "invitation_accept": {
        "token": "token-dari-surel-undangan",
        "username": "petugas.baru",
        "password": "Kata-Sandi-Panjang-2026",
    },
    "auth_two_factor_verify": {"code": "123456"},
    "auth_password_reset": {"email": "petugas@example.test"},
    # routing: whether the router hands over a complaint filed at the tenant's own door
    "routing_own_door_set": {"own_door": "suggest"},
    # complaints: re-publish months of the statistics (after a local holiday was added)
    "statistics_publish": {"months": ["2026-02", "2026-03"]},
    # complaints: re-publish as a job with progress (a regency government: every tenant)
    "statistics_refresh_request": {"months": ["2026-02", "2026-03"], "regency": False},
    # complaints: an officer's decision on the router's proposal
    "complaint_route_decide": {"decision": "keep"},
    "auth_password_reset_confirm": {
        "uid": "MQ",
        "token": "token-dari-tautan-surel",
        "new_password": "Kata-Sandi-Baru-Panjang-2026",
    },
    # tenants: onboarding and the fleet (platform host)
    "desk_request_create": {
        "village_code": "33.01.02.2014",
        "officer_name": "Petugas Desa",
        "officer_phone": "081234567890",
        "officer_email": "desa@example.test",
        "letter": "surat-permohonan.pdf",
    },
    "desk_reject": {"reason": "Surat permohonan belum ditandatangani kepala desa."},
    "regency_onboard": {"region_code": "33.02", "admin_email": "admin@example.test"},
    "agency_create": {"name": "Dinas Pekerjaan Umum", "kind": "OPD"},
    "agency_import": {"file": "instansi.csv", "dry_run": True},
    "governed_tenant_suspend": {"reason": "Audit inspektorat."},
    "governed_tenant_reactivate": {"reason": "Audit selesai."},
    "governed_tenant_archive": {"reason": "Desa digabung ke desa tetangga."},
    "governed_tenant_delete": {"reason": "Didaftarkan ganda."},
    # routing: the directory, triage, the platform's front door
    "authority_set": {"categories": ["jalan"], "coverage_code": "33.01", "higher": ""},
    "triage_send": {"to": "dinas-pu-banyumas", **_REASON},
    "front_door_file": {"regency_code": "33.01", **_COMPLAINT},
    # complaints
    "complaint_file": _COMPLAINT,
    "complaint_desk": {**_COMPLAINT, "channel": "desk"},
    "complaint_track_reply": {"message": "Foto tambahan: lubangnya makin lebar."},
    "complaint_track_rate": {"score": "5", "comment": "Cepat ditangani, terima kasih."},
    "complaint_track_reopen": {"reason": "Jalan berlubang lagi setelah hujan."},
    "complaint_note": {"message": "Sudah dicek ke lokasi bersama kepala dusun."},
    "complaint_respond": {"message": "Perbaikan dijadwalkan minggu depan."},
    "complaint_assign": {"assignee": 42},
    "complaint_team": {"team": 7},
    "complaint_merge": {"into": "0001/ADU/DESA-BABAKAN/2026", "reason": "Laporan yang sama."},
    "complaint_reopen": {"reason": "Pengadu melapor perbaikan belum selesai."},
    "complaint_transition": {"transition": "verify", "inputs": {}},
    "complaint_forward": {"to": "dinas-pu-banyumas", **_REASON},
    "complaint_return": _REASON,
    "holidays_add_local": {"date": "2026-08-20", "name": "Hari Jadi Desa"},
    # personal data (UU 27/2022)
    "personal_data_code": {},
    "personal_data_open": {"code": "482913"},
    "personal_data_correct": {"token": "<token from personal_data_open>", "name": "Siti Aminah"},
    "personal_data_erasure": {
        "token": "<token from personal_data_open>",
        "reason": "Saya tidak ingin data saya disimpan lagi.",
    },
    "complaint_erasure_decide": {"approve": True, "reason": "Permintaan pemilik data sah."},
    "privacy_settings_set": {
        "dpo_contact": "PPID Disdukcapil, ppid@example.test, 0812-3456-7890",
        "notice": "",
        "retention_years": 5,
        "wbs_retention_years": 10,
    },
    "tracking_code_resend": {"contact": "0812-3456-7890"},
    "complaint_correct": {
        "reason": "Salah ketik saat dicatat di meja layanan.",
        "subject": "Jalan rusak di dusun 2",
        "urgency": "high",
    },
    "complaint_redact": {
        "reason": "Nomor telepon pengadu tertulis di uraian.",
        "field": "description",
        "passage": "0812-3456-7890",
    },
    "complaint_decide_answer": {"decision": "approve", "note": ""},
    "canned_answer_create": {
        "title": "Sudah ditindaklanjuti",
        "body": "Yth. {nama}, pengaduan {nomor} tanggal {tanggal} sudah ditindaklanjuti: {tautan}",
    },
    "canned_answer_update": {
        "title": "Sudah ditindaklanjuti",
        "body": "Yth. {nama}, pengaduan {nomor} sudah ditindaklanjuti: {tautan}",
    },
    "team_create": {"name": "Tim Infrastruktur", "members": []},
    "export_create": {"kind": "csv", "filters": {"q": "jembatan", "year": "2026"}},
    "team_update": {"name": "Tim Infrastruktur", "members": []},
    "sop_edit": {"definition": {}, "note": "Batas waktu verifikasi jadi 3 hari kerja."},
    # complaints: whistleblowing (WBS)
    "wbs_report": {
        "anonymous": True,
        "subject": "Pungutan liar di loket KTP",
        "description": "Petugas loket meminta Rp50.000 untuk mempercepat KTP, Senin pagi.",
    },
    "wbs_return": {"receipt_key": "7KQ2-M9XA-4HTC-PWE3-RJ6N"},
    "wbs_return_reply": {
        "receipt_key": "7KQ2-M9XA-4HTC-PWE3-RJ6N",
        "message": "Kejadian berulang pada Selasa pagi.",
    },
    "wbs_policy_set": {
        "enabled": True,
        "acknowledge_days": 7,
        "feedback_days": 90,
        "legal_basis": "",
    },
    "wbs_officer_appoint": {"user": 42},
    "wbs_officer_dismiss": {"user": 42},
    "wbs_hand_to_inspectorate": {"reason": "Laporan tentang kepala dinas sendiri."},
    "wbs_disclosure_request": {"reason": "Pemeriksaan APIP memerlukan keterangan pelapor."},
    # integrations
    "email_mailbox_set": {
        "host": "imap.example.test",
        "port": 993,
        "use_ssl": True,
        "username": "pengaduan@desa-babakan.example.test",
        "password": "rahasia",
        "folder": "INBOX",
        "is_active": True,
    },
    "lapor_connection_set": {"client_id": "desa-babakan", "secret": "rahasia", "is_active": True},
    "sms_keyword_set": {"keyword": "BABAKAN"},
    "instagram_settings_set": {
        "account_id": "17841400000000123",
        "app_secret": "rahasia-aplikasi-meta",
        "access_token": "token-akses-halaman",
        "verify_token": "token-verifikasi",
    },
    "citizen_doors_set": {
        "embed_origins": ["https://desa-kuripankidul.id"],
        "colour": "#1d6b45",
        "confirm_phone": False,
    },
    "phone_code_send": {"phone": "0812-3456-7890", "channel": "sms"},
    "front_door_phone_code_send": {"phone": "0812-3456-7890", "channel": "sms"},
    "whatsapp_settings_set": {
        "phone_number_id": "109876543210987",
        "display_number": "+62 812-3456-7890",
        "templates": [],
    },
    "open311_clients_create": {
        "name": "Aplikasi Lapor Kota",
        "contact": "tim@example.test",
        "can_push_updates": False,
    },
    # billing
    "billing_plan_create": {
        "code": "desa-dasar",
        "name": "Desa Dasar",
        "monthly_price": 150000,
        "features": ["lapor"],
        "seats": 5,
        "storage_mb": 1024,
        "outbound_messages": 300,
    },
    "billing_tax_rate_set": {
        "rate": "12.00",
        "base_numerator": 11,
        "base_denominator": 12,
        "valid_from": "2026-01-01",
    },
    "billing_account_create": {
        "name": "Pemerintah Kabupaten Cilacap",
        "address": "Jl. Jenderal Sudirman No. 32, Cilacap",
        "npwp": "0012345678901000",
        "email": "keuangan@cilacapkab.example.test",
        "holder": "pemkab-cilacap",
    },
    "billing_coverage_set": {"tenant": "desa-babakan", "plan": "desa-dasar"},
    "billing_invoice_issue": {"period": "2026-11-01"},
    "billing_transfer_decide": {"confirm": True},
    "billing_credit_note_issue": {"amount": 16500, "reason": "Koreksi tarif PPN periode 11-2026"},
    "billing_transfer_proof": {"amount": 166500, "proof": "bukti-transfer.pdf"},
    "billing_midtrans_notification": {
        "order_id": "INV-2026-000001",
        "status_code": "200",
        "gross_amount": "166500.00",
        "signature_key": "(SHA512 of order_id + status_code + gross_amount + server key)",
        "transaction_status": "settlement",
        "transaction_id": "9aed5972-5b6a-401e-894b-a32c91ed1a3a",
        "fraud_status": "accept",
    },
}
