"""Where a camera's video comes from. Probes and relays call only `source_for(camera).open_url()`, so a
new kind of source plugs in with `register_source_kind` without touching them. RTSP and HTTP pull
streams are here; GB/T 28181 devices (which register to the platform from behind a school's NAT) will
register a source whose `open_url` is the platform's own media server address for that device."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from brightkitchen.cameras import credentials
from brightkitchen.cameras.models import Camera, SourceKind
from brightkitchen.core import netpolicy
from brightkitchen.core.errors import FieldError


class Source(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def display_url(self) -> str:
        """The address safe to show (no credentials)."""
        ...

    def open_url(self) -> str:
        """The address a probe or relay opens, credentials included: never show or log it."""
        ...


SourceFactory = Callable[[Camera], Source]

_REGISTRY: dict[str, SourceFactory] = {}


class UnsupportedSourceKind(FieldError):
    def __init__(self, kind: str) -> None:
        super().__init__(
            "source_kind",
            _("Cameras of kind “%(kind)s” are not yet supported.") % {"kind": kind},
            code="not_supported",
        )


def register_source_kind(kind: str, factory: SourceFactory) -> None:
    _REGISTRY[kind] = factory


def supported_kinds() -> frozenset[str]:
    return frozenset(_REGISTRY)


def require_supported(kind: str) -> None:
    """Refuse (400 on source_kind) a kind no source is registered for, such as GB/T 28181 for now."""
    if kind not in _REGISTRY:
        raise UnsupportedSourceKind(kind)


def source_for(camera: Camera) -> Source:
    factory = _REGISTRY.get(camera.source_kind)
    if factory is None:
        raise UnsupportedSourceKind(camera.source_kind)
    return factory(camera)


@dataclass(frozen=True)
class UrlSource:
    """A stream the platform pulls from its URL (RTSP/RTSPS or HTTP(S)); decrypted only when opened."""

    kind: str
    display_url: str
    secret: str = field(repr=False)

    def open_url(self) -> str:
        return pinned_url(credentials.decrypt(self.secret))


def pinned_url(url: str) -> str:
    """An RTSP URL with its host name replaced by the address it resolves to now, when the outbound
    policy allows that address: FFmpeg then connects to the address that was checked instead of
    resolving the name again (a DNS answer changed in between would escape the check). RTSP servers
    do not depend on the name. HTTP(S) and RTSPS keep the name (virtual hosts, TLS server names); their
    connections are checked on the resolved address where they are made (probe, relay). A refused or
    unresolvable address is returned as it is, for the probe or relay to refuse with its reason."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "rtsp":
        return url
    try:
        target = netpolicy.check_url(url)
    except (netpolicy.OutboundRefused, OSError, ValueError):
        return url
    if target is None or target.address == (parts.hostname or ""):
        return url
    return netpolicy.with_address(url, target.address)


def url_source(camera: Camera) -> Source:
    return UrlSource(camera.source_kind, camera.display_url, camera.source_secret)


register_source_kind(SourceKind.RTSP, url_source)
register_source_kind(SourceKind.HTTP, url_source)
