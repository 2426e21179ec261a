"""The command's first step: on Linux, ``build`` and ``batch`` can run with huge pages.

Off unless ``AUDIO_EDITION_HUGE_PAGES=1``: on the project's virtual machine it
was a gamble. piper's decoder streams tensors of tens of megabytes through
memory for every sentence, and with 2 MiB pages instead of 4 KiB ones
(transparent huge pages) synthesis alone took 5 to 13 % less time and a cold
build up to 13 % less in some benchmark runs. But the kernel zeroes each huge
page when it is first touched, and on that machine this cost from under 1 ms
to about 25 ms a page depending on the host's state: later the same day, cold
builds took 1.7 to 2.3 s *longer* with huge pages (bench/RESULTS.md). On a
machine where fresh huge pages are cheap, it is worth turning on.

glibc only asks the kernel for huge pages for what ``malloc`` hands out when
its ``glibc.malloc.hugetlb=1`` tunable is set as the process starts, and the
kernel only honours that when transparent huge pages are in ``madvise`` mode
(in ``always`` mode it uses them anyway). So, when asked, ``build`` and
``batch`` start the command once more, at once and before anything is
imported, with that tunable added to ``GLIBC_TUNABLES``, plus two that keep
malloc from giving its heap back and growing it again on every large free
(``trim_threshold`` 256 MiB, ``top_pad`` 64 MiB: each regrowth faulted fresh
huge pages). The huge pages are held back across the restart until the
synthesizer has said a few sentences (:mod:`voices.memory`), so a
one-sentence edit never pays for them.

Nothing else changes: the same process id, arguments, standard streams and
exit status. This module imports nothing heavy, so the restart costs one
interpreter start (tens of milliseconds).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence

from voices.memory import TUNABLE, TUNABLES, hold_back_huge_pages

__all__ = ["TUNABLE", "TUNABLES", "main", "should_restart", "with_tunables"]

#: Where the kernel says how it uses transparent huge pages.
THP_MODE_FILE = "/sys/kernel/mm/transparent_hugepage/enabled"
#: Commands that synthesise speech, and so gain from huge pages.
SYNTHESISING = frozenset({"build", "batch"})
#: The command group's options that take a value (the value is not the command): only --config.
_VALUED_OPTIONS = frozenset({"--config"})
#: The environment variable that asks for huge pages.
ENV_HUGE_PAGES = "AUDIO_EDITION_HUGE_PAGES"


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


def asked(args: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether this command asks for huge pages and does not have the tunable yet (cheap)."""
    return (
        command_of(args) in SYNTHESISING
        and environ.get(ENV_HUGE_PAGES, "0") == "1"
        and "glibc.malloc.hugetlb" not in environ.get("GLIBC_TUNABLES", "")
    )


def supported(mode: str | None, glibc: tuple[int, int] | None) -> bool:
    """Whether the kernel and glibc would give huge pages for the tunable."""
    return mode == "madvise" and glibc is not None and glibc >= (2, 35)  # the tunable's first


def should_restart(
    args: Sequence[str],
    environ: Mapping[str, str],
    mode: Callable[[], str | None] = thp_mode,
    glibc: Callable[[], tuple[int, int] | None] = glibc_version,
) -> bool:
    """Whether starting again with :data:`TUNABLES` would give this command huge pages.

    The machine (``mode``, ``glibc``: a file read and a ``confstr``) is only
    looked at when the command line and environment ask for huge pages.
    """
    return asked(args, environ) and supported(mode(), glibc())


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
    """Console-script entry point: restart with huge pages when asked to, then run the CLI."""
    if sys.platform == "linux" and sys.executable and should_restart(sys.argv[1:], os.environ):
        # held back across the exec until the synthesizer has enough to say (voices.memory)
        held = hold_back_huge_pages()
        try:
            os.execve(sys.executable, sys.orig_argv, with_tunables(os.environ))
        except OSError:
            if held:  # run as we are: slower, not wrong
                hold_back_huge_pages(False)
    from podcast.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as stop:
        if stop.code in STOPPED:
            end_for_certain(int(stop.code))
        raise


#: The exit statuses of a run stopped by Ctrl-C (130) or SIGTERM (143).
STOPPED = (130, 143)
#: Seconds a stopped run may take to end once its own work is done, before it is ended anyway.
EXIT_GRACE = 10.0


def end_for_certain(status: int, grace: float = EXIT_GRACE) -> None:
    """End the process with ``status`` within ``grace`` seconds, whatever a library's thread
    does: a daemon watchdog, armed once a stopped run's own work is done (report written, lock
    released), as Python goes on to exit.

    Python joins every executor thread as it exits. Dask's callback thread was found blocked
    for ever on a future's lock that a Ctrl-C, landing as the main thread took it, left held,
    and a stopped batch ran on for half an hour. The watchdog is the launcher's, as every
    process-wide setting is: a library (or a test running the CLI in-process) never has one."""
    import threading
    import time

    def end() -> None:
        time.sleep(grace)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(status)

    threading.Thread(target=end, name="exit-watchdog", daemon=True).start()
