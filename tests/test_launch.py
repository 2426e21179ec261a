"""Asked to, the command restarts itself with huge pages for the commands that synthesise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from podcast import launch
from podcast.launch import (
    TUNABLE,
    TUNABLES,
    command_of,
    glibc_version,
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
        (["-v", "--config", "x.toml", "batch"], "batch"),  # the CLI has no -c: "-c" is not special
        (["--config=x.toml", "build"], "build"),
        (["--help"], None),
        ([], None),
        (["--", "build"], None),
    ],
)
def test_the_command_is_found_past_the_group_options(args: list[str], command: str | None) -> None:
    assert command_of(args) == command


ON = {"AUDIO_EDITION_HUGE_PAGES": "1"}


def should_restart(
    args: list[str],
    environ: dict[str, str],
    mode: str | None,
    glibc: tuple[int, int] | None,
) -> bool:
    """The launcher's decision on a machine with this THP ``mode`` and ``glibc``."""
    return launch.should_restart(args, environ, lambda: mode, lambda: glibc)


def test_the_machine_is_only_looked_at_when_asked() -> None:
    def unexpected() -> None:
        raise AssertionError("looked at the machine without being asked")

    assert not launch.should_restart(["build"], {}, unexpected, unexpected)
    assert not launch.should_restart(["script"], ON, unexpected, unexpected)


def test_only_synthesising_commands_restart_and_only_once() -> None:
    assert should_restart(["build", "a.html"], ON, "madvise", GLIBC)
    assert should_restart(["batch", "dir"], ON, "madvise", GLIBC)
    for command in ("script", "serve", "check", "prune", "voices", "init", "lexicon"):
        assert not should_restart([command], ON, "madvise", GLIBC), command
    assert not should_restart(["--help"], ON, "madvise", GLIBC)
    # already restarted, or the user set the tunable themselves
    assert not should_restart(["build"], {**ON, "GLIBC_TUNABLES": TUNABLE}, "madvise", GLIBC)
    assert not should_restart(
        ["build"], {**ON, "GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"}, "madvise", GLIBC
    )


def test_off_unless_asked_and_never_where_it_cannot_help() -> None:
    assert not should_restart(["build"], {}, "madvise", GLIBC)  # the default
    assert not should_restart(["build"], {"AUDIO_EDITION_HUGE_PAGES": "0"}, "madvise", GLIBC)
    assert not should_restart(["build"], ON, "always", GLIBC)  # the kernel does it anyway
    assert not should_restart(["build"], ON, "never", GLIBC)
    assert not should_restart(["build"], ON, None, GLIBC)
    assert not should_restart(["build"], ON, "madvise", (2, 34))  # no such tunable yet
    assert not should_restart(["build"], ON, "madvise", None)  # musl, macOS


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


# Run in a child: before the launcher, say whether the tunables are set; in each process,
# allocate and touch 64 MiB with plain malloc (as onnxruntime does; numpy would advise huge
# pages itself) and report how much of the process's memory the kernel backs with huge pages;
# once restarted, do it again after the synthesizer's call that lets huge pages through.
CHILD = """
import ctypes, os, sys
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p

def huge_after_touching_64_mib():
    block = libc.malloc(64 << 20)
    ctypes.memset(block, 1, 64 << 20)
    with open("/proc/self/smaps_rollup") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("AnonHugePages:"))

tunables = os.environ.get("GLIBC_TUNABLES", "")
print(os.getpid(), tunables or "-", huge_after_touching_64_mib(), flush=True)
if tunables:
    from voices.memory import allow_huge_pages
    allow_huge_pages()
    print(os.getpid(), "allowed", huge_after_touching_64_mib(), flush=True)
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
def test_build_restarts_itself_once_and_gets_huge_pages_when_synthesis_lets_them() -> None:
    first, restarted, allowed = _child("build", "--help", env=ON)
    assert first[0] == restarted[0] == allowed[0], "the same process (exec), not a child"
    assert first[1] == "-" and restarted[1] == ":".join(TUNABLES)
    assert int(first[2]) == 0, "without the tunable, malloc'd memory is in small pages"
    assert int(restarted[2]) == 0, "restarted, huge pages are held back until synthesis"
    assert int(allowed[2]) >= 32 * 1024, "let through, most of the next 64 MiB is huge pages"


def test_other_commands_and_the_default_do_not_restart() -> None:
    assert len(_child("script", "--help", env=ON)) == 1
    assert len(_child("build", "--help")) == 1
    assert len(_child("build", "--help", env={"AUDIO_EDITION_HUGE_PAGES": "0"})) == 1


def test_a_failing_build_still_exits_with_its_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "podcast", "build", str(tmp_path / "missing.html")],
        cwd=tmp_path,
        env={**os.environ, **ON},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_readme_gives_library_users_the_same_tunables() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"GLIBC_TUNABLES={':'.join(TUNABLES)}" in readme


def test_the_launcher_lets_huge_pages_through_after_the_third_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The synthesizer only reports what it said; the gate (voices.memory) decides (issue 17)."""
    from podcast.core.settings import Settings
    from podcast.speech.voicing import make_synthesizer
    from voices import memory, synth
    from voices.catalogue import find_voice

    calls: list[int] = []
    synthesizer = make_synthesizer(Settings(state=tmp_path), find_voice(None))
    monkeypatch.setattr(memory, "allow_huge_pages", lambda: calls.append(synthesizer._said))
    for word in ("One.", "Two.", "Three.", "Four."):
        synthesizer.synthesize(word)
        assert calls == ([] if synthesizer._said < memory.HUGE_PAGES_AFTER else [3])
    said: list[int] = []
    alone = synth.Synthesizer(find_voice(None), on_said=said.append)
    alone.synthesize("One.")
    assert said == [1]


def test_allow_huge_pages_does_nothing_unless_they_were_asked_for_and_held_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from voices import memory

    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    assert not memory.huge_pages_held_back()  # no tunable: a user's own prctl is left alone


def test_the_opt_in_is_in_the_commands_help() -> None:
    from click.testing import CliRunner

    from podcast.cli import cli

    assert "AUDIO_EDITION_HUGE_PAGES=1" in CliRunner().invoke(cli, ["--help"]).output


def test_a_stopped_run_ends_though_a_librarys_thread_never_does() -> None:
    """A stopped batch ran on for half an hour: Python joins every executor thread as it
    exits, and Dask's callback thread was blocked for ever on a lock a Ctrl-C had left held.
    The launcher ends a stopped run (130, 143) within its grace whatever another thread does."""
    import time

    code = (
        "import sys, threading\n"
        "import podcast.cli\n"
        "from podcast import launch\n"
        "threading.Thread(target=threading.Event().wait).start()  # never ends, not a daemon\n"
        "podcast.cli.main = lambda: sys.exit(130)  # the run was stopped by Ctrl-C\n"
        "launch.main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "AUDIO_EDITION_HUGE_PAGES"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 130, result.stderr
    assert time.monotonic() - started < 60
