"""Huge pages for synthesis, allowed only once there is enough of it to pay for them.

With glibc's ``glibc.malloc.hugetlb=1`` tunable, the memory onnxruntime
takes from ``malloc`` can sit on 2 MiB pages, and piper's decoder runs quicker
on them. But the kernel zeroes each huge page when it is first touched, and
on some virtual machines that costs up to 25 ms a page, so a build that says
one sentence would pay seconds for pages it never gains from. When asked to
(``AUDIO_EDITION_HUGE_PAGES=1``), the ``audio-edition`` command starts
``build`` and ``batch`` with the tunable and with huge pages held back (``PR_SET_THP_DISABLE``, which a
process keeps across ``exec``), and lets them through (:func:`allow_huge_pages`) once a
synthesizer has said a few sentences in this process (``podcast.launch.huge_pages_gate``, the
synthesizer's ``on_said``). Nothing here runs unless called: the library changes no process
setting of its own.
"""

from __future__ import annotations

import logging
import os
import sys

_LOGGER = logging.getLogger(__name__)

#: The glibc tunable that makes malloc advise the kernel to use huge pages.
TUNABLE = "glibc.malloc.hugetlb=1"
#: Every tunable the command adds for synthesis: with these two, malloc keeps its heap instead of
#: giving it back and growing it again on every large free (each regrowth faulted fresh huge pages).
TUNABLES = (
    TUNABLE,
    "glibc.malloc.trim_threshold=268435456",
    "glibc.malloc.top_pad=67108864",
)

PR_SET_THP_DISABLE = 41
PR_GET_THP_DISABLE = 42


def _prctl(option: int, value: int) -> int:
    import ctypes  # lazily: the command's launcher imports this module before anything else

    libc = ctypes.CDLL(None, use_errno=True)
    result: int = libc.prctl(option, value, 0, 0, 0)
    return result


def huge_pages_held_back() -> bool:
    """Whether this process asked for huge pages (the glibc tunable) and they are held back."""
    if sys.platform != "linux":
        return False
    if TUNABLE not in os.environ.get("GLIBC_TUNABLES", "").split(":"):
        return False
    try:
        return _prctl(PR_GET_THP_DISABLE, 0) == 1
    except (OSError, AttributeError):
        return False


def hold_back_huge_pages(hold: bool = True) -> bool:
    """Hold back (or let through) transparent huge pages for this process and its children.

    Returns whether the kernel took it.
    """
    if sys.platform != "linux":
        return False
    try:
        return _prctl(PR_SET_THP_DISABLE, 1 if hold else 0) == 0
    except (OSError, AttributeError):
        return False


def allow_huge_pages() -> None:
    """Let through the huge pages this process asked for and held back; otherwise do nothing."""
    if huge_pages_held_back() and hold_back_huge_pages(False):
        _LOGGER.debug("huge pages allowed for synthesis")


#: Huge pages held back across the restart are let through once piper has said this many
#: sentences in a process: a one-sentence edit never pays for them, a whole article gains.
HUGE_PAGES_AFTER = 3


def huge_pages_gate(sentences: int) -> None:
    """A synthesizer's ``on_said``: let the held-back huge pages through after
    :data:`HUGE_PAGES_AFTER` sentences (nothing happens unless the launcher held them back)."""
    if sentences == HUGE_PAGES_AFTER:
        allow_huge_pages()
