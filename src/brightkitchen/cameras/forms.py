"""Camera forms. The source address is write-only: the edit form starts blank and a blank address keeps
the stored one. Each quality check has its own optional number, labelled with the check's name and its
default (blank: the default applies)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from brightkitchen.cameras.credentials import MAX_URL_LENGTH
from brightkitchen.cameras.models import Camera, HealthEventKind, KeyPoint, SourceKind
from brightkitchen.cameras.quality import DEFAULT_THRESHOLDS

# The kinds a person can pick now (GB/T 28181 devices come with their own part).
_FORM_KINDS = [(k.value, k.label) for k in (SourceKind.RTSP, SourceKind.HTTP)]


class WriteOnlyInput(forms.TextInput):
    """A text box that never renders its value back: a re-shown form must not echo a password."""

    def format_value(self, value: Any) -> str | None:
        return None


THRESHOLD_PREFIX = "threshold_"


def _threshold_field(key: str) -> forms.FloatField:
    default = DEFAULT_THRESHOLDS[key]
    if default.minimum is not None:
        hint = _("Passes at %(value)g or more; blank: this default.") % {"value": default.minimum}
    else:
        hint = _("Passes at %(value)g or less; blank: this default.") % {"value": default.maximum}
    return forms.FloatField(
        label=HealthEventKind(key).label,
        required=False,
        help_text=hint,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class CameraForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("a thing, not a person", "Name"), max_length=60)
    key_point = forms.ChoiceField(label=_("Key point"), choices=KeyPoint.choices)
    source_kind = forms.ChoiceField(label=_("Source kind"), choices=_FORM_KINDS)
    source_url = forms.CharField(
        label=_("Stream address"),
        max_length=MAX_URL_LENGTH,
        help_text=_(
            "For example rtsp://user:password@192.168.1.64:554/Streaming/Channels/101. Stored encrypted."
        ),
        widget=WriteOnlyInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    is_public = forms.BooleanField(label=_("Public"), required=False)
    public_from = forms.TimeField(
        label=_("Public from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    public_until = forms.TimeField(
        label=_("Public until"),
        required=False,
        help_text=_(
            "Leave both blank to show a public camera all day; an end before the start spans midnight."
        ),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in DEFAULT_THRESHOLDS:
            self.fields[f"{THRESHOLD_PREFIX}{key}"] = _threshold_field(key)

    def clean(self) -> dict[str, Any]:
        """The checks given a number, as the service takes them: {check: threshold}."""
        data = super().clean() or {}
        thresholds = {}
        for key in DEFAULT_THRESHOLDS:
            value = data.pop(f"{THRESHOLD_PREFIX}{key}", None)
            if value is not None:
                thresholds[key] = value
        data["quality_thresholds"] = thresholds
        return data

    def add_error(self, field: str | None, error: Any) -> None:
        # The service names a threshold `quality_thresholds.<check>`: shown beside that check's field.
        if field and field.startswith("quality_thresholds"):
            key = field.partition(".")[2]
            field = f"{THRESHOLD_PREFIX}{key}" if f"{THRESHOLD_PREFIX}{key}" in self.fields else None
        super().add_error(field, error)


class AddCameraForm(CameraForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class EditCameraForm(CameraForm):
    def __init__(self, *args: Any, camera: Camera | None = None, **kwargs: Any) -> None:
        if camera is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {
                "name": camera.name,
                "key_point": camera.key_point,
                "source_kind": camera.source_kind,
                "enabled": camera.enabled,
                "is_public": camera.is_public,
                "public_from": camera.public_from,
                "public_until": camera.public_until,
                **{
                    f"{THRESHOLD_PREFIX}{key}": value
                    for key, value in (camera.quality_thresholds or {}).items()
                },
            }
        super().__init__(*args, **kwargs)
        url = self.fields["source_url"]
        url.required = False
        url.help_text = _("Leave blank to keep the current address.")
        if camera is not None:
            url.widget.attrs["placeholder"] = camera.display_url
