"""Issue 24, findings 1 and 2: an episode stays in the site it was published in, and
retention counts from when an episode was first published here."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser

from podcast.core.store import Store
from tests.helpers import invoke_cli


def _article(folder: Path, name: str, title: str, published: str = "") -> str:
    data = {"title": title, "body": f"{title} was decided on Tuesday. The vote was close."}
    if published:
        data["published"] = published
    (folder / name).write_text(json.dumps(data), encoding="utf-8")
    return name


def _titles(site: Path) -> list[str]:
    return [e.title for e in feedparser.parse((site / "feed.xml").read_bytes()).entries]


def test_a_build_for_another_site_is_refused_and_both_sites_stay_valid(tmp_path: Path) -> None:
    """build a; build b --site ../preview; build c: the main feed listed b without its files."""
    work = tmp_path / "work"
    work.mkdir()
    for name in "abc":
        _article(work, f"{name}.json", f"Story {name}")
    assert invoke_cli("build", "a.json", cwd=work).returncode == 0
    other = invoke_cli("build", "b.json", "--site", "../preview", cwd=work)
    assert other.returncode == 1
    (line,) = other.stderr.strip().splitlines()
    assert "publishes the site" in line and str(work / "site") in line and "preview" in line
    assert not (tmp_path / "preview" / "feed.xml").exists()
    assert invoke_cli("build", "c.json", cwd=work).returncode == 0
    assert sorted(_titles(work / "site")) == ["Story a", "Story c"]
    check = invoke_cli("check", "--no-audio", cwd=work)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (
        invoke_cli("prune", "--older-than", "1d", "--site", "../preview", cwd=work).returncode == 1
    )
    assert invoke_cli("adopt", "--site", "../preview", cwd=work).returncode == 1


def test_the_working_folder_moved_whole_still_knows_its_site(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _article(work, "a.json", "Story a")
    assert invoke_cli("build", "a.json", cwd=work).returncode == 0
    moved = work.rename(tmp_path / "moved")
    result = invoke_cli("build", "a.json", "--force", cwd=moved)
    assert result.returncode == 0, result.stderr


def test_a_backfill_with_retention_keeps_what_it_built(tmp_path: Path) -> None:
    """Articles from 2019 with retention = 90d: every episode was deleted at the end of the batch."""
    articles = tmp_path / "in"
    articles.mkdir()
    for number in range(3):
        _article(
            articles,
            f"{number}.json",
            f"Archive story {number}",
            f"2019-03-0{number + 1}T09:00:00Z",
        )
    (tmp_path / "edition.toml").write_text('[batch]\nretention = "90d"\n', encoding="utf-8")
    result = invoke_cli("batch", "in", "-j", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(_titles(tmp_path / "site")) == 3
    assert len(list((tmp_path / "site" / "episodes").glob("*.mp3"))) == 3
    dry = invoke_cli("prune", "--older-than", "90d", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and "Would remove 0 episode(s)" in dry.stdout, dry.stdout
    # Once they were published here more than 90 days ago, they go; the dry run says which date.
    with Store(tmp_path / ".audio-edition" / "episodes.db") as store:
        store.db.execute("UPDATE episodes SET created = '2026-01-01T00:00:00+00:00'")
    dry = invoke_cli("prune", "--older-than", "90d", "--dry-run", cwd=tmp_path)
    assert "Would remove 3 episode(s)" in dry.stdout, dry.stdout
    assert "published here 2026-01-01" in dry.stdout and "article dated 2019-03-01" in dry.stdout
