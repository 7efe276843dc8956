"""The outbound-address policy: which addresses the platform may open a connection to.

Everything the platform connects to on a user's say-so (camera sources now; docking endpoints and
webhooks later) goes through here twice: when the address is saved (`check_url`, a clear refusal on the
field) and again when it connects (`destination`), on the address the name resolves to *then*, because
a host name can be re-pointed after it was saved (DNS rebinding). Connect to `Destination.address`, the
address that was checked, never to the name again.

Refused always: unspecified (0.0.0.0, ::), multicast, reserved and broadcast addresses, cloud metadata
addresses, and the platform's own listening addresses (PLATFORM_ADDRESSES, the relays of RELAY_URL, the
names and addresses of ALLOWED_HOSTS). Refused unless the operator lists them in
OUTBOUND_ALLOWED_NETWORKS: private and shared ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7,
…; schools' cameras often sit on a VPN range), and loopback and link-local addresses, which only a
listed network inside those ranges allows (127.0.0.0/8, not 0.0.0.0/0), so that a broad listing does
not open the platform's own machine by accident. Public addresses are allowed.

A host is read in every notation a resolver accepts: decimal (2130706433), octal (0177.0.0.1), hex
(0x7f.1), short forms (127.1), IPv4-mapped and other IPv6 forms that embed an IPv4 address
([::ffff:127.0.0.1], 64:ff9b::7f00:1, 2002:7f00:1::). All addresses a name resolves to must be
allowed, so one forbidden answer among good ones is refused too.

This module imports no domain app; the resolver is a parameter so its tests need no network.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) → the addresses it resolves to, as text; raises socket.gaierror when it does not resolve.
Resolver = Callable[[str, int], Sequence[str]]

DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}

# Instance metadata services: AWS/GCP/Azure/OpenStack, AWS ECS and its IPv6 form, Alibaba Cloud (inside
# the shared 100.64/10 range, so listing that range must not open it), Tencent Cloud.
METADATA_ADDRESSES: frozenset[Address] = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "169.254.0.23")
)
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class Reason(enum.StrEnum):
    MALFORMED = "malformed"
    UNSPECIFIED = "unspecified"
    MULTICAST = "multicast"
    METADATA = "metadata"
    RESERVED = "reserved"
    LOOPBACK = "loopback"
    LINK_LOCAL = "link_local"
    PRIVATE = "private"
    OWN = "own"


MESSAGES: dict[Reason, Promise] = {
    Reason.MALFORMED: _("The host looks like a number but is not a valid address."),
    Reason.UNSPECIFIED: _("An unspecified address (0.0.0.0 or ::) cannot be connected to."),
    Reason.MULTICAST: _("The platform does not connect to multicast addresses."),
    Reason.METADATA: _("The platform does not connect to cloud metadata addresses."),
    Reason.RESERVED: _("The platform does not connect to reserved or broadcast addresses."),
    Reason.LOOPBACK: _("The platform does not connect to its own machine (loopback addresses)."),
    Reason.LINK_LOCAL: _("The platform does not connect to link-local addresses."),
    Reason.PRIVATE: _(
        "This private address is not in a network the operator allows (OUTBOUND_ALLOWED_NETWORKS)."
    ),
    Reason.OWN: _("This is an address of the platform itself."),
}


class OutboundRefused(ValueError):
    """The policy forbids connecting to this host or address. Not an OSError on purpose: a caller's
    handler for connection failures must not swallow it as "unreachable"."""

    def __init__(self, reason: Reason, host: str, address: str = "") -> None:
        self.reason = reason
        self.host = host
        self.address = address
        shown = f"{host} ({address})" if address and address != host else host
        super().__init__(f"refused by the outbound policy: {shown} is {reason.value}")

    @property
    def message(self) -> Promise:
        """For people, translated."""
        return MESSAGES[self.reason]


@dataclass(frozen=True)
class Policy:
    allowed: tuple[Network, ...] = ()
    own_names: frozenset[str] = frozenset()  # host names of the platform (any port)
    own_endpoints: frozenset[tuple[Address, int | None]] = frozenset()  # (address, port or None: any)


@dataclass(frozen=True)
class Destination:
    host: str  # as written in the URL (a name or an address)
    address: str  # the checked address to connect to
    port: int


# --- reading a host ---------------------------------------------------------------------------------


def _number(part: str) -> int | None:
    """One part of a numeric IPv4 host as C's inet_aton reads it: 0x… hex, 0… octal, else decimal."""
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or any(not p for p in parts):
        return None
    numbers = [_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(values)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _looks_numeric(host: str) -> bool:
    last = host.split(".")[-1]
    return bool(last) and (last.isdigit() or (last[:2].lower() == "0x" and _number(last) is not None))


def unwrap(address: Address) -> Address:
    """The IPv4 address an IPv6 address stands for where it embeds one the traffic ends up at (mapped,
    compatible, NAT64, 6to4); otherwise the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if any(address in net for net in NAT64):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        packed = int(address)
        if packed >> 32 == 0 and packed > 1:  # ::a.b.c.d, the deprecated IPv4-compatible form
            return ipaddress.IPv4Address(packed)
    return address


def parse_host(host: str) -> Address | None:
    """The address a host stands for when it is one, in any notation; None for a host name. A host that
    looks numeric but is no address is refused (a resolver might read it some other way)."""
    text = host.strip().strip("[]").rstrip(".").lower()
    if "%" in text:  # an IPv6 zone (fe80::1%eth0): link-local, scoped to an interface
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    numeric = _numeric_ipv4(text)
    if numeric is not None:
        return numeric
    if _looks_numeric(text):
        raise OutboundRefused(Reason.MALFORMED, host)
    try:  # whatever else this C library reads as an address (it is what getaddrinfo would use)
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except (OSError, UnicodeError, ValueError):
        return None


# --- the policy -------------------------------------------------------------------------------------


def _inside(address: Address, networks: Iterable[Network], within: Sequence[Network]) -> bool:
    """Whether a listed network that lies inside one of `within` holds the address."""
    return any(
        address.version == net.version
        and address in net
        and any(net.version == w.version and net.subnet_of(w) for w in within)  # type: ignore[arg-type]
        for net in networks
    )


def check_address(address: Address | str, port: int | None, policy: Policy, host: str = "") -> None:
    """Raises OutboundRefused unless the policy allows connecting to this address and port."""
    original = ipaddress.ip_address(address) if isinstance(address, str) else address
    ip = unwrap(original)
    shown = host or str(original)

    def refuse(reason: Reason) -> OutboundRefused:
        return OutboundRefused(reason, shown, str(original))

    for own, own_port in policy.own_endpoints:
        if ip == own and (own_port is None or own_port == port):
            raise refuse(Reason.OWN)
    if ip.is_unspecified:
        raise refuse(Reason.UNSPECIFIED)
    if ip in METADATA_ADDRESSES or original in METADATA_ADDRESSES:
        raise refuse(Reason.METADATA)
    if ip.is_multicast:
        raise refuse(Reason.MULTICAST)
    if ip.is_loopback:
        if not _inside(ip, policy.allowed, LOOPBACK):
            raise refuse(Reason.LOOPBACK)
        return
    if ip.is_link_local:
        if not _inside(ip, policy.allowed, LINK_LOCAL):
            raise refuse(Reason.LINK_LOCAL)
        return
    if ip.is_reserved or (isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address(2**32 - 1)):
        raise refuse(Reason.RESERVED)
    site_local = isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local
    if not ip.is_global or site_local:
        if not any(ip.version == net.version and ip in net for net in policy.allowed):
            raise refuse(Reason.PRIVATE)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))


def offline_resolver(host: str, port: int) -> list[str]:
    """Resolves `localhost` only and never asks a DNS server (OUTBOUND_RESOLVER=offline: the test suite,
    so that no test sends a DNS query off the machine)."""
    if host.rstrip(".").lower() == "localhost":
        return ["127.0.0.1", "::1"]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (offline resolver)")


def destination(
    host: str, port: int, *, policy: Policy | None = None, resolver: Resolver | None = None
) -> Destination:
    """The address to connect to for host:port, resolved now and checked; OutboundRefused when the policy
    forbids it, socket.gaierror when the name does not resolve."""
    policy = policy if policy is not None else policy_from_settings()
    name = host.strip("[]").rstrip(".").lower()
    literal = parse_host(host)
    if literal is not None:
        check_address(literal, port, policy, host)
        return Destination(host, str(literal), port)
    if any(name == own or (own.startswith(".") and name.endswith(own)) for own in policy.own_names):
        raise OutboundRefused(Reason.OWN, host)
    answers = (resolver or default_resolver())(name, port)
    if not answers:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in answers]
    for address in addresses:
        check_address(address, port, policy, host)
    # IPv4 first: cameras on school networks rarely have working IPv6 even when a name has an AAAA.
    chosen = sorted(addresses, key=lambda a: a.version)[0]
    return Destination(host, str(chosen), port)


def split_url(url: str) -> tuple[SplitResult, str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    return parts, host, port


def check_url(
    url: str, *, policy: Policy | None = None, resolver: Resolver | None = None, unresolved_ok: bool = False
) -> Destination | None:
    """Checks a URL's host; None only with `unresolved_ok` when the name does not resolve now (saving an
    address whose name is not yet known: it is checked again when connecting)."""
    _parts, host, port = split_url(url)
    try:
        return destination(host, port, policy=policy, resolver=resolver)
    except socket.gaierror:
        if unresolved_ok:
            return None
        raise


def with_address(url: str, address: str) -> str:
    """The URL with its host replaced by `address`, user, port, path and query kept."""
    parts = urlsplit(url)
    userinfo, at, _hostport = parts.netloc.rpartition("@")
    host = f"[{address}]" if ":" in address else address
    port = f":{parts.port}" if parts.port is not None else ""
    return parts._replace(netloc=f"{userinfo}{at}{host}{port}").geturl()


# --- from the settings ------------------------------------------------------------------------------


def _networks(values: Iterable[str], setting: str) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{setting} must be CIDR networks, comma-separated: {exc}") from None


def _host_port(text: str) -> tuple[str, int | None]:
    """ "host:port", "[v6]:port", "host" or a URL → (host, port or None)."""
    if "://" in text:
        _parts, host, url_port = split_url(text)
        return host, url_port
    if text.startswith("["):
        host, _sep, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if text.count(":") == 1:
        host, _sep, port = text.partition(":")
        return host, int(port) if port.isdigit() else None
    return text, None


def _local_addresses() -> list[Address]:
    """Loopback and this machine's own addresses (for a platform bound to 0.0.0.0 or ::)."""
    found: list[Address] = [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    try:
        for answer in system_resolver(socket.gethostname(), 0):
            found.append(ipaddress.ip_address(answer))
    except (OSError, ValueError):
        pass
    return found


@functools.cache
def _build(
    allowed: tuple[str, ...], platform: tuple[str, ...], relays: tuple[str, ...], hosts: tuple[str, ...]
) -> Policy:
    names: set[str] = set()
    endpoints: set[tuple[Address, int | None]] = set()
    for entry in (*platform, *relays):
        host, port = _host_port(entry.strip())
        literal = parse_host(host) if host else None
        if literal is None:
            if host:
                names.add(host.lower().rstrip("."))
            continue
        targets = _local_addresses() if literal.is_unspecified else [literal]
        endpoints.update((t, port) for t in targets)
    for entry in hosts:
        host = entry.strip().lower()
        if not host or host == "*":
            continue
        literal = parse_host(host) if not host.startswith(".") else None
        if literal is None:
            names.add(host.rstrip("."))
        elif not literal.is_loopback:
            # A public or private address the platform answers at: nothing there is a camera. (Loopback
            # entries stand for the local web server, refused at its port through PLATFORM_ADDRESSES.)
            endpoints.add((literal, None))
    return Policy(
        allowed=_networks(allowed, "OUTBOUND_ALLOWED_NETWORKS"),
        own_names=frozenset(names),
        own_endpoints=frozenset(endpoints),
    )


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value or ())  # type: ignore[attr-defined]


def policy_from_settings() -> Policy:
    return _build(
        _as_tuple(getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", ())),
        _as_tuple(getattr(settings, "PLATFORM_ADDRESSES", ())),
        _as_tuple(getattr(settings, "RELAY_URL", ())),
        _as_tuple(getattr(settings, "ALLOWED_HOSTS", ())),
    )


def default_resolver() -> Resolver:
    """OUTBOUND_RESOLVER: "system" (getaddrinfo), "offline" (localhost only, never a DNS query), or the
    dotted path of a resolver function (a site's own resolver; the tests' re-pointed names)."""
    choice = getattr(settings, "OUTBOUND_RESOLVER", "system") or "system"
    if choice == "system":
        return system_resolver
    if choice == "offline":
        return offline_resolver
    return cast(Resolver, import_string(choice))
