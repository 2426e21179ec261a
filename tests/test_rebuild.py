"""Rebuilding an edited article: same guid, new enclosure URL, old files gone, feed valid."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tests.helpers import BuiltSite, invoke_cli

pytestmark = pytest.mark.e2e


def test_edited_article_keeps_guid_and_gets_a_new_enclosure(
    built_site: BuiltSite, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    shutil.copytree(built_site.work, work)
    article = work / built_site.article.name
    before = etree.fromstring((work / "site" / "feed.xml").read_bytes()).find("channel/item")
    old_url = before.find("enclosure").get("url")
    article.write_text(article.read_text().replace("The vote was 9-2.", "The vote was 10-1."))
    result = invoke_cli("build", str(article), cwd=work)
    assert result.returncode == 0, result.stderr
    assert "(1 synthesised)" in result.stderr  # only the edited sentence was spoken again
    # and only the MP3 piece holding it was encoded again; the rest came from the piece cache
    encoded, pieces = map(int, re.search(r"(\d+) of (\d+) MP3 piece", result.stderr).groups())
    assert pieces >= 2 and encoded == 1
    after = etree.fromstring((work / "site" / "feed.xml").read_bytes()).find("channel/item")
    assert after.findtext("guid") == before.findtext("guid")
    new_url = after.find("enclosure").get("url")
    assert new_url != old_url and new_url.isascii()
    assert not (work / "site" / old_url.split("/", 3)[3]).exists()
    assert (work / "site" / new_url.split("/", 3)[3]).is_file()
    pages = [p for p in (work / "site" / "episodes").glob("*.html") if ".embed." not in p.name]
    assert len(pages) == 1 and re.search(r"-[0-9a-f]{8}\.html$", pages[0].name)
    assert pages[0].with_name(pages[0].stem + ".embed.html").is_file()
    assert invoke_cli("check", "--no-audio", cwd=work).returncode == 0
