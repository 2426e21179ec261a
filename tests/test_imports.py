"""Package boundaries and import cost: checked, not just hoped for."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("package", ["voices", "audio"])
def test_speech_and_sound_import_neither_podcast_nor_click(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ("podcast", "click"), f"{path.name} imports {name}"


def _modules_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return set(result.stdout.split())


def test_cli_start_up_loads_no_heavy_library() -> None:
    loaded = _modules_after("import podcast.cli")
    for heavy in ("piper", "onnxruntime", "pydub", "trafilatura", "mutagen", "numpy", "jinja2"):
        assert heavy not in loaded, heavy


def test_the_build_module_loads_no_numpy_until_there_is_sound_to_make() -> None:
    # an unchanged rebuild imports podcast.build and makes nothing: numpy and onnx cost it 0.07 s
    loaded = _modules_after("import podcast.build")
    for heavy in ("numpy", "onnx", "onnxruntime", "piper"):
        assert heavy not in loaded, heavy


def test_the_launcher_imports_nothing_before_it_restarts() -> None:
    loaded = _modules_after("import podcast.launch")
    assert "click" not in loaded and "podcast.cli" not in loaded


def test_speech_and_sound_load_without_the_application() -> None:
    loaded = _modules_after(
        "import voices.script, voices.synth, audio.assemble, audio.master, audio.tags"
    )
    assert "podcast" not in loaded and "click" not in loaded
    assert "piper" not in loaded and "pydub" not in loaded  # loaded only when used
