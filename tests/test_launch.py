"""The command restarts itself with huge pages for the commands that synthesise, and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from podcast.launch import (
    TUNABLE,
    TUNABLES,
    command_of,
    glibc_version,
    should_restart,
    thp_mode,
    with_tunables,
)

GLIBC = (2, 36)


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["build", "a.html"], "build"),
        (["-q", "build", "a.html"], "build"),
        (["-vv", "batch", "articles"], "batch"),
        (["--config", "build", "script", "a.html"], "script"),  # "build" is the file's name
        (["-c", "x.toml", "batch"], "batch"),
        (["--config=x.toml", "build"], "build"),
        (["--help"], None),
        ([], None),
        (["--", "build"], None),
    ],
)
def test_the_command_is_found_past_the_group_options(args: list[str], command: str | None) -> None:
    assert command_of(args) == command


def test_only_synthesising_commands_restart_and_only_once() -> None:
    assert should_restart(["build", "a.html"], {}, "madvise", GLIBC)
    assert should_restart(["batch", "dir"], {}, "madvise", GLIBC)
    for command in ("script", "serve", "check", "prune", "voices", "init", "lexicon"):
        assert not should_restart([command], {}, "madvise", GLIBC), command
    assert not should_restart(["--help"], {}, "madvise", GLIBC)
    # already restarted, or the user set the tunable themselves
    assert not should_restart(["build"], {"GLIBC_TUNABLES": TUNABLE}, "madvise", GLIBC)
    assert not should_restart(
        ["build"], {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"}, "madvise", GLIBC
    )


def test_no_restart_where_it_cannot_help_or_is_turned_off() -> None:
    assert not should_restart(["build"], {"AUDIO_EDITION_HUGE_PAGES": "0"}, "madvise", GLIBC)
    assert should_restart(["build"], {"AUDIO_EDITION_HUGE_PAGES": "1"}, "madvise", GLIBC)
    assert not should_restart(["build"], {}, "always", GLIBC)  # the kernel does it anyway
    assert not should_restart(["build"], {}, "never", GLIBC)
    assert not should_restart(["build"], {}, None, GLIBC)
    assert not should_restart(["build"], {}, "madvise", (2, 34))  # no such tunable yet
    assert not should_restart(["build"], {}, "madvise", None)  # musl, macOS


def test_the_tunables_are_added_to_those_already_set() -> None:
    assert with_tunables({})["GLIBC_TUNABLES"] == ":".join(TUNABLES)
    assert with_tunables({})["GLIBC_TUNABLES"].startswith(TUNABLE + ":")
    env = with_tunables({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2", "HOME": "/h"})
    assert env == {
        "GLIBC_TUNABLES": ":".join(("glibc.malloc.arena_max=2", *TUNABLES)),
        "HOME": "/h",
    }
    # a tunable the user set keeps the user's value
    mine = with_tunables({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"})["GLIBC_TUNABLES"]
    assert mine.split(":")[0] == "glibc.malloc.trim_threshold=1"
    assert mine.count("trim_threshold") == 1 and TUNABLE in mine


def test_thp_mode_reads_the_bracketed_choice(tmp_path: Path) -> None:
    path = tmp_path / "enabled"
    path.write_text("always [madvise] never\n")
    assert thp_mode(str(path)) == "madvise"
    path.write_text("[always] madvise never\n")
    assert thp_mode(str(path)) == "always"
    assert thp_mode(str(tmp_path / "missing")) is None


# Run in a child: before the launcher, say whether the tunable is set; once restarted with it,
# allocate and touch 64 MiB with plain malloc (as onnxruntime does; numpy would advise huge
# pages itself) and report how much of the process's memory the kernel backs with huge pages.
CHILD = """
import ctypes, os, sys
tunables = os.environ.get("GLIBC_TUNABLES", "")
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
block = libc.malloc(64 << 20)
ctypes.memset(block, 1, 64 << 20)
huge = 0
with open("/proc/self/smaps_rollup") as f:
    for line in f:
        if line.startswith("AnonHugePages:"):
            huge = int(line.split()[1])
print(os.getpid(), tunables or "-", huge, flush=True)
if tunables:
    sys.exit(0)
sys.argv = ["audio-edition", *sys.argv[1:]]
from podcast.launch import main
main()
"""


def _child(*args: str, env: dict[str, str] | None = None) -> list[list[str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("GLIBC_TUNABLES",)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    return [line.split() for line in result.stdout.splitlines() if line[:1].isdigit()]


@pytest.mark.skipif(
    thp_mode() != "madvise" or (glibc_version() or (0, 0)) < (2, 35),
    reason="needs glibc >= 2.35 and transparent huge pages in madvise mode",
)
def test_build_restarts_itself_once_and_gets_huge_pages() -> None:
    first, restarted = _child("build", "--help")
    assert first[0] == restarted[0], "the same process (exec), not a child"
    assert first[1] == "-" and restarted[1] == ":".join(TUNABLES)
    assert int(first[2]) == 0, "without the tunable, malloc'd memory is in small pages"
    assert int(restarted[2]) >= 32 * 1024, "with it, most of the 64 MiB is in huge pages"


def test_other_commands_and_the_opt_out_do_not_restart() -> None:
    assert len(_child("script", "--help")) == 1
    assert len(_child("build", "--help", env={"AUDIO_EDITION_HUGE_PAGES": "0"})) == 1


def test_a_failing_build_still_exits_with_its_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "podcast", "build", str(tmp_path / "missing.html")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_readme_gives_library_users_the_same_tunables() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"GLIBC_TUNABLES={':'.join(TUNABLES)}" in readme
