"""Page forms of the onboarding paths: they parse input; the rules live in tenants.actions
(onboarding, lifecycle), whose errors land on the named field (`add_domain_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.errors import AduanError
from tenants.actions.onboarding import AGENCY_KINDS


def add_domain_error(form: forms.Form, error: AduanError) -> None:
    """Put a domain error on its field when the form has that field, else on the form."""
    name = error.extra.get("field")
    form.add_error(name if name in form.fields else None, error.message)


class DeskRequestForm(forms.Form):
    officer_name = forms.CharField(label=_("Nama petugas"), max_length=200)
    officer_phone = forms.CharField(
        label=_("Nomor telepon/WhatsApp"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    officer_email = forms.EmailField(label=_("E-mail petugas"))
    letter = forms.FileField(
        label=_("Surat resmi (PDF, maks. 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penolakan"), widget=forms.Textarea(attrs={"rows": 3}))


class RegencyForm(forms.Form):
    region_code = forms.CharField(label=_("Kode wilayah kabupaten/kota"), max_length=13)
    admin_email = forms.EmailField(label=_("E-mail admin kabupaten"))
    name = forms.CharField(label=_("Nama (opsional)"), max_length=200, required=False)
    slug = forms.CharField(label=_("Slug (opsional)"), max_length=60, required=False)


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Nama instansi"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=[(k.value, k.label) for k in AGENCY_KINDS])
    region_code = forms.CharField(
        label=_("Kode wilayah (kosong: kabupaten ini)"), max_length=13, required=False
    )
    slug = forms.CharField(label=_("Slug (opsional)"), max_length=60, required=False)


class AgencyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV (maks. 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
