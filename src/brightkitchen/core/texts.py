"""Sentences the platform writes (alert messages, …), kept as their English source and parameters so that
every reader gets them in their own language, not in the language of whoever made them.

A rule writes `Text(gettext_noop("The health certificate of %(name)s expires on %(date)s."), {...})`;
the model stores `text.msgid` and `text.stored_params()` (JSON) beside the rendered default-language
sentence (for search and exports), and a page renders `render(msgid, params)` in the active language.
A parameter that is itself a word to translate (a meal, a check's name) is passed as its lazy label and
stored as `{"msgid": <English source>}`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

Params = Mapping[str, Any]


def _english(label: Promise) -> str:
    """The English source of a lazy label (its msgid: there is no English catalogue to change it)."""
    with translation.override("en"):
        return str(label)


def store_params(params: Params) -> dict[str, Any]:
    """Parameters as JSON: numbers and texts as they are, translatable labels as their msgid."""
    return {
        key: {"msgid": _english(value)} if isinstance(value, Promise) else value
        for key, value in params.items()
    }


def render(msgid: str, params: Params | None = None) -> str:
    """The sentence in the active language."""
    if not params:
        return gettext(msgid)
    values = {
        key: gettext(value["msgid"]) if isinstance(value, dict) and "msgid" in value else value
        for key, value in params.items()
    }
    try:
        return gettext(msgid) % values
    except (KeyError, TypeError, ValueError):  # a translation that names other parameters
        return msgid % values


@dataclass(frozen=True)
class Text:
    msgid: str
    params: Params = field(default_factory=dict)

    def stored_params(self) -> dict[str, Any]:
        return store_params(self.params)

    def __str__(self) -> str:
        return render(self.msgid, self.stored_params())

    def in_default_language(self) -> str:
        """The sentence in the platform's default language (zh-hans), as a row stores it for search and
        exports whoever's request or worker made it."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self)
