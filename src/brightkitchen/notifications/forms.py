from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from brightkitchen.alerts.rules import kind_label, registered_rules
from brightkitchen.notifications.models import PERSONAL_CHANNELS, ChannelChoice, NotificationProfile

EVERY_KIND = ""


def field_name(kind: str) -> str:
    return f"kind__{kind or 'all'}"


class SettingsForm(forms.Form):
    """A person's quiet hours, WeChat openid and channels: one row for every kind of alert, and a row per
    kind where they want something else ("same as above" keeps the first row's choice)."""

    quiet_from = forms.TimeField(
        label=_("Quiet hours from"), required=False, widget=forms.TimeInput({"type": "time"})
    )
    quiet_until = forms.TimeField(
        label=_("Quiet hours until"), required=False, widget=forms.TimeInput({"type": "time"})
    )
    wechat_openid = forms.CharField(label=_("WeChat openid"), required=False, max_length=64)

    def __init__(
        self, *args: Any, choices: list[ChannelChoice], profile: NotificationProfile, **kwargs: Any
    ) -> None:
        chosen = {c.alert_kind: list(c.channels) for c in choices}
        initial = {
            "quiet_from": profile.quiet_from,
            "quiet_until": profile.quiet_until,
            "wechat_openid": profile.wechat_openid,
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        options = [(c.value, c.label) for c in PERSONAL_CHANNELS]
        self.kind_fields: list[tuple[str, str]] = []
        kinds = [EVERY_KIND, *sorted(registered_rules(), key=kind_label)]
        for kind in kinds:
            name = field_name(kind)
            if kind == EVERY_KIND:
                self.fields[name] = forms.MultipleChoiceField(
                    label=_("Every kind of alert"),
                    choices=options,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=chosen.get(EVERY_KIND, [c.value for c in PERSONAL_CHANNELS[:1]]),
                )
            else:
                self.fields[name] = forms.MultipleChoiceField(
                    label=kind_label(kind),
                    choices=[("same", _("Same as above")), *options],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=chosen.get(kind, ["same"]),
                )
            self.kind_fields.append((kind, name))

    def kind_rows(self) -> list[tuple[str, forms.BoundField]]:
        return [(kind, self[name]) for kind, name in self.kind_fields]

    def choices(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for kind, name in self.kind_fields:
            picked = list(self.cleaned_data.get(name) or [])
            if kind != EVERY_KIND and "same" in picked:
                continue
            found[kind] = picked
        return found


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Receiver URL"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), required=False, max_length=120)
