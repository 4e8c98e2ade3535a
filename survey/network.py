"""This laptop's addresses on the local network, as a phone would reach it.

The host name is no guide: Debian maps it to 127.0.1.1 (sometimes 127.0.0.1), so
addresses come from the network interfaces themselves. The interface of the default
route comes first (the network the laptop is really on); a laptop that is its own
hotspot has no default route, so real interfaces come before virtual ones (Docker,
bridges of virtual machines, VPN tunnels) and link-local addresses last.

Nothing here sends a packet: interfaces are read from the kernel (``ioctl`` on Linux),
the default route from ``/proc/net/route``; elsewhere a UDP socket is "connected" to a
private address, which only asks the system which source address it would use.
Everything is injectable (``NetworkView``) so that tests choose the machine they run on.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

ROUTE_TABLE = Path("/proc/net/route")
SIOCGIFADDR = 0x8915  # Linux ioctl: an interface's IPv4 address
RTF_UP = 0x0001
# Names of interfaces a phone on the same Wi-Fi cannot reach (containers, virtual machines, tunnels).
VIRTUAL_PREFIXES = (
    "docker",
    "br-",
    "veth",
    "virbr",
    "vmnet",
    "vboxnet",
    "lxc",
    "lxd",
    "podman",
    "cni",
    "flannel",
    "tun",
    "tap",
    "wg",
    "zt",
    "tailscale",
    "ifb",
    "dummy",
)
# Where the UDP probe "connects" (no packet is sent): a private address, never routed on the internet.
PROBE_ADDRESS = ("10.255.255.255", 9)


@dataclass(frozen=True)
class Interface:
    name: str
    address: str


@dataclass(frozen=True)
class NetworkView:
    """What the machine says about itself: its interfaces and the default route's."""

    interfaces: tuple[Interface, ...] = ()
    default_interfaces: tuple[str, ...] = ()  # best metric first
    route_address: str | None = None  # the source address the system would use to go out
    extra: tuple[str, ...] = ()  # addresses known without an interface name


def is_loopback(host: str) -> bool:
    """``localhost``, 127.x.y.z and ::1: addresses that only this machine can open."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast)


def _is_virtual(name: str) -> bool:
    return name.lower().startswith(VIRTUAL_PREFIXES)


def choose_addresses(view: NetworkView) -> list[str]:
    """The machine's IPv4 addresses a phone may reach, best first; never loopback."""
    ranked = []
    for position, interface in enumerate(view.interfaces):
        if not _usable(interface.address):
            continue
        on_route = (
            view.default_interfaces.index(interface.name)
            if interface.name in view.default_interfaces
            else len(view.default_interfaces)
        )
        link_local = ipaddress.IPv4Address(interface.address).is_link_local
        ranked.append(
            (
                (on_route, _is_virtual(interface.name), link_local, interface.address != view.route_address, position),
                interface.address,
            )
        )
    found = [address for _, address in sorted(ranked)]
    # Known without an interface name (Windows): the route's source address first.
    found += [a for a in (view.route_address, *view.extra) if a and _usable(a)]
    return list(dict.fromkeys(found))


def interface_of(view: NetworkView, address: str) -> str | None:
    return next((i.name for i in view.interfaces if i.address == address), None)


# --- reading the real machine -------------------------------------------------------------------
def default_route_interfaces(table: Path = ROUTE_TABLE) -> tuple[str, ...]:
    """Interfaces of the default routes in Linux's routing table, lowest metric first."""
    try:
        lines = table.read_text().splitlines()[1:]
    except OSError:
        return ()
    routes = []
    for line in lines:
        parts = line.split()
        if len(parts) < 8:
            continue
        try:
            destination, flags, metric, mask = int(parts[1], 16), int(parts[3], 16), int(parts[6]), int(parts[7], 16)
        except ValueError:
            continue
        if destination == 0 and mask == 0 and flags & RTF_UP:
            routes.append((metric, parts[0]))
    return tuple(dict.fromkeys(name for _, name in sorted(routes)))


def linux_interfaces() -> tuple[Interface, ...]:
    """Each interface's IPv4 address, asked to the kernel (no command, no traffic)."""
    try:
        import fcntl

        names = [name for _, name in socket.if_nameindex()]
    except (ImportError, OSError, AttributeError):
        return ()
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for name in names:
            try:
                answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:  # no IPv4 address on this interface
                continue
            found.append(Interface(name, socket.inet_ntoa(answer[20:24])))
    return tuple(found)


def route_source_address() -> str | None:
    """The address this machine would send from to reach a private network: connecting a
    UDP socket only picks the route, it sends nothing."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE_ADDRESS)
            address = probe.getsockname()[0]
    except OSError:  # no route at all
        return None
    return address if _usable(address) else None


def host_name_addresses() -> tuple[str, ...]:
    """Where interfaces cannot be listed (Windows): the host name's addresses, which
    there are the interfaces' (on Debian it is only 127.0.1.1, filtered out)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return ()
    return tuple(dict.fromkeys(info[4][0] for info in infos))


def read_machine() -> NetworkView:
    interfaces = linux_interfaces()
    return NetworkView(
        interfaces=interfaces,
        default_interfaces=default_route_interfaces(),
        route_address=route_source_address(),
        extra=() if interfaces else host_name_addresses(),
    )


def lan_addresses(view: NetworkView | None = None) -> list[str]:
    """This machine's IPv4 addresses other than loopback, the default route's first."""
    return choose_addresses(view if view is not None else read_machine())
