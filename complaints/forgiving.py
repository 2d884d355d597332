"""Forms that forgive: the shared piece of every intake page (the front door, a tenant's form,
the staff desk, the WBS page). Mix `ForgivingFormMixin` into a form and render its fields with
the include `complaints/_field.html` (and `complaints/_held_files.html` under the file input):

- each error sits next to its field, the field says so to screen readers (`aria-invalid`,
  `aria-describedby` naming the error), `maxlength` comes from the field's limit and the
  elements a complete complaint needs carry a marker;
- files chosen before an error are kept on the server for the form's token (a random hidden
  value), so the citizen on a slow connection never uploads a photo twice;
- the file input names its limits (`data-max-bytes`, `data-max-files`) so the page's script
  (`aduan/forms.js`) checks the size before the upload starts.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
HELD_ROOT = "held"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{24}$")


def new_token() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits: not guessable


class ForgivingFormMixin(forms.BaseForm):
    """Put first among the bases: `class MyForm(ForgivingFormMixin, forms.Form)`."""

    # The elements a complete complaint needs (marked; the intake action decides what is
    # missing, so a form still takes an incomplete complaint where the door allows it).
    needed_fields: tuple[str, ...] = ()
    file_field = "attachments"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posted = str(self.data.get(TOKEN_FIELD, "")) if self.is_bound else ""
        self.form_token = posted if TOKEN_PATTERN.match(posted) else new_token()
        self.fields[TOKEN_FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=self.form_token
        )
        # The hidden field shows the token in force, not a tampered one.
        self.initial[TOKEN_FIELD] = self.form_token
        if isinstance(self.data, QueryDict):
            data = self.data.copy()
            data[TOKEN_FIELD] = self.form_token
            self.data = data
        for name, field in self.fields.items():
            if name in self.needed_fields or field.required:
                field.widget.attrs["aria-required"] = "true"
                field.needed = True  # type: ignore[attr-defined]
        upload = self.fields.get(self.file_field)
        if upload is not None:
            limit = int(settings.ADUAN_ATTACHMENT_MAX_BYTES)
            upload.widget.attrs |= {
                "data-max-bytes": str(limit),
                "data-max-files": str(settings.ADUAN_ATTACHMENTS_MAX),
                "data-too-large": str(
                    _("Berkas terlalu besar: paling besar %(limit)s.")
                    % {"limit": filesizeformat(limit)}
                ),
                "aria-describedby": f"hint-{self.file_field}",
            }

    # --- errors next to their fields -------------------------------------------------------

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self.mark_invalid()

    def mark_invalid(self) -> None:
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None:
                attrs = field.widget.attrs
                attrs["aria-invalid"] = "true"
                hint = f" hint-{name}" if "hint-" in attrs.get("aria-describedby", "") else ""
                attrs["aria-describedby"] = f"error-{name}{hint}"

    # --- files kept across an error ----------------------------------------------------------

    @property
    def held_folder(self) -> str:
        return f"{HELD_ROOT}/{self.form_token}"

    def held_paths(self) -> list[str]:
        try:
            _dirs, names = default_storage.listdir(self.held_folder)
        except FileNotFoundError:
            return []
        return [f"{self.held_folder}/{name}" for name in sorted(names)]

    @property
    def held_names(self) -> list[str]:
        """The kept files as the citizen named them (shown under the file input)."""
        return [path.rsplit("/", 1)[1].split("-", 1)[1] for path in self.held_paths()]

    def new_uploads(self) -> list[Any]:
        if not self.is_bound:
            return []
        return [f for f in self.files.getlist(self.file_field) if f]

    def attachments_with_held(self) -> list[File]:  # type: ignore[type-arg]
        """The files of this submission: the new ones, else those kept from the last try."""
        new = self.new_uploads()
        if new:
            return new
        return [
            File(default_storage.open(path), name=path.rsplit("/", 1)[1].split("-", 1)[1])
            for path in self.held_paths()
        ]

    def hold_files(self) -> None:
        """After an error: keep this try's files for the next (not when the files are the
        error: those the citizen must choose again)."""
        if self.file_field in self.errors:
            self.release_held()
            return
        new = self.new_uploads()
        if not new:
            return
        self.release_held()
        for index, upload in enumerate(new):
            upload.seek(0)
            name = re.sub(r"[^\w.\- ]", "_", str(upload.name or "berkas"))[-120:]
            default_storage.save(f"{self.held_folder}/{index:02d}-{name}", upload)

    def release_held(self) -> None:
        for path in self.held_paths():
            default_storage.delete(path)


def sweep_held_files(*, now: datetime | None = None) -> int:
    """Delete the files held for form tokens older than a token's life (a citizen who never
    came back after an error); returns how many files went. Run hourly by the job
    `complaints.tasks.sweep_held_files`. A folder's age is its newest file's: a token still
    in use keeps all its files."""
    cutoff = (now or timezone.now()) - timedelta(hours=int(settings.ADUAN_FORM_TOKEN_HOURS))
    try:
        tokens, _files = default_storage.listdir(HELD_ROOT)
    except FileNotFoundError:
        return 0
    deleted = 0
    for token in tokens:
        folder = f"{HELD_ROOT}/{token}"
        _dirs, names = default_storage.listdir(folder)
        paths = [f"{folder}/{name}" for name in names]
        if paths and max(default_storage.get_modified_time(p) for p in paths) >= cutoff:
            continue
        for path in paths:
            default_storage.delete(path)
            deleted += 1
        default_storage.delete(folder)  # the empty folder (FileSystemStorage removes it)
    return deleted
