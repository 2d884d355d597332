"""Web forms: they parse what a browser sends; the actions decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.errors import AduanError
from complaints.actions.intake import ANSWER_LIMIT
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.forgiving import TOKEN_FIELD, ForgivingFormMixin
from complaints.models import STAFF_ENTRY_CHANNELS, Channel, Urgency
from complaints.selectors import SORTS, UNASSIGNED
from routing import selectors as routing_selectors


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


PRIVACY_CHOICES = [
    ("rahasia", _("Rahasia: pengaduan tidak dipublikasikan")),
    ("anonim", _("Anonim: boleh dipublikasikan, identitas saya disembunyikan")),
    ("terbuka", _("Terbuka: boleh dipublikasikan")),
]


def _text(label: Any, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, **kwargs)


def form_error(form: forms.Form) -> ComplaintError:
    """An invalid form as the one error shape: the first field's message, every field's in
    `extra["fields"]` (an API's 400)."""
    fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    first = next(iter(fields))
    return ComplaintError(
        ComplaintErrorCode.INVALID_FILTER,
        f"{first}: {fields[first][0]}",
        {"field": first, "fields": fields},
    )


def show_action_error(form: forms.Form, error: AduanError) -> None:
    """An action's field errors, on the form that sent the input."""
    fields: dict[str, list[str]] = error.extra.get("fields") or {}
    if not fields and error.extra.get("field") in form.fields:
        fields = {str(error.extra["field"]): [error.message]}
    if not fields:
        form.add_error(None, error.message)
    for field, messages in fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class CategoryQuestionsMixin(forms.BaseForm):
    """A form that asks each category's own questions (routing.models.Category.questions):
    one field `q_<key>` per question, grouped by category for the page (the script shows
    only the chosen category's group; without it all show, each under its category)."""

    def add_questions(self) -> None:
        self.question_keys: dict[str, list[str]] = {}
        for category, questions in routing_selectors.all_questions().items():
            for question in questions:
                self.fields[question.field] = forms.CharField(
                    label=question.label, required=False, max_length=ANSWER_LIMIT
                )
                if question.required:
                    self.fields[question.field].needed = True  # type: ignore[attr-defined]
                self.question_keys.setdefault(category, []).append(question.key)

    @property
    def question_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (category, [self[f"q_{key}"] for key in keys])
            for category, keys in self.question_keys.items()
        ]

    def answers(self) -> dict[str, str]:
        """The answers to the chosen category's questions (the others are not sent on)."""
        category = str(self.cleaned_data.get("category") or "")
        return {
            key: str(self.cleaned_data.get(f"q_{key}") or "")
            for key in self.question_keys.get(category, [])
        }


