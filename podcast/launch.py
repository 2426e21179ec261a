"""The command's first step: on Linux, commands that synthesise run with huge pages.

piper's decoder streams tensors of tens of megabytes through memory for every
sentence. With 2 MiB pages instead of 4 KiB ones (transparent huge pages),
synthesis alone took 5 to 13 % less time on the project's machine, and a cold
build 0 to 13 % (more when the machine is busy), with about the same peak
memory (bench/RESULTS.md). glibc only asks the kernel for huge
pages for what ``malloc`` hands out when its ``glibc.malloc.hugetlb=1``
tunable is set as the process starts, and the kernel only honours that when
transparent huge pages are in ``madvise`` mode (in ``always`` mode it uses them
anyway). So ``build`` and ``batch`` start the command once more, at once and
before anything is imported, with that tunable added to ``GLIBC_TUNABLES``.

A huge page costs the kernel 2 MiB of zeroing when first touched (on this
virtual machine, a quarter of a small build's time went there), so two more
tunables keep malloc from giving its heap back and growing it again on every
large free: ``trim_threshold`` 256 MiB and ``top_pad`` 64 MiB. With them, a
one-sentence edit rebuilds no slower than without huge pages, not 0.4 s slower.

``AUDIO_EDITION_HUGE_PAGES=0`` turns this off. Nothing else changes: the same
process id, arguments, standard streams and exit status. This module imports
nothing heavy, so the restart costs one interpreter start (tens of milliseconds).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

#: The glibc tunable that makes malloc advise the kernel to use huge pages.
TUNABLE = "glibc.malloc.hugetlb=1"
#: Every tunable the restart adds (a name the user already set is left as they set it).
TUNABLES = (
    TUNABLE,
    "glibc.malloc.trim_threshold=268435456",
    "glibc.malloc.top_pad=67108864",
)
#: Where the kernel says how it uses transparent huge pages.
THP_MODE_FILE = "/sys/kernel/mm/transparent_hugepage/enabled"
#: Commands that synthesise speech, and so gain from huge pages.
SYNTHESISING = frozenset({"build", "batch"})
#: The command group's options that take a value (the value is not the command).
_VALUED_OPTIONS = frozenset({"-c", "--config"})


def command_of(args: Sequence[str]) -> str | None:
    """The subcommand in the command line ``args`` (without the program name), if any."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUED_OPTIONS:
            skip = True
        elif arg == "--":
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def glibc_version() -> tuple[int, int] | None:
    """glibc's version, or None under another C library or system."""
    try:
        name, _, version = (os.confstr("CS_GNU_LIBC_VERSION") or "").partition(" ")
        major, minor = version.split(".")[:2]
        return (int(major), int(minor)) if name == "glibc" else None
    except (AttributeError, ValueError, OSError):
        return None


def thp_mode(path: str = THP_MODE_FILE) -> str | None:
    """The kernel's transparent-huge-page mode (``always``, ``madvise``, ``never``), if known."""
    try:
        with open(path, encoding="ascii") as file:
            text = file.read()
    except OSError:
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1 : end] if 0 <= start < end else None


def should_restart(
    args: Sequence[str],
    environ: Mapping[str, str],
    mode: str | None,
    glibc: tuple[int, int] | None,
) -> bool:
    """Whether starting again with :data:`TUNABLES` would give this command huge pages."""
    return (
        command_of(args) in SYNTHESISING
        and environ.get("AUDIO_EDITION_HUGE_PAGES", "1") != "0"
        and "glibc.malloc.hugetlb" not in environ.get("GLIBC_TUNABLES", "")
        and mode == "madvise"
        and glibc is not None
        and glibc >= (2, 35)  # the first glibc with the tunable
    )


def with_tunables(environ: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``environ`` with :data:`TUNABLES` added to any ``GLIBC_TUNABLES`` already there."""
    env = dict(environ)
    existing = [t for t in env.get("GLIBC_TUNABLES", "").split(":") if t]
    named = {t.partition("=")[0] for t in existing}
    env["GLIBC_TUNABLES"] = ":".join(
        existing + [t for t in TUNABLES if t.partition("=")[0] not in named]
    )
    return env


def main() -> None:
    """Console-script entry point: restart with huge pages when it helps, then run the CLI."""
    if (
        sys.platform == "linux"
        and sys.executable
        and should_restart(sys.argv[1:], os.environ, thp_mode(), glibc_version())
    ):
        try:
            os.execve(sys.executable, sys.orig_argv, with_tunables(os.environ))
        except OSError:
            pass  # run as we are: slower, not wrong
    from .cli import main as cli_main

    cli_main()
