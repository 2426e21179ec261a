"""Every command and every documented error: exit code, one line on stderr, no traceback."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SHORT_HTML, BuiltSite, add_voice, invoke_cli


def one_line_error(result, expected: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0] == f"Error: {expected}"


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "command",
    [[], ["build"], ["script"], ["voices"], ["init"]],
    ids=["main", "build", "script", "voices", "init"],
)
def test_every_command_has_help(command: list[str], tmp_path: Path) -> None:
    result = invoke_cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage: audio-edition" in result.stdout or "Usage: python -m podcast" in result.stdout
    assert len(result.stdout.splitlines()) > 4


def test_version(tmp_path: Path) -> None:
    result = invoke_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert "0.1.0" in result.stdout


def test_voices_lists_the_bundled_voice(tmp_path: Path) -> None:
    result = invoke_cli("voices", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["NAME", "LANGUAGE", "RATE", "SOURCE"]
    joe = next(row.split() for row in rows if row.startswith("en_US-joe-medium"))
    assert joe[1:4] == ["en_US", "22050", "bundled*"]


def test_voices_lists_a_voice_from_the_folder(tmp_path: Path) -> None:
    folder = add_voice(tmp_path, "xx_XX-copy-low", language="xx_XX")
    result = invoke_cli("voices", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    row = next(r.split() for r in result.stdout.splitlines() if r.startswith("xx_XX-copy-low"))
    assert row[1:4] == ["xx_XX", "22050", str(folder)]


def test_script_prints_intro_then_one_sentence_per_line(tmp_path: Path) -> None:
    article = tmp_path / "a.html"
    article.write_text(SHORT_HTML, encoding="utf-8")
    result = invoke_cli("script", str(article), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "This audio is created with A I assistance.\n\n"
        "Harbour and ferry plan wins backing\n\n"
        "By Sam Lee.\n\n"
        "The council backed a two million dollar ferry plan on January seventh.\n"
        "The vote was nine to two.\n\n"
        "Next steps\n\n"
        '"We start in spring," said the mayor.\n'
        "Boats will run every thirty minutes.\n\n"
        "You have been listening to The Audio Edition.\n"
    )


def test_script_json_gives_written_and_spoken_forms(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("# Title\n\nIt cost $5.\n\n## Part two\n\nDone.\n", encoding="utf-8")
    result = invoke_cli("script", str(article), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    kinds = [p["kind"] for p in data["paragraphs"]]
    assert kinds == ["intro", "intro", "body", "heading", "body", "outro"]
    assert data["paragraphs"][2]["sentences"] == [
        {"text": "It cost $5.", "spoken": "It cost five dollars."}
    ]


def test_script_reads_standard_input(tmp_path: Path) -> None:
    result = invoke_cli(
        "script", "-", cwd=tmp_path, input=b"Plain title\n\nFirst paragraph here.\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Plain title\n\n" in result.stdout and "First paragraph here.\n" in result.stdout


def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path: Path) -> None:
    result = invoke_cli("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "edition.toml").is_file()
    assert invoke_cli("voices", cwd=tmp_path).returncode == 0
    one_line_error(
        invoke_cli("init", cwd=tmp_path), "edition.toml already exists (use --force to overwrite)"
    )
    assert invoke_cli("init", "--force", cwd=tmp_path).returncode == 0


# -- documented errors -----------------------------------------------------------------------


def test_missing_article(tmp_path: Path) -> None:
    one_line_error(invoke_cli("build", "nope.html", cwd=tmp_path), "article not found: nope.html")


def test_empty_article(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n\n")
    one_line_error(invoke_cli("build", "empty.txt", cwd=tmp_path), "empty.txt is empty")


def test_empty_standard_input(tmp_path: Path) -> None:
    one_line_error(invoke_cli("script", "-", cwd=tmp_path, input=b""), "standard input is empty")


def test_binary_article(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    one_line_error(invoke_cli("build", "image.txt", cwd=tmp_path), "image.txt is not a text file")


def test_unreadable_article(tmp_path: Path) -> None:
    # /proc/self/mem exists but cannot be read from the start (even as root).
    result = invoke_cli("build", "/proc/self/mem", cwd=tmp_path)
    one_line_error(result, "cannot read /proc/self/mem: Input/output error")


def test_folder_as_article(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    one_line_error(invoke_cli("build", "folder", cwd=tmp_path), "not a file: folder")


def test_title_only_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Only a title\n")
    one_line_error(invoke_cli("build", "a.txt", cwd=tmp_path), "a.txt has no article text")


def test_html_without_an_article(tmp_path: Path) -> None:
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    one_line_error(invoke_cli("build", "nav.html", cwd=tmp_path), "nav.html has no article text")


def test_malformed_json_article(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"title": "x", ')
    result = invoke_cli("build", "a.json", cwd=tmp_path)
    one_line_error(
        result,
        "a.json is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 16 (char 15)",
    )


def test_json_article_without_body(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"title": "x"}')
    one_line_error(
        invoke_cli("build", "a.json", cwd=tmp_path),
        "a.json: needs a 'body', 'content' or 'html' field",
    )


def test_unknown_voice(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody text.\n")
    result = invoke_cli("build", "a.txt", "--voice", "nobody", cwd=tmp_path)
    one_line_error(result, "unknown voice 'nobody'; available: en_US-joe-medium")


def test_unknown_voice_from_config(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text('[voice]\nname = "nobody"\n')
    (tmp_path / "a.txt").write_text("Title\n\nBody text.\n")
    one_line_error(
        invoke_cli("build", "a.txt", cwd=tmp_path),
        "unknown voice 'nobody'; available: en_US-joe-medium",
    )


def test_malformed_config_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text('[show]\ntitle = "ok"\nauthor = \n')
    result = invoke_cli("voices", cwd=tmp_path)
    one_line_error(result, f"{tmp_path / 'edition.toml'}: Invalid value (at line 3, column 10)")


def test_config_with_unknown_setting(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text("[audio]\nbitrat = 64\n")
    result = invoke_cli("voices", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Error: {tmp_path / 'edition.toml'}: unknown setting audio.bitrat"
    )


def test_config_with_wrong_type(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text('[audio]\nbitrate = "fast"\n')
    one_line_error(
        invoke_cli("voices", cwd=tmp_path),
        f"{tmp_path / 'edition.toml'}: audio.bitrate must be int, not str",
    )


def test_missing_config_file(tmp_path: Path) -> None:
    one_line_error(
        invoke_cli("--config", "missing.toml", "voices", cwd=tmp_path),
        "config file not found: missing.toml",
    )


def test_article_in_a_language_without_a_voice(tmp_path: Path) -> None:
    (tmp_path / "de.json").write_text(
        json.dumps({"title": "Hallo", "body": "Guten Tag.", "language": "de"})
    )
    one_line_error(
        invoke_cli("build", "de.json", cwd=tmp_path),
        "de.json is in language 'de'; no installed voice speaks it (installed: en_US-joe-medium)",
    )


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = invoke_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "Missing argument 'ARTICLES...'" in result.stderr


@pytest.mark.e2e
def test_failed_builds_leave_the_published_site_untouched(built_site: BuiltSite) -> None:
    before = tree_digest(built_site.site)
    store = built_site.work / ".audio-edition" / "episodes.db"
    (built_site.work / "bad.html").write_text("<html><body><nav>Home</nav></body></html>")
    for args in (
        ["build", "bad.html"],
        ["build", str(built_site.article), "--voice", "nobody"],
        ["build", "missing.txt"],
    ):
        result = invoke_cli(*args, cwd=built_site.work)
        assert result.returncode == 1
    assert tree_digest(built_site.site) == before
    assert store.is_file()


def test_bad_artwork_in_config(tmp_path: Path) -> None:
    from podcast.publish.artwork import default_artwork

    (tmp_path / "small.png").write_bytes(default_artwork(500).data)
    (tmp_path / "edition.toml").write_text('[show]\nartwork = "small.png"\n')
    (tmp_path / "a.txt").write_text("Title\n\nBody text.\n")
    one_line_error(
        invoke_cli("build", "a.txt", cwd=tmp_path),
        f"show.artwork {tmp_path / 'small.png'}: must be square, 1400–3000 px (is 500×500)",
    )


def test_category_not_in_apples_list(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text('[show]\ncategory = "News"\nsubcategory = "Gossip"\n')
    result = invoke_cli("voices", cwd=tmp_path)
    assert result.returncode == 1
    assert "show.subcategory 'Gossip' is not under 'News'" in result.stderr


def test_progress_bar_on_a_terminal_then_says_the_mp3_is_being_made(
    built_site: BuiltSite, tmp_path: Path
) -> None:
    import pty
    import shutil

    work = tmp_path / "work"
    shutil.copytree(built_site.work, work)
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "podcast", "build", "--force", built_site.article.name],
        cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    os.close(main)
    text = seen.decode("utf-8", "replace")
    assert "Reading Harbour" in text and "Making the MP3" in text
    assert text.index("Reading Harbour") < text.index("Making the MP3") < text.index("Built:")
