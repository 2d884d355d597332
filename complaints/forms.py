"""Web forms: they parse what a browser sends; the actions decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.errors import AduanError
from complaints.models import STAFF_ENTRY_CHANNELS, Channel


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


def show_action_error(form: forms.Form, error: AduanError) -> None:
    """An action's field errors, on the form that sent the input."""
    fields: dict[str, list[str]] = error.extra.get("fields") or {}
    if not fields:
        form.add_error(None, error.message)
    for field, messages in fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ComplaintForm(forms.Form):
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
