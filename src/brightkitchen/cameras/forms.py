"""Camera forms. The source address is write-only: the edit form starts blank and a blank address keeps
the stored one. Thresholds are typed as `check=number` pairs (blur=80, dark=35)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from brightkitchen.cameras.credentials import MAX_URL_LENGTH
from brightkitchen.cameras.models import Camera, KeyPoint, SourceKind

# The kinds a person can pick now (GB/T 28181 devices come with their own part).
_FORM_KINDS = [(k.value, k.label) for k in (SourceKind.RTSP, SourceKind.HTTP)]


class WriteOnlyInput(forms.TextInput):
    """A text box that never renders its value back: a re-shown form must not echo a password."""

    def format_value(self, value: Any) -> str | None:
        return None


def parse_thresholds(text: str) -> dict[str, Any]:
    """ "blur=80, dark=35" → {"blur": 80.0, "dark": 35.0}; the service checks the keys and values."""
    result: dict[str, Any] = {}
    for item in text.replace("\n", ",").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise forms.ValidationError(_("Write each threshold as check=number."))
        try:
            result[key.strip()] = float(value)
        except ValueError:
            raise forms.ValidationError(_("Write each threshold as check=number.")) from None
    return result


def format_thresholds(values: dict[str, float]) -> str:
    return ", ".join(f"{key}={value:g}" for key, value in sorted(values.items()))


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
    quality_thresholds = forms.CharField(
        label=_("Quality thresholds"),
        required=False,
        help_text=_("Optional overrides, e.g. blur=80, dark=35."),
    )

    def clean_quality_thresholds(self) -> dict[str, Any]:
        return parse_thresholds(self.cleaned_data.get("quality_thresholds") or "")


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
                "quality_thresholds": format_thresholds(camera.quality_thresholds or {}),
            }
        super().__init__(*args, **kwargs)
        url = self.fields["source_url"]
        url.required = False
        url.help_text = _("Leave blank to keep the current address.")
        if camera is not None:
            url.widget.attrs["placeholder"] = camera.display_url
