"""The pronunciation lexicon: whole words, case-aware, shielded from normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import invoke_cli
from voices.lexicon import Entry, Lexicon, LexiconError, parse_lexicon
from voices.normalize import normalize


def speak(lexicon: Lexicon, text: str) -> str:
    return lexicon.speak(text, normalize)


def test_whole_words_and_case() -> None:
    lex = Lexicon([Entry("US", "you ess"), Entry("kyiv", "keev"), Entry("Nice", "Neess")])
    assert speak(lex, "The US and us.") == "The you ess and us."
    assert speak(lex, "KYIV, Kyiv, kyiv, Kyivan") == "keev, keev, keev, Kyivan"
    assert speak(lex, "Nice is nice, NICE.") == "Neess is nice, Neess."


def test_longest_entry_wins_and_later_files_override() -> None:
    lex = Lexicon([Entry("Xi", "Shee"), Entry("Xi Jinping", "Shee Jinping"), Entry("Xi", "She")])
    assert speak(lex, "Xi Jinping and Xi") == "Shee Jinping and She"


def test_phonemes_and_respellings_survive_normalisation() -> None:
    lex = Lexicon([Entry("Qatar", "[[ kˈʌtɑːɹ ]]"), Entry("G7", "gee seven summit")])
    assert (
        speak(lex, "Qatar paid $5 million at the G7.")
        == "[[ kˈʌtɑːɹ ]] paid five million dollars at the gee seven summit."
    )


def test_bundled_list_loads() -> None:
    lex = Lexicon.bundled()
    assert len(lex) >= 10
    assert lex.lookup("Kyiv").say == "Keev"


def test_file_format_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="line 2: expected WORD = RESPELLING"):
        parse_lexicon("# comment\nno equals sign\n", "my.txt")
    with pytest.raises(LexiconError, match="line 1: phonemes must be written"):
        parse_lexicon("Word = [[ broken\n", "my.txt")
    with pytest.raises(LexiconError, match="cannot read lexicon"):
        Lexicon.load(tmp_path / "missing.txt")


def test_newsroom_lexicon_in_the_config_reaches_the_script(tmp_path: Path) -> None:
    (tmp_path / "names.txt").write_text("Okafor = Oh-KAH-for\nKyiv = Kiev\n", encoding="utf-8")
    (tmp_path / "edition.toml").write_text('[voice]\nlexicon = "names.txt"\n')
    (tmp_path / "a.txt").write_text("Title\n\nMaria Okafor reported from Kyiv and Qatar.\n")
    result = invoke_cli("script", "a.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Maria Oh-KAH-for reported from Kiev and [[ kˈʌtɑːɹ ]]." in result.stdout


def test_lexicon_check_shows_the_spoken_form_and_phonemes(tmp_path: Path) -> None:
    result = invoke_cli(
        "lexicon", "check", "Kyiv", "Xi Jinping", "Zelensky", "--wav", "out.wav", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["WORD", "SAID", "PHONEMES", "FROM"]
    assert lines[1].split() == ["Kyiv", "Keev", "/kˈiːv/", "lexicon"]
    assert lines[2].split()[:3] == ["Xi", "Jinping", "Shee"]
    assert lines[3].split()[-1] == "rules"
    assert (tmp_path / "out.wav").stat().st_size > 10_000
