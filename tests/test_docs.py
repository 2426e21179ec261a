"""The README documents every command, option and setting the code has."""

from __future__ import annotations

import dataclasses
import re

import click
import pytest

from podcast.cli import cli
from podcast.core.errors import ExitStatus
from podcast.core.settings import Settings
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def all_commands() -> dict[str, click.Command]:
    found = {}
    for name, command in cli.commands.items():
        if isinstance(command, click.Group):
            found.update({f"{name} {sub}": c for sub, c in command.commands.items()})
        else:
            found[name] = command
    return found


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_has_a_section_and_help(name: str) -> None:
    command = all_commands()[name]
    assert command.help and len(command.help) > 20
    assert f"### `audio-edition {name}" in README
    section = README.split(f"### `audio-edition {name}", 1)[1].split("\n### ", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert any(opt in section for opt in param.opts), f"{name}: {param.opts}"


def test_global_options_are_documented_with_their_help() -> None:
    """Each global option is listed in the README with the very text ``--help`` gives it
    (issue 24: ``-q`` said one thing in ``--help`` and another in the README)."""
    for param in cli.params:
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            line = next(
                (row for row in README.splitlines() if row.startswith(f"- `{param.opts[0]}")), ""
            )
            assert line.endswith(f": {param.help}"), (param.opts, line)
            assert all(f"`{opt}" in line for opt in param.opts), param.opts


def test_every_setting_is_in_the_readme_table() -> None:
    for section in ("show", "voice", "audio", "intro", "batch", "service", "watch"):
        row = next(line for line in README.splitlines() if line.startswith(f"| `[{section}]`"))
        for field in dataclasses.fields(getattr(Settings(), section)):
            assert f"`{field.name}`" in row, f"{section}.{field.name}"
    paths = next(line for line in README.splitlines() if line.startswith("| `[paths]`"))
    for key in ("site", "state", "voice_cache"):
        assert f"`{key}`" in paths, key


def test_environment_variables_are_documented() -> None:
    code = "".join(
        p.read_text(encoding="utf-8") for p in ROOT.glob("*/**/*.py") if ".venv" not in p.parts
    )
    names = set(re.findall(r'"(AUDIO_EDITION_[A-Z_]+)"', code))
    assert names
    for name in names:
        assert name in README, name


def test_exit_codes_are_documented() -> None:
    for status in ExitStatus:
        assert re.search(rf"^\| {status.value} \|", README, re.M), status


def test_every_setting_range_is_in_the_readme() -> None:
    from podcast.core.config import RANGES

    for key, low, high, unit in RANGES:
        assert f"`{key}` {low:g} to {high:g}{unit}" in README, key


def test_the_readme_map_names_every_module_in_its_folder() -> None:
    """The README's map of the code lists each folder's modules, and only those."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    mapped: set[str] = set()
    for line in text.splitlines():
        room = re.match(r"- `((?:podcast|voices|audio)/(?:\w+/)?)` — ", line)
        if room:
            mapped |= {room[1] + name for name in re.findall(r"`(\w+\.py)`", line)}
    actual = {
        path.relative_to(ROOT).as_posix()
        for package in ("podcast", "voices", "audio")
        for path in (ROOT / package).rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    }
    assert mapped == actual, (sorted(actual - mapped), sorted(mapped - actual))
