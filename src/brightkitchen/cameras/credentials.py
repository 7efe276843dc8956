"""Camera source addresses at rest: validated, encrypted with Fernet, and shown only redacted.

The key is settings.CAMERA_SECRET_KEY when set (one or more Fernet keys, comma-separated, newest first,
so a key can be rotated), else derived from SECRET_KEY with HKDF-SHA256. The clear address leaves this
module only through `decrypt`, which the sources (cameras.sources) call to open a stream."""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from brightkitchen.core import netpolicy
from brightkitchen.core.errors import FieldError

MAX_URL_LENGTH = 1000
FIELD = "source_url"
HKDF_INFO = b"brightkitchen camera source"

# The URL schemes each source kind accepts.
SCHEMES: dict[str, frozenset[str]] = {
    "rtsp": frozenset({"rtsp", "rtsps"}),
    "http": frozenset({"http", "https"}),
}

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)


class UndecryptableSource(Exception):
    """The stored address cannot be decrypted (the key changed): the camera's source must be entered again."""


@functools.cache
def _fernet(camera_key: str, secret_key: str) -> MultiFernet:
    if camera_key.strip():
        try:
            keys = [Fernet(k.strip().encode()) for k in camera_key.split(",") if k.strip()]
        except ValueError as exc:
            raise ImproperlyConfigured(
                "CAMERA_SECRET_KEY must be Fernet keys (Fernet.generate_key()), comma-separated."
            ) from exc
        return MultiFernet(keys)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret_key.encode()
    )
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def fernet() -> MultiFernet:
    return _fernet(getattr(settings, "CAMERA_SECRET_KEY", "") or "", settings.SECRET_KEY)


def encrypt(url: str) -> str:
    return fernet().encrypt(url.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableSource from None


def _host_ok(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOSTNAME.match(host))


def validate_url(kind: str, url: str) -> str:
    """The URL, stripped, if it is a stream address of this kind; otherwise a FieldError on source_url."""
    url = (url or "").strip()
    if not url:
        raise FieldError(FIELD, _("Enter the stream address."), code="required")
    if len(url) > MAX_URL_LENGTH:
        raise FieldError(FIELD, _("The stream address is longer than 1000 characters."), code="too_long")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise FieldError(FIELD, _("The stream address may not contain spaces or control characters."))
    allowed = SCHEMES.get(kind)
    if allowed is None:
        raise FieldError("source_kind", _("This kind of source has no stream address."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FieldError(FIELD, _("The port must be a number from 1 to 65535.")) from None
    if parts.scheme.lower() not in allowed:
        raise FieldError(
            FIELD,
            _("The address must start with %(schemes)s.")
            % {"schemes": " / ".join(f"{s}://" for s in sorted(allowed))},
            code="scheme",
        )
    host = parts.hostname or ""
    if not host or not _host_ok(host):
        raise FieldError(FIELD, _("The stream address has no valid host."), code="host")
    if port is not None and not 1 <= port <= 65535:
        raise FieldError(FIELD, _("The port must be a number from 1 to 65535."), code="port")
    try:
        # A name that does not resolve yet is saved; the probe and the relay check it again on the
        # address it resolves to when they connect.
        netpolicy.check_url(url, unresolved_ok=True)
    except netpolicy.OutboundRefused as exc:
        raise FieldError(FIELD, exc.message, code="outbound_refused") from None
    return url


def redact(url: str) -> str:
    """The address without user name, password, query or fragment: rtsp://***@host:554/path?***."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = ("***@" if parts.username is not None or parts.password is not None else "") + host
    if parts.port is not None:
        netloc += f":{parts.port}"
    shown = f"{parts.scheme.lower()}://{netloc}{parts.path}" + ("?***" if parts.query else "")
    return shown[:MAX_URL_LENGTH]
