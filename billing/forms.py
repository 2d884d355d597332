"""The forms of billing's pages (input parsing only; the rules are in billing.actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Feature


class PlanForm(forms.Form):
    code = forms.SlugField(label=_("Kode"), max_length=40)
    name = forms.CharField(label=_("Nama paket"), max_length=100)
    monthly_price = forms.IntegerField(label=_("Harga per bulan (Rp)"))
    features = forms.MultipleChoiceField(
        label=_("Fitur"), choices=Feature.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    seats = forms.IntegerField(label=_("Kuota kursi petugas"), required=False)
    storage_mb = forms.IntegerField(label=_("Kuota penyimpanan (MB)"), required=False)
    outbound_messages = forms.IntegerField(
        label=_("Kuota pesan WhatsApp/SMS per bulan"), required=False
    )


class TaxRateForm(forms.Form):
    rate = forms.DecimalField(label=_("Tarif PPN (%)"), max_digits=5, decimal_places=2)
    base_numerator = forms.IntegerField(label=_("Dasar pengenaan: pembilang"), initial=11)
    base_denominator = forms.IntegerField(label=_("Dasar pengenaan: penyebut"), initial=12)
    valid_from = forms.DateField(
        label=_("Berlaku mulai"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AccountForm(forms.Form):
    name = forms.CharField(label=_("Nama sesuai NPWP"), max_length=200)
    address = forms.CharField(label=_("Alamat"), widget=forms.Textarea(attrs={"rows": 2}))
    npwp = forms.CharField(label=_("NPWP"), max_length=25)
    email = forms.EmailField(label=_("Surel tagihan"), required=False)
    holder = forms.SlugField(label=_("Instansi pemegang akun (slug)"), required=False)


class CoverForm(forms.Form):
    tenant = forms.SlugField(label=_("Instansi (slug)"))
    plan = forms.SlugField(label=_("Kode paket"))


class IssueForm(forms.Form):
    period = forms.DateField(
        label=_("Periode (tanggal 1)"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ProofForm(forms.Form):
    amount = forms.IntegerField(label=_("Jumlah yang ditransfer (Rp)"))
    proof = forms.FileField(label=_("Bukti transfer (PDF atau foto)"))


class CreditNoteForm(forms.Form):
    amount = forms.IntegerField(label=_("Nilai nota kredit (Rp)"))
    reason = forms.CharField(
        label=_("Alasan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
