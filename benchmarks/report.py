"""Write a benchmark's figures into docs/BENCHMARKS.md, with the machine and the date."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import date
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"
HEADER = (
    "# Benchmarks\n\nEach section is written by its script in `benchmarks/` "
    "(run `make bench` or the script itself). Figures depend on the machine: each section names it.\n"
)


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kb = int(handle.readline().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    disk = subprocess.run(["df", "-h", "--output=fstype", "."], capture_output=True, text=True).stdout.split()[-1:]
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}" + (f", file system {disk[0]}" if disk else "")
    )


def conditions() -> str:
    """The code measured and how busy the machine was (figures on a shared machine vary with it)."""
    parts = []
    try:
        load = os.getloadavg()
        parts.append(
            f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end of the run"
        )
    except OSError:
        pass
    git = ["git", "--no-optional-locks", "-C", str(DOC.parent.parent)]  # reads only, never writes the index
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        changed = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
        )
    except OSError:  # no git: a copy of the code without its history
        return "; ".join(parts)
    if commit:
        parts.append(f"commit {commit}" + (" with uncommitted changes" if changed.stdout.strip() else ""))
    return "; ".join(parts)


def write_section(title: str, body: str) -> None:
    """Replace (or add) the section ``## title`` of docs/BENCHMARKS.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    when = conditions()
    measured = f"Measured {date.today().isoformat()} on: {machine()}" + (f"; {when}" if when else "")
    section = f"## {title}\n\n{measured}.\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
