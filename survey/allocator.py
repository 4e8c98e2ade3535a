"""The C allocator of the server: few arenas, and freed memory given back after big responses.

glibc gives a thread that allocates while another does its own arena (up to 8 per core) and
keeps what is freed there for later. An export of 100 000 answers goes through tens of
megabytes of short-lived strings (a chunk file read, rows written), so each waitress thread
that served one kept 20–40 MB resident: 127 → 274 MB after 12 exports (docs/BENCHMARKS.md,
« Server memory across exports, and quote cards »). Python's own small-object allocator is
not concerned; the large strings are.

Two levers, both measured there: ``limit_arenas`` (``mallopt(M_ARENA_MAX)``, which glibc
reads the first time a thread needs an arena, so it must run before the server's threads
start: no re-exec with the environment variable is needed) and ``give_back``
(``malloc_trim(0)``, which returns the free pages of every arena to the system). Trim alone
did not help (+145 MB over 12 exports), the cap alone left +40 MB, both +11 MB. Linux with glibc
only; elsewhere (Windows, macOS, musl) both do nothing.
"""

from __future__ import annotations

import ctypes
import sys

M_ARENA_MAX = -8  # mallopt parameter (glibc's malloc.h)
_libc: object = None  # not looked up yet; False: no glibc here


def _glibc():
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL("libc.so.6", use_errno=True)
                if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):
                    _libc = libc
            except OSError:
                pass
    return _libc or None


def limit_arenas(count: int) -> bool:
    """At most ``count`` malloc arenas in this process (0: glibc's default); True if applied.
    Call it before any thread is started: arenas already made stay."""
    libc = _glibc()
    if libc is None or count <= 0:
        return False
    return bool(libc.mallopt(ctypes.c_int(M_ARENA_MAX), ctypes.c_int(count)))


def give_back() -> bool:
    """Return the allocator's free memory to the system (a few milliseconds); True if some was."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.malloc_trim(ctypes.c_size_t(0)))


def arena_setting(config) -> int:
    """``MALLOC_ARENA_MAX`` of the configuration (a number, also from the environment)."""
    try:
        return max(0, int(str(config.get("MALLOC_ARENA_MAX") or 0).strip()))
    except ValueError:
        return 0


def trim_setting(config) -> bool:
    """``MALLOC_TRIM`` of the configuration: off when false, 0 or « non »."""
    value = config.get("MALLOC_TRIM")
    return str(value).strip().casefold() not in ("", "0", "non", "no", "false", "off", "none")


def give_back_after(response, config) -> None:
    """Once ``response`` (a large download: an export, a PDF) is sent, ``give_back`` — unless
    ``MALLOC_TRIM`` is off. Otherwise each server thread keeps tens of megabytes."""
    if trim_setting(config):
        response.call_on_close(give_back)
