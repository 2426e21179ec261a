"""The wheel installs (issue 26, point 3): built from the tree, installed into a fresh venv with
no editable path, and run on the sample. A hand-kept package list left out podcast.cli and
voices.normalize, and `audio-edition --help` from the wheel failed with ModuleNotFoundError;
the editable install behind `make` hid it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.e2e


def test_the_wheel_installs_in_a_fresh_venv_and_builds_the_sample(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert "is absent from the `packages` configuration" not in built.stderr
    (wheel,) = wheels.glob("audio_edition-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("podcast/cli/base.py", "voices/normalize/signs.py", "voices/data/lexicon.txt",
                   "podcast/templates/feed.xml.j2", "podcast/data/default-cover.png"):  # fmt: skip
        assert needed in names, needed
    assert not any(name.startswith(("tests/", "bench/", "examples/")) for name in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    where = subprocess.run(
        [str(python), "-c", "import podcast; print(podcast.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert str(venv) in where.stdout  # the installed copy, not the tree
    helped = subprocess.run([str(venv / "bin" / "audio-edition"), "--help"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert helped.returncode == 0, helped.stderr
    sample = ROOT / "examples" / "sample-article.html"
    build = subprocess.run(
        [str(venv / "bin" / "audio-edition"), "build", str(sample), "--site", "site"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    assert (work / "site" / "feed.xml").is_file()
    assert list((work / "site" / "episodes").glob("*.mp3"))
