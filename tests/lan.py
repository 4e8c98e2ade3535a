"""A laptop on a LAN, on this one machine: ``survey serve`` runs inside a network namespace
of its own, joined to the test's side by a virtual cable (veth), with a private address
(10.77.x.1) and a default route. The browser, outside, is the phone: it reaches the laptop
by that address, as on a travel router's Wi-Fi. Nothing leaves the machine.

Needs root and iproute2 (``ip netns``), as CI has; elsewhere the tests that use it are
skipped, never on CI (``CI=true``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LiveServer


def _ip(*args: str, namespace: str | None = None) -> None:
    command = ["ip", *args] if namespace is None else ["ip", "netns", "exec", namespace, "ip", *args]
    subprocess.run(command, check=True, capture_output=True, text=True)


def _free_subnet() -> int:
    """A 10.77.<n>.0/24 whose cable no other test run on this machine uses (two runs at once
    must not unplug each other's laptop)."""
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    for n in range(20, 250):
        if f" pdph{n}@" not in links and f" pdph{n}:" not in links:
            return n
    raise RuntimeError("plus de sous-réseau de test libre (10.77.20–249)")


def lan_available() -> str | None:
    """Why a LAN namespace cannot be made here (None: it can)."""
    if shutil.which("ip") is None:
        return "iproute2 (commande ip) est absent"
    if os.geteuid() != 0:
        return "il faut être root pour créer un espace réseau"
    return None


class LanLaptop(LiveServer):
    """``survey serve`` on 10.77.<n>.1, in its own network namespace."""

    def __init__(self, data_dir: Path, *extra: str, port: int = 8000):
        self.n = _free_subnet()
        self.namespace = f"pdp-lan-{os.getpid()}-{self.n}"
        self.host_side, self.lan_side = f"pdph{self.n}", f"pdpl{self.n}"
        self.address = f"10.77.{self.n}.1"
        self.port = port
        self.url = f"http://{self.address}:{port}"
        self.data_dir = Path(data_dir)
        self.extra = extra
        self.output = ""
        self._plug()
        self.start()

    def _plug(self) -> None:
        self._unplug()
        _ip("netns", "add", self.namespace)
        _ip("link", "add", self.host_side, "type", "veth", "peer", "name", self.lan_side)
        _ip("link", "set", self.lan_side, "netns", self.namespace)
        _ip("addr", "add", f"10.77.{self.n}.2/24", "dev", self.host_side)
        _ip("link", "set", self.host_side, "up")
        _ip("addr", "add", f"{self.address}/24", "dev", self.lan_side, namespace=self.namespace)
        _ip("link", "set", self.lan_side, "up", namespace=self.namespace)
        _ip("link", "set", "lo", "up", namespace=self.namespace)
        _ip("route", "add", "default", "via", f"10.77.{self.n}.2", namespace=self.namespace)

    def _unplug(self) -> None:
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True)
        subprocess.run(["ip", "link", "del", self.host_side], capture_output=True)

    def command(self) -> list[str]:
        """Inside the namespace, listening on every address as a laptop does by default."""
        return [
            "ip",
            "netns",
            "exec",
            self.namespace,
            sys.executable,
            "-m",
            "survey",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(self.port),
            "--data",
            str(self.data_dir),
            *self.extra,
        ]

    def stop(self) -> str:
        out = super().stop()
        self.output += out
        return out

    def close(self) -> None:
        self.stop()
        self._unplug()


@pytest.fixture(scope="module")
def lan_laptop(tmp_path_factory):
    """The laptop with the demo campaigns, reachable only by its LAN address."""
    reason = lan_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"réseau de test impossible en CI : {reason}")
        pytest.skip(reason)
    laptop = LanLaptop(tmp_path_factory.mktemp("lan") / "data", "--demo")
    yield laptop
    laptop.close()
