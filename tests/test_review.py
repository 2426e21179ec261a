"""The editor's review (issue 16): each kind of finding planted and found, a clean article
clean; the real voice, the real recogniser (pocketsphinx), the report in a real browser."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from podcast.cli import cli
from podcast.core.config import load_settings
from podcast.core.store import Store
from podcast.review.model import Review
from podcast.speech.scripting import article_script
from podcast.speech.voicing import make_synthesizer
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, need_chromium, report_of

pytestmark = pytest.mark.e2e

PLANTED_TEXT = """<!DOCTYPE html><html lang="en"><head><title>Harbour plan</title></head><body><article>
<h1>Harbour plan wins backing</h1>
<p>About 1 in 4 residents backed the plan, and Vrexalind Qortmund said the vote was fair.</p>
<figure><img src="x.jpg"><figcaption>The harbour at dawn. (Photo: Ann Lee)</figcaption></figure>
<p>The new ferry will stop at St. Louis Quay, and about 1500 people will use it each day.</p>
<p>Part I of the plan starts in spring, and the council will meet again next month.</p>
</article></body></html>"""

CLEAN = """# The ferry returns

The ferry will run again next week. The council said the boats are safe.

People in the town were glad to hear the news. The first boat will leave in the morning.

The mayor thanked the crews for their work. The service will run every day.
"""


def review_json(work: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["review", "--json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUDIO_EDITION_CONFIG", raising=False)
    return tmp_path


def test_each_text_finding_planted_is_reported(work: Path) -> None:
    (work / "planted.html").write_text(PLANTED_TEXT)
    (article,) = review_json(work, "planted.html")["articles"]
    assert any(
        r["rule"] == "element <figure>" and "harbour at dawn" in r["text"]
        for r in article["removed"]
    )
    words = {g["word"]: g for g in article["guessed"]}
    assert {"Vrexalind", "Qortmund"} <= set(words)
    assert words["Vrexalind"]["phonemes"] and words["Vrexalind"]["lexicon_line"].startswith(
        "Vrexalind = [[ "
    )
    readings = [(r["kind"], r["written"], r["said"]) for r in article["readings"]]
    for kind, written, said in [
        ("unit or word", "1 in 4", "1 in"), ("year or count", "1500 people", "one thousand five hundred"),
        ("Saint or Street", "St. Louis", "Saint"), ("Roman numeral or letter", "Part I", "Part one"),
    ]:  # fmt: skip
        assert any(k == kind and written in w and s == said for k, w, s in readings), (
            kind,
            readings,
        )
    assert article["coverage"] > 0.9
    assert not article["sound_checked"]  # nothing synthesised yet, and no --listen


def test_a_clean_article_reports_none_of_them(work: Path) -> None:
    (work / "clean.md").write_text(CLEAN)
    (article,) = review_json(work, "clean.md")["articles"]
    assert article["guessed"] == [] and article["readings"] == []
    result = CliRunner().invoke(cli, ["review", "--strict", "clean.md"])
    assert result.exit_code == 0, result.output


def test_strict_exits_3_when_something_is_flagged(work: Path) -> None:
    (work / "planted.html").write_text(PLANTED_TEXT)
    assert CliRunner().invoke(cli, ["review", "planted.html"]).exit_code == 0
    assert CliRunner().invoke(cli, ["review", "--strict", "planted.html"]).exit_code == 3


GLITCHES = {1: "pause", 2: "cut-off", 3: "clipping", 4: "recogniser"}


def _doctor(samples: np.ndarray, other: np.ndarray, kind: str, rate: int) -> np.ndarray:
    half = len(samples) // 2
    if kind == "pause":
        return np.concatenate([samples[:half], np.zeros(int(1.2 * rate), np.int16), samples[half:]])
    if kind == "cut-off":  # stopped mid-sound: cut at the loudest 10 ms between 50 % and 80 %
        frame = rate // 100
        start, end = len(samples) // 2 // frame, len(samples) * 4 // 5 // frame
        energy = [
            float(np.mean(samples[i * frame : (i + 1) * frame].astype(np.float64) ** 2))
            for i in range(start, end)
        ]
        return samples[: (start + int(np.argmax(energy))) * frame + frame // 2]
    if kind == "clipping":
        return np.clip(samples.astype(np.int32) * 8, -32768, 32767).astype(np.int16)
    return other  # "recogniser": the audio of another sentence


@pytest.fixture(scope="module")
def listened(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """The clean article reviewed with --listen, then its cached audio doctored (a pause
    inside, an ending cut off, clipping, another sentence's audio) and reviewed again."""
    work = tmp_path_factory.mktemp("listen")
    (work / "clean.md").write_text(CLEAN)
    import os

    old = Path.cwd()
    os.chdir(work)
    try:
        clean = review_json(work, "--listen", "clean.md")
        settings = load_settings(environ={}, cwd=work)
        from podcast.read.articles import read_article

        script = article_script(read_article("clean.md"), settings, "en")
        spoken = [s.spoken for _, s in script.sentences()]
        synth = make_synthesizer(settings)
        audio = [synth.cache.get(synth.cache_key(s)) for s in spoken]
        body = [i for i, (p, _) in enumerate(script.sentences()) if p.kind == "body"]
        planted = {body[n]: kind for n, kind in GLITCHES.items()}
        for index, kind in planted.items():
            other = audio[body[-1]] if index != body[-1] else audio[body[0]]
            synth.cache.put(
                synth.cache_key(spoken[index]),
                _doctor(audio[index], other, kind, synth.sample_rate),
            )
        CliRunner().invoke(
            cli, ["review", "--listen", "--html", "report.html", "clean.md"], catch_exceptions=False
        )
        doctored = review_json(work, "--listen", "clean.md")
    finally:
        os.chdir(old)
    return work, clean, {"review": doctored, "planted": planted}


def test_a_clean_article_sounds_clean(listened: tuple[Path, dict, dict]) -> None:
    _, clean, _ = listened
    (article,) = clean["articles"]
    assert article["sound_checked"] and article["listened"]
    assert article["sound"] == [], article["sound"]


def test_each_planted_glitch_is_found(listened: tuple[Path, dict, dict]) -> None:
    _, _, doctored = listened
    (article,) = doctored["review"]["articles"]
    found = {s["index"]: s["reasons"] for s in article["sound"]}
    for index, kind in doctored["planted"].items():
        assert kind in found.get(index, []), (kind, article["sound"])
    assert set(found) == set(doctored["planted"]), "a clean sentence was flagged"


def test_the_html_report_plays_each_flagged_sentence(listened: tuple[Path, dict, dict]) -> None:
    need_chromium()
    from playwright.sync_api import sync_playwright

    work, _, _ = listened
    report = work / "report.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(report.as_uri(), wait_until="load")
            assert page.locator("tr.flag").count() == len(GLITCHES)
            players = page.locator("tr.flag audio")
            assert players.count() == len(GLITCHES)
            duration = players.first.evaluate(
                "a => new Promise(ok => a.readyState >= 1 ? ok(a.duration) : a.addEventListener('loadedmetadata', () => ok(a.duration)))"
            )
            assert duration > 0.5
            players.first.evaluate("a => a.play()")
            page.wait_for_function("() => document.querySelector('tr.flag audio').currentTime > 0")
        finally:
            browser.close()


def test_build_and_batch_keep_the_findings(work: Path) -> None:
    """The same findings, from build and batch: in the store, counted in the report, words ranked."""
    (work / "in").mkdir()
    for n in range(2):
        (work / "in" / f"s{n}.md").write_text(
            f"# Story {n} about the quay\n\nVrexalind Qortmund opened the quay on day {n + 1}.\n"
        )
    result = CliRunner().invoke(cli, ["batch", "in", "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = report_of(work)
    assert {"word": "Vrexalind", "articles": 2} in report["words_to_check"]
    assert report["findings"]["guessed"] == 4
    assert all(b["findings"]["guessed"] == 2 for b in report["built"])
    with Store(work / ".audio-edition" / "episodes.db") as store:
        (episode, _) = store.episodes()
        review = Review.from_dict(json.loads(episode.review))
    assert review.sound_checked and {w.word for w in review.guessed} == {"Vrexalind", "Qortmund"}
    assert replace(review) == review
    built = CliRunner().invoke(cli, ["-v", "build", "in/s0.md", "--force"], catch_exceptions=False)
    assert "review:  guess: Vrexalind ×1" in built.output


def test_review_reads_the_bundled_sample_and_the_scraped_page(work: Path) -> None:
    sample = ROOT / "examples" / "sample-article.html"
    scraped = ROOT / "tests" / "data" / "pages" / "scraped-news-page.txt"  # the copy kept here
    data = review_json(work, str(sample), str(scraped))
    titles = [a["title"] for a in data["articles"]]
    assert titles[0].startswith("Riverside council approves")
    assert "Zelensky" in {w["word"] for w in data["words_to_check"]}
    assert any(r["rule"] == "caption" for r in data["articles"][1]["removed"])