class ComplaintForm(ForgivingFormMixin, CategoryQuestionsMixin, forms.Form):
    needed_fields = ("name", "address", "phone", "subject", "description")
    category = forms.ChoiceField(label=_("Kategori (jika tahu)"), required=False)

    def __init__(self, *args: Any, confirm_phone: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_questions()
        # Identity confirmation (the tenant's setting): the phone's one-time code.
        self.confirm_phone = confirm_phone
        if confirm_phone:
            self.fields["phone_code"] = forms.CharField(
                label=_("Kode konfirmasi yang dikirim ke nomor Anda"),
                required=False,
                max_length=10,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
                ),
            )
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [
            ("", _("Tidak tahu")),
            *((c.key, f"{c.topic}: {c.name}") for c in routing_selectors.categories()),
        ]

    name = _text(_("Nama"), max_length=200)
    address = _text(_("Alamat"), widget=forms.Textarea(attrs={"rows": 2}))
    phone = _text(
        _("Nomor telepon/WhatsApp"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = _text(_("Surel (tidak wajib)"), widget=forms.EmailInput())
    subject = _text(_("Pokok pengaduan"), max_length=200)
    description = _text(
        _("Uraian pengaduan: apa, di mana, kapan"), widget=forms.Textarea(attrs={"rows": 5})
    )
    incident_place = _text(_("Tempat kejadian (tidak wajib)"), max_length=300)
    desired_outcome = _text(
        _("Harapan penyelesaian (tidak wajib)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(
        label=_("Foto atau PDF (tidak wajib, paling banyak 5, masing-masing 10 MB)"),
        required=False,
    )
    privacy = forms.ChoiceField(
        label=_("Sifat pengaduan"),
        choices=PRIVACY_CHOICES,
        initial="rahasia",
        widget=forms.RadioSelect,
        required=False,
    )

    def intake_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop(TOKEN_FIELD, None)
        data = {k: v for k, v in data.items() if not k.startswith("q_")}
        data["answers"] = self.answers()
        data["attachments"] = self.attachments_with_held()
        # None: the door does not ask (a tenant that does not confirm phones, the desk).
        code = data.pop("phone_code", None)
        data["phone_code"] = str(code or "") if self.confirm_phone else None
        privacy = data.pop("privacy") or "rahasia"
        # Anything but an explicit choice to publish keeps it confidential.
        data["is_confidential"] = privacy == "rahasia"
        data["is_anonymous"] = privacy == "anonim"
        return data


class DeskComplaintForm(ComplaintForm):
    channel = forms.ChoiceField(
        label=_("Diterima melalui"),
        choices=[(c.value, c.label) for c in STAFF_ENTRY_CHANNELS],
        initial=Channel.DESK,
    )
    is_wbs = forms.BooleanField(
        label=_("Pelaporan pelanggaran (WBS): hanya petugas WBS yang dapat melihat"),
        required=False,
    )


class ReplyForm(forms.Form):
    message = _text(_("Balasan Anda"), widget=forms.Textarea(attrs={"rows": 3}))
    name = _text(_("Nama"), max_length=200)
    address = _text(_("Alamat"), widget=forms.Textarea(attrs={"rows": 2}))
    phone = _text(_("Nomor telepon/WhatsApp"), widget=forms.TextInput(attrs={"inputmode": "tel"}))
    subject = _text(_("Pokok pengaduan"), max_length=200)
    description = _text(_("Uraian pengaduan"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Foto atau PDF (tidak wajib)"), required=False)


class WorkForm(forms.Form):
    # Internal unless staff choose to answer the complainant.
    kind = forms.ChoiceField(
        choices=[("note", _("Catatan internal")), ("response", _("Tanggapan kepada pengadu"))],
        initial="note",
        widget=forms.RadioSelect,
    )
    message = forms.CharField(label=_("Pesan"), widget=forms.Textarea(attrs={"rows": 3}))


class TrackLookupForm(forms.Form):
    code = forms.CharField(label=_("Kode lacak"), max_length=20)


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class RatingForm(forms.Form):
    """The complainant's satisfaction rating; the action checks the score (1 to 5)."""

    score = _text(
        _("Nilai kepuasan Anda (1 = sangat tidak puas, 5 = sangat puas)"),
        widget=forms.RadioSelect(choices=SCORE_CHOICES),
    )
    comment = _text(_("Komentar (tidak wajib)"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    """Reopening (the complainant or staff) and merging: why."""

    reason = _text(_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Gabungkan ke pengaduan (nomor register atau ID)"), max_length=60
    )
    reason = _text(_("Alasan (tidak wajib)"), widget=forms.Textarea(attrs={"rows": 2}))


SORT_CHOICES = [
    ("-number", _("Terbaru")),
    ("number", _("Terlama")),
    ("urgency", _("Urgensi, lalu batas waktu")),
    ("state", _("Tahap")),
    ("subject", _("Pokok pengaduan")),
]
assert {key for key, _label in SORT_CHOICES} == set(SORTS)


class RegisterFilterForm(forms.Form):
    """The register's filters, as the page's URL and the API's query string carry them (the
    same names in both). The choices come from the tenant: its SOP's states, the category
    catalogue, its staff."""

    q = _text(_("Cari"), max_length=200)
    state = forms.ChoiceField(label=_("Tahap"), required=False)
    category = forms.ChoiceField(label=_("Kategori"), required=False)
    urgency = forms.ChoiceField(
        label=_("Urgensi"),
        required=False,
        choices=[("", _("Semua urgensi")), *Urgency.choices, (UNASSIGNED, _("Belum ditentukan"))],
    )
    channel = forms.ChoiceField(
        label=_("Kanal"), required=False, choices=[("", _("Semua kanal")), *Channel.choices]
    )
    assignee = forms.ChoiceField(label=_("Ditugaskan kepada"), required=False)
    year = forms.IntegerField(label=_("Tahun"), required=False, min_value=2000, max_value=9999)
    received_from = forms.DateField(
        label=_("Diterima sejak"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Diterima sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Lewat batas waktu"), required=False)
    sort = forms.ChoiceField(label=_("Urutkan"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        data: Any,
        *,
        states: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        assignees: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        self.fields["state"].choices = [("", _("Semua tahap")), *states]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("Semua kategori")), *categories]  # type: ignore[attr-defined]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Siapa saja")),
            (UNASSIGNED, _("Belum ditugaskan")),
            *assignees,
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("Tanggal akhir harus sesudah tanggal awal."))
        return cleaned

    def query(self) -> dict[str, Any]:
        """The valid filters as complaints.selectors.register takes them (an invalid one is
        left out: the page shows its error and the rest still apply)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        assignee = data.get("assignee") or None
        return {
            "query": data.get("q") or "",
            "state": data.get("state") or "",
            "category": data.get("category") or "",
            "urgency": data.get("urgency") or "",
            "channel": data.get("channel") or "",
            "assignee": int(assignee) if assignee and assignee != UNASSIGNED else assignee,
            "year": data.get("year"),
            "received_from": data.get("received_from"),
            "received_to": data.get("received_to"),
            "overdue": bool(data.get("overdue")),
            "sort": data.get("sort") or "-number",
        }


class CorrectionForm(forms.Form):
    """Corrections after intake (complaints.actions.corrections); blank keeps the value."""

    category = forms.ChoiceField(label=_("Kategori"), required=False)
    subject = _text(_("Pokok pengaduan"), max_length=200)
    incident_place = _text(_("Tempat kejadian"), max_length=300)
    urgency = forms.ChoiceField(
        label=_("Urgensi"), required=False, choices=[("", "-"), *Urgency.choices]
    )
    privacy = forms.ChoiceField(
        label=_("Sifat pengaduan"),
        choices=[("confidential", _("Rahasia")), ("public", _("Publik"))],
    )
    reason = forms.CharField(label=_("Alasan koreksi"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "-"), *categories]


class RedactionForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Teks"),
        choices=[("subject", _("Pokok pengaduan")), ("description", _("Uraian pengaduan"))],
    )
    passage = forms.CharField(label=_("Bagian yang disamarkan (salin persis)"), max_length=2000)
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}))


class FileRedactionForm(forms.Form):
    attachment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Alasan"), max_length=2000)


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[("approve", _("Setujui dan kirim")), ("return", _("Kembalikan dengan catatan"))],
        widget=forms.RadioSelect,
    )
    note = _text(_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}))


class CannedAnswerForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=100)
    body = forms.CharField(
        label=_("Isi jawaban"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Isian yang dapat dipakai: {nama}, {nomor}, {tautan}, {tanggal}."),
    )


# --- whistleblowing (complaints.views.wbs) ---------------------------------------------------

WBS_MODE_CHOICES = [
    ("anonymous", _("Anonim: tanpa nama, tanpa alamat, tanpa nomor telepon")),
    (
        "confidential",
        _("Rahasia: identitas saya dicatat tetapi tidak diperlihatkan kepada siapa pun"),
    ),
]


class WbsReportForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Cara melapor"), choices=WBS_MODE_CHOICES, initial="anonymous",
        widget=forms.RadioSelect,
    )  # fmt: skip
    subject = _text(_("Pokok laporan: pelanggaran apa"), max_length=200)
    description = _text(
        _("Uraian: siapa, apa, di mana, kapan, bagaimana"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    incident_place = _text(_("Tempat kejadian (tidak wajib)"), max_length=300)
    attachments = MultipleFileField(
        label=_("Bukti: foto atau PDF (tidak wajib; data EXIF dan metadata dihapus)"),
        required=False,
    )
    name = _text(_("Nama (hanya untuk laporan rahasia)"), max_length=200)
    phone = _text(
        _("Nomor telepon/WhatsApp (hanya untuk laporan rahasia)"),
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    email = _text(_("Surel (hanya untuk laporan rahasia)"), widget=forms.EmailInput())
    address = _text(_("Alamat (tidak wajib)"), widget=forms.Textarea(attrs={"rows": 2}))

    def report_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        anonymous = data.pop("mode") == "anonymous"
        return {**data, "anonymous": anonymous, "attachments": data.get("attachments") or []}


class WbsKeyForm(forms.Form):
    receipt_key = forms.CharField(
        label=_("Kunci tanda terima"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}),
    )  # fmt: skip


class WbsReplyForm(WbsKeyForm):
    message = _text(_("Balasan atau keterangan tambahan"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(
        label=_("Tambah bukti: foto atau PDF (metadata dihapus)"), required=False
    )


class WbsPolicyForm(forms.Form):
    enabled = forms.BooleanField(label=_("Buka layanan WBS"), required=False)
    acknowledge_days = forms.IntegerField(label=_("Tanda terima paling lama (hari)"), min_value=1)
    feedback_days = forms.IntegerField(label=_("Umpan balik paling lama (hari)"), min_value=1)
    legal_basis = _text(
        _("Dasar hukum batas waktu instansi (wajib bila bukan 7 hari/3 bulan)"), max_length=500
    )


class WbsAppointForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Anggota yang diangkat"), coerce=int, choices=[])


class WbsDismissForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Petugas WBS yang diberhentikan"), coerce=int, choices=[])


class WbsDisclosureForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka identitas pelapor"), widget=forms.Textarea(attrs={"rows": 3})
    )


class FrontDoorForm(ForgivingFormMixin, CategoryQuestionsMixin, forms.Form):
    """The platform's front door: the place by a village search (name, then district,
    regency and province to tell the 28 Babakans apart), or the phone's location where
    boundaries are loaded; the rest as at a tenant's form."""

    needed_fields = ("place", "name", "address", "phone", "subject", "description")
    place_query = _text(
        _("Cari desa/kelurahan atau kabupaten/kota (minimal 3 huruf)"), max_length=60
    )
    place = forms.CharField(required=False, widget=forms.HiddenInput)
    # The page's fields before the place search; a form or bookmark that still sends them works.
    village_code = forms.CharField(required=False, max_length=13, widget=forms.HiddenInput)
    regency_code = forms.CharField(required=False, max_length=5, widget=forms.HiddenInput)
    address_text = _text(_("Alamat kejadian (jalan, RT/RW, patokan)"), max_length=300)
    category = forms.ChoiceField(label=_("Kategori (jika tahu)"), required=False)
    subject = _text(_("Pokok pengaduan"), max_length=200)
    description = _text(
        _("Uraian pengaduan: apa, di mana, kapan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    name = _text(_("Nama"), max_length=200)
    address = _text(_("Alamat"), max_length=300)
    phone = _text(
        _("Nomor telepon/WhatsApp"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = _text(_("Surel (tidak wajib)"), max_length=254, widget=forms.EmailInput())
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    attachments = MultipleFileField(
        label=_("Foto atau PDF (tidak wajib, paling banyak 5, masing-masing 10 MB)"),
        required=False,
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.add_questions()
        # The routed body may confirm phones (known only after routing): its code, shown once
        # asked for (front_door_page sets confirm_phone then).
        self.confirm_phone = False
        self.fields["phone_code"] = forms.CharField(
            label=_("Kode konfirmasi (bila diminta)"),
            required=False,
            max_length=10,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        )
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", _("Biarkan Aduan memilih")), *categories]

    def intake_values(self) -> dict[str, Any]:
        """The front door's input: a 5-character place is a regency, a longer one a village."""
        data = self.cleaned_data
        place = str(data.get("place") or data.get("village_code") or data.get("regency_code") or "")
        text = {
            key: str(data.get(key) or "")
            for key in (
                "address_text",
                "category",
                "name",
                "address",
                "phone",
                "email",
                "subject",
                "description",
            )
        }
        return {
            **text,
            "regency_code": place if len(place) == 5 else place[:5],
            "village_code": place if len(place) > 5 else "",
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "answers": self.answers(),
            "phone_code": str(data.get("phone_code") or ""),
        }
