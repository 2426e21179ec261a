"""Issue 24, findings 3 and 8: distinct articles never share an identity, so none replaces another."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from podcast.core.episode import guid_for
from podcast.core.store import Store
from podcast.read.model import article_key, key_candidates, legacy_key
from tests.helpers import invoke_cli

MONDAY = datetime(2026, 11, 30, 9, tzinfo=UTC)
TUESDAY = datetime(2026, 12, 1, 9, tzinfo=UTC)

#: Titles the slugged key gave one identity (each group shared a key before).
COLLIDING = [
    ["🔥🔥🔥", "🎉🎉", "?!…", "—"],
    ["Hello, World!", "hello world"],
    ["Café reopens", "Cafe reopens"],
    ["A" * 60 + " council votes", "A" * 60 + " council resigns"],
    [
        "Выборы в Москве",
        "Пожар на складе",
        "Εκλογές στην Αθήνα",
        "انتخابات في القاهرة",
        "东京奥运会",
    ],
]


@pytest.mark.parametrize("titles", COLLIDING, ids=["signs", "case", "accents", "long", "scripts"])
def test_distinct_titles_have_distinct_keys(titles: list[str]) -> None:
    keys = {article_key(title) for title in titles}
    assert len(keys) == len(titles), keys
    assert all(title in article_key(title) for title in titles)  # every letter is kept


def test_the_same_title_on_another_day_is_another_article() -> None:
    monday = article_key("Letters to the editor", published=MONDAY)
    tuesday = article_key("Letters to the editor", published=TUESDAY)
    assert monday != tuesday
    later_that_monday = article_key("Letters to the editor", published=MONDAY.replace(hour=18))
    assert later_that_monday == monday  # a rebuild the same day is the same article
    assert article_key("  Café   reopens ") == article_key("Cafe\u0301 reopens")  # NFC, spaces


def test_a_url_or_a_series_still_decides_the_key() -> None:
    assert article_key("Any", "https://example.org/a", published=MONDAY) == "https://example.org/a"
    assert article_key("Briefing", series="briefing").startswith("briefing:")


def test_adopt_finds_the_key_the_guid_was_made_from() -> None:
    for key in (article_key("Тест", published=MONDAY), article_key("Тест"), legacy_key("Тест")):
        candidates = key_candidates("Тест", "", "", MONDAY)
        assert next(k for k in candidates if guid_for(k) == guid_for(key)) == key


def _write(folder: Path, name: str, title: str, date: str = "") -> None:
    article = {"title": title, "body": "The council met on Tuesday. The vote was close."}
    if date:
        article["published"] = date
    (folder / name).write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")


def test_ten_colliding_titles_build_ten_episodes_in_one_batch(tmp_path: Path) -> None:
    """Ten builds left five items; in one batch the second of a pair failed as 'appears twice'."""
    articles = tmp_path / "in"
    articles.mkdir()
    titles = ["🔥🔥🔥", "🎉🎉", "Hello, World!", "hello world", "Café reopens", "Cafe reopens",
              "Выборы в Москве", "Пожар на складе", "Letters to the editor", "Letters to the editor"]  # fmt: skip
    for number, title in enumerate(titles):
        day = "2026-11-30T09:00:00Z" if number == 8 else "2026-12-01T09:00:00Z"
        _write(articles, f"{number:02}.json", title, day)
    result = invoke_cli("batch", "in", "-j", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert sorted(e.title for e in feed.entries) == sorted(titles)
    assert len({e.id for e in feed.entries}) == 10
    assert len(list((tmp_path / "site" / "episodes").glob("*.mp3"))) == 10


def test_a_column_on_another_day_keeps_yesterdays_episode(tmp_path: Path) -> None:
    _write(tmp_path, "monday.json", "Letters to the editor", "2026-11-30T09:00:00Z")
    _write(tmp_path, "tuesday.json", "Letters to the editor", "2026-12-01T09:00:00Z")
    assert invoke_cli("build", "monday.json", cwd=tmp_path).returncode == 0
    (monday_mp3,) = (tmp_path / "site" / "episodes").glob("*.mp3")
    result = invoke_cli("build", "tuesday.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert len(feed.entries) == 2
    assert monday_mp3.is_file()  # Monday's audio is still published


def test_an_episode_an_older_release_keyed_by_its_slug_is_rebuilt_in_place(tmp_path: Path) -> None:
    """A store from before keeps its episodes: the same article takes the old key's guid."""
    _write(tmp_path, "a.json", "Café reopens")
    assert invoke_cli("build", "a.json", cwd=tmp_path).returncode == 0
    store_path = tmp_path / ".audio-edition" / "episodes.db"
    with Store(store_path) as store:
        (episode,) = store.episodes()
        store.db.execute("UPDATE episodes SET key = ?", (legacy_key("Café reopens"),))
    result = invoke_cli("build", "a.json", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with Store(store_path) as store:
        (again,) = store.episodes()
    assert again.guid == episode.guid and again.key == article_key("Café reopens")
