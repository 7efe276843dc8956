"""The outbound-address policy. No test here sends a packet: hosts are address literals, `localhost`
(the hosts file) or names answered by a resolver passed in."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

import pytest

from brightkitchen.core import netpolicy
from brightkitchen.core.netpolicy import OutboundRefused, Policy, Reason

NOTHING_LISTED = Policy()
VPN = Policy(allowed=(ipaddress.ip_network("10.20.0.0/16"),))


def no_dns(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"{host} should not have been resolved")


def answers(table: dict[str, list[str]]) -> netpolicy.Resolver:
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return table[host]

    return resolve


def refused(host: str, policy: Policy = NOTHING_LISTED, port: int = 554, **kw: object) -> Reason:
    with pytest.raises(OutboundRefused) as err:
        netpolicy.destination(host, port, policy=policy, resolver=kw.get("resolver", no_dns))  # type: ignore[arg-type]
    return err.value.reason


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", Reason.LOOPBACK),
        ("2130706433", Reason.LOOPBACK),  # decimal
        ("0177.0.0.1", Reason.LOOPBACK),  # octal
        ("017700000001", Reason.LOOPBACK),  # octal, one part
        ("0x7f000001", Reason.LOOPBACK),  # hex
        ("0x7f.0.0.1", Reason.LOOPBACK),
        ("127.1", Reason.LOOPBACK),  # short form
        ("127.0.1", Reason.LOOPBACK),
        ("127.0.0.1.", Reason.LOOPBACK),  # trailing dot
        ("[::1]", Reason.LOOPBACK),
        ("::1", Reason.LOOPBACK),
        ("[::ffff:127.0.0.1]", Reason.LOOPBACK),  # IPv4-mapped
        ("::ffff:7f00:1", Reason.LOOPBACK),
        ("64:ff9b::7f00:1", Reason.LOOPBACK),  # NAT64
        ("2002:7f00:1::1", Reason.LOOPBACK),  # 6to4
        ("::127.0.0.1", Reason.LOOPBACK),  # IPv4-compatible
        ("169.254.169.254", Reason.METADATA),
        ("0xa9fea9fe", Reason.METADATA),
        ("[::ffff:169.254.169.254]", Reason.METADATA),
        ("100.100.100.200", Reason.METADATA),
        ("fd00:ec2::254", Reason.METADATA),
        ("169.254.1.2", Reason.LINK_LOCAL),
        ("fe80::1", Reason.LINK_LOCAL),
        ("fe80::1%eth0", Reason.LINK_LOCAL),
        ("224.0.0.1", Reason.MULTICAST),
        ("ff02::1", Reason.MULTICAST),
        ("0.0.0.0", Reason.UNSPECIFIED),
        ("0", Reason.UNSPECIFIED),
        ("::", Reason.UNSPECIFIED),
        ("240.0.0.1", Reason.RESERVED),
        ("255.255.255.255", Reason.RESERVED),
        ("10.0.0.5", Reason.PRIVATE),
        ("172.16.3.4", Reason.PRIVATE),
        ("192.168.1.64", Reason.PRIVATE),
        ("0xc0a80140", Reason.PRIVATE),  # 192.168.1.64 in hex
        ("100.64.1.1", Reason.PRIVATE),
        ("fd12:3456::1", Reason.PRIVATE),
        ("1.2.3.4.5", Reason.MALFORMED),
        ("999.1.1.1", Reason.MALFORMED),
        ("0x7f.0.0.0x1ff", Reason.MALFORMED),
    ],
)
def test_every_notation_is_refused_without_resolving(host: str, reason: Reason) -> None:
    assert refused(host) == reason


def test_public_addresses_and_names_are_allowed() -> None:
    assert netpolicy.destination("93.184.216.34", 554, policy=NOTHING_LISTED, resolver=no_dns).address == (
        "93.184.216.34"
    )
    resolve = answers({"cam.example.cn": ["2001:4860::8888", "93.184.216.34"]})
    target = netpolicy.destination("cam.example.cn", 554, policy=NOTHING_LISTED, resolver=resolve)
    assert (target.host, target.address, target.port) == ("cam.example.cn", "93.184.216.34", 554)


def test_private_range_only_inside_a_listed_network() -> None:
    assert netpolicy.destination("10.20.3.4", 554, policy=VPN, resolver=no_dns).address == "10.20.3.4"
    assert refused("10.21.3.4", VPN) == Reason.PRIVATE
    assert refused("192.168.1.1", VPN) == Reason.PRIVATE


def test_a_broad_listing_does_not_open_loopback_link_local_or_metadata() -> None:
    everything = Policy(allowed=(ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")))
    assert netpolicy.destination("10.9.9.9", 554, policy=everything, resolver=no_dns)
    assert refused("127.0.0.1", everything) == Reason.LOOPBACK
    assert refused("[::1]", everything) == Reason.LOOPBACK
    assert refused("169.254.1.2", everything) == Reason.LINK_LOCAL
    shared = Policy(allowed=(ipaddress.ip_network("100.64.0.0/10"),))
    assert netpolicy.destination("100.100.1.1", 554, policy=shared, resolver=no_dns)
    assert refused("100.100.100.200", shared) == Reason.METADATA


def test_loopback_when_the_operator_lists_it() -> None:
    local = Policy(allowed=(ipaddress.ip_network("127.0.0.0/8"),))
    assert netpolicy.destination("127.0.0.1", 8554, policy=local, resolver=no_dns).address == "127.0.0.1"
    assert netpolicy.destination("2130706433", 8554, policy=local, resolver=no_dns).address == "127.0.0.1"
    assert refused("[::1]", local) == Reason.LOOPBACK  # not listed for IPv6


def test_a_name_resolving_to_a_forbidden_address_is_refused() -> None:
    resolve = answers(
        {
            "rebound.example.cn": ["127.0.0.1"],
            "metadata.example.cn": ["169.254.169.254"],
            "mixed.example.cn": ["93.184.216.34", "10.0.0.1"],  # one good answer does not make it good
        }
    )
    assert refused("rebound.example.cn", resolver=resolve) == Reason.LOOPBACK
    assert refused("metadata.example.cn", resolver=resolve) == Reason.METADATA
    assert refused("mixed.example.cn", resolver=resolve) == Reason.PRIVATE
    with pytest.raises(socket.gaierror):
        netpolicy.destination("unknown.example.cn", 554, policy=NOTHING_LISTED, resolver=resolve)


def test_localhost_through_the_system_resolver_is_refused() -> None:
    # getaddrinfo answers localhost from the hosts file: no DNS query leaves the machine.
    with pytest.raises(OutboundRefused) as err:
        netpolicy.destination("localhost", 554, policy=NOTHING_LISTED, resolver=netpolicy.system_resolver)
    assert err.value.reason == Reason.LOOPBACK


def test_the_platforms_own_addresses() -> None:
    policy = netpolicy._build(
        ("127.0.0.0/8", "10.0.0.0/8"),
        ("127.0.0.1:8000", "[::1]:8000"),
        ("http://127.0.0.1:8001", "http://relay.example:8001"),
        ("bk.example.gov.cn", ".bk.example.gov.cn", "10.1.1.1", "127.0.0.1", "*"),
    )
    assert refused("127.0.0.1", policy, port=8000) == Reason.OWN
    assert refused("2130706433", policy, port=8000) == Reason.OWN
    assert refused("127.0.0.1", policy, port=8001) == Reason.OWN
    assert netpolicy.destination("127.0.0.1", 8554, policy=policy, resolver=no_dns)
    assert refused("10.1.1.1", policy, port=554) == Reason.OWN
    assert refused("bk.example.gov.cn", policy) == Reason.OWN
    assert refused("media.bk.example.gov.cn", policy) == Reason.OWN
    assert refused("relay.example", policy) == Reason.OWN


def test_check_url_and_pinning_the_checked_address() -> None:
    resolve = answers({"cam.example.cn": ["93.184.216.34"]})
    url = "rtsp://admin:pw@cam.example.cn:8554/live?x=1"
    target = netpolicy.check_url(url, policy=NOTHING_LISTED, resolver=resolve)
    assert target is not None and target.port == 8554
    assert netpolicy.with_address(url, target.address) == "rtsp://admin:pw@93.184.216.34:8554/live?x=1"
    assert netpolicy.with_address("rtsp://h/a", "2001:db8::1") == "rtsp://[2001:db8::1]/a"
    assert (
        netpolicy.check_url(
            "rtsp://nowhere.example/a", policy=NOTHING_LISTED, resolver=resolve, unresolved_ok=True
        )
        is None
    )
    with pytest.raises(OutboundRefused):
        netpolicy.check_url("http://[::ffff:127.0.0.1]:8000/", policy=NOTHING_LISTED, resolver=no_dns)


def test_offline_resolver_answers_localhost_only() -> None:
    assert netpolicy.offline_resolver("localhost", 80) == ["127.0.0.1", "::1"]
    with pytest.raises(socket.gaierror):
        netpolicy.offline_resolver("cam.example.cn", 80)
