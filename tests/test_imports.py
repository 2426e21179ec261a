"""Package boundaries and import cost: checked, not just hoped for."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


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
    # an unchanged rebuild imports podcast.make.runner and makes nothing: numpy and onnx cost it 0.07 s
    loaded = _modules_after("import podcast.make.runner")
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


def _imported(path) -> list[str]:  # type: ignore[no-untyped-def]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_sound_never_imports_speech() -> None:
    """podcast → voices → audio runs one way: audio/ knows nothing of voices/."""
    for path in (ROOT / "audio").rglob("*.py"):
        assert not [n for n in _imported(path) if n.split(".")[0] == "voices"], path.name


BASES = {"podcast": "PodcastError", "voices": "VoiceError", "audio": "AudioError"}


@pytest.mark.parametrize("package", sorted(BASES))
def test_one_exception_base_per_package(package: str) -> None:
    """Every exception a package defines derives from its one base (STYLE: mutagen's MutagenError)."""
    import importlib
    import inspect
    import pkgutil

    root = importlib.import_module(package)
    errors = "podcast.core.errors" if package == "podcast" else f"{package}.errors"
    base = getattr(importlib.import_module(errors), BASES[package])
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if info.name.endswith("__main__"):
            continue  # runs the command
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Exception)
                and value.__module__ == module.__name__
            ):
                assert issubclass(value, base), f"{info.name}.{name} is not a {BASES[package]}"
                assert value.__doc__, f"{info.name}.{name} has no one-line docstring"


@pytest.mark.parametrize("package", ["podcast", "voices", "audio"])
def test_the_library_logs_and_never_prints(package: str) -> None:
    """Logging for the library, click.echo for the user: no print() anywhere."""
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{path.name}:{node.lineno} prints"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(lint), str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_the_import_contracts_hold() -> None:
    """The layers and boundaries in pyproject.toml's import-linter contracts (issue 26)."""
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("podcast/core/store.py", "import podcast.batch.run", "reading, core BROKEN"),
        ("podcast/publish/feed.py", "import podcast.speech.scripting", "reading, core BROKEN"),
        ("podcast/read/extract.py", "import click", "imports click BROKEN"),
        ("audio/tags.py", "import voices.sentences", "sound imports nothing of speech BROKEN"),
    ],
    ids=["store-uses-make", "publish-uses-speech", "read-uses-click", "audio-uses-voices"],
)
def test_an_import_against_the_layers_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    """The contracts are not vacuous: an import that runs back up, on purpose, breaks them."""
    for name in ("podcast", "voices", "audio"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout[-2000:]
    assert contract in result.stdout, result.stdout[-2000:]
    assert "0 broken" not in result.stdout


#: A module a newcomer can read in one sitting; past it, a module has grown a second job.
MAX_MODULE_LINES = 400


def test_no_module_passes_400_lines() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for package in ("podcast", "voices", "audio")
        for path in (ROOT / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these by their jobs: {long}"


def test_test_modules_share_helpers_not_each_other() -> None:
    """What several test modules use is in tests/helpers.py (or a helper module such as
    golden.py): never imported from another test module or from conftest.py."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                last = name.rsplit(".", 1)[-1]
                assert not (name.startswith("tests.") and last.startswith(("test_", "conftest"))), (
                    f"{path.name}:{node.lineno} imports {name}"
                )


def test_no_import_circle_among_modules() -> None:
    """The layers contract forbids imports up between layers; inside a layer, modules may still
    import each other in a circle (26 did once). None does: grimp's graph, lazy imports
    included, has no strongly connected component of more than one module."""
    import grimp

    graph = grimp.build_graph("podcast", "voices", "audio")
    ours = {m for m in graph.modules if m.split(".")[0] in ("podcast", "voices", "audio")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) & ours:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(ours):
        if module not in index:
            visit(module)
    assert not circles, circles
