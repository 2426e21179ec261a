"""The newsroom's own reading rules, ``[read]`` in edition.toml (issue 25, point 4): CSS
selectors for the body and for what to skip, paragraphs to skip, applied before extraction,
checked at load, and every removal recorded with its setting."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from podcast.core.config import load_settings
from podcast.core.errors import ConfigError
from podcast.core.settings import ReadSettings
from podcast.read.articles import read_article
from podcast.read.formats import read_html
from tests.helpers import ROOT

DATA = ROOT / "tests" / "data" / "devset"


def page(name: str) -> str:
    return gzip.decompress((DATA / f"{name}.html.gz").read_bytes()).decode("utf-8", "replace")


def spoken(article) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(b.text for b in article.blocks)


def test_one_selector_removes_the_cms_hover_cards() -> None:
    """The Hill sets a person's hover card inside the paragraph after the name; its CMS's class
    for it is ``rollover-people-block``: one line of settings removes every one."""
    rules = ReadSettings(skip=(".rollover-people-block",))
    article = read_html(page("thehill-hover-card"), "thehill", rules)
    text = spoken(article)
    assert "South Dakota Gov. Kristi Noem (R) is defending" in text
    assert "NoemKristi" not in text and "MORE" not in text
    cards = [r for r in article.removed if r.rule == "read.skip: .rollover-people-block"]
    assert any("Kristi Lynn Noem" in r.text for r in cards)


def test_a_pattern_skips_the_press_releases_company_boilerplate() -> None:
    """A press-release site ends every article with the same pointer to its website (its
    company boilerplate after it is press-boilerplate to the furniture rules already)."""
    plain = read_html(page("ascom-company-boilerplate"), "ascom")
    assert "For more information on the Digistat" in spoken(plain)
    assert "press-boilerplate" in [r.rule for r in plain.removed]
    rules = ReadSettings(skip_text=("/^For more information on the Digistat/",))
    article = read_html(page("ascom-company-boilerplate"), "ascom", rules)
    from podcast.read.selectors import skip_paragraphs

    article = skip_paragraphs(article, rules)
    assert "For more information on the Digistat" not in spoken(article)
    assert "Digistat Patient Watch" in spoken(article)
    assert [r.rule for r in article.removed if r.rule.startswith("read.")] == [
        "read.skip_text: /^For more information on the Digistat/"
    ]


BODY = """<html><head><title>Bridge to reopen</title></head><body>
<div class="lead-box"><p>In other business, the council voted on Tuesday to close the old
library on Elm Street next spring, after years of falling visitor numbers and rising costs.</p></div>
<div class="story-body"><p>The bridge over the river will reopen on Monday after two years of
repairs, the council said on Tuesday.</p><p>Engineers replaced the deck and the cables, and the
council said the work came in under budget.</p></div></body></html>"""


def test_a_body_selector_reads_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "bridge.html"
    path.write_text(BODY, encoding="utf-8")
    assert "library" in spoken(read_article(path))
    article = read_article(path, read=ReadSettings(body=(".story-body",)))
    assert "library" not in spoken(article) and "Engineers replaced the deck" in spoken(article)
    assert any(r.rule == "read.body: .story-body" for r in article.removed)


def test_skip_text_is_exact_text_or_a_pattern(tmp_path: Path) -> None:
    path = tmp_path / "bridge.md"
    path.write_text(
        "# Bridge to reopen\n\nThe bridge will reopen on Monday, the council said.\n\n"
        "Have a tip? Write to us.\n\nEngineers replaced the deck.\n",
        encoding="utf-8",
    )
    rules = ReadSettings(skip_text=("Have a tip?  Write to us.", "/deck\\.$/"))
    article = read_article(path, read=rules)
    assert spoken(article) == "The bridge will reopen on Monday, the council said."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[read]\nskip = ["div["]\n', "read.skip[0] 'div[' is not a CSS selector"),
        ('[read]\nbody = ["main", "p >> x"]\n', "read.body[1] 'p >> x' is not a CSS selector"),
        (
            '[read]\nskip_text = ["/(unclosed/"]\n',
            "read.skip_text[0] '/(unclosed/' is not a regular expression",
        ),
        ('[read]\nskip_text = [""]\n', "read.skip_text[0] is empty"),
        ('[read]\nskip = ".card"\n', "read.skip must be a list of strings"),
        ('[read]\nselectors = [".card"]\n', "unknown setting read.selectors"),
    ],
    ids=["selector", "body", "pattern", "empty", "not-a-list", "unknown"],
)
def test_bad_rules_are_one_line_at_load_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "edition.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(environ={}, cwd=tmp_path)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_rules_from_the_config_reach_the_script(tmp_path: Path) -> None:
    """End to end through the CLI: `script` reads with the config's rules."""
    from click.testing import CliRunner

    from podcast.cli import cli

    (tmp_path / "edition.toml").write_text(
        '[read]\nskip = [".rollover-people-block"]\n',
        encoding="utf-8",
    )
    (tmp_path / "hill.html").write_text(page("thehill-hover-card"), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--config", str(tmp_path / "edition.toml"), "script", str(tmp_path / "hill.html")]
    )
    assert result.exit_code == 0, result.output
    assert "Kristi Noem" in result.output and "Kristi Lynn Noem" not in result.output
