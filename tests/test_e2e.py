"""End to end: one real article in, a published episode out (real voice, ffmpeg, parsers)."""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3, BitrateMode

from podcast.make.render import cut_here
from podcast.publish.pages import EMBED_HEIGHT
from tests.audiocheck import decode, frame_bitrates, integrated_lufs, rms_db, true_peak_dbtp
from tests.helpers import BuiltSite, invoke_cli, run_cli

pytestmark = pytest.mark.e2e

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
BASE = "http://127.0.0.1:8000/"


def parse_vtt(text: str) -> list[tuple[float, float, list[str]]]:
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    assert text.startswith("WEBVTT\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.splitlines()
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        start, end = (seconds(x.strip()) for x in lines[timing].split("-->"))
        cues.append((start, end, lines[timing + 1 :]))
    return cues


@pytest.fixture(scope="module")
def script_sentences(built_site: BuiltSite) -> list[str]:
    result = invoke_cli("script", str(built_site.article), cwd=built_site.work)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def decoded(built_site: BuiltSite):
    return decode(built_site.mp3)


def test_build_prints_the_paths_of_feed_mp3_and_page_and_the_embed_snippet(
    built_site: BuiltSite,
) -> None:
    assert built_site.stdout.splitlines() == [
        f"mp3:  site/episodes/{built_site.mp3.name}",
        f'embed: <iframe src="http://127.0.0.1:8000/episodes/{built_site.page.stem}.embed.html" '
        'title="Listen: Harbour &amp; ferry plan wins backing" width="100%" '
        f'height="{EMBED_HEIGHT}" style="border:0;width:100%;max-width:1200px" loading="lazy"></iframe>',
        "feed: site/feed.xml",
        "page: site/index.html",
    ]


def test_state_lives_in_the_working_folder_not_the_site(built_site: BuiltSite) -> None:
    assert (built_site.work / ".audio-edition" / "episodes.db").is_file()
    published = {p.relative_to(built_site.site).as_posix() for p in built_site.site.rglob("*")}
    assert not any(name.endswith((".db", ".pcm", ".wav")) for name in published)


def test_mp3_decodes_as_constant_bitrate_at_one_sample_rate(built_site: BuiltSite, decoded) -> None:
    samples, rate = decoded
    info = MP3(built_site.mp3).info
    assert rate == 44100 == info.sample_rate
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)
    # every frame says 64 kbit/s, including across the joins between pieces
    assert frame_bitrates(built_site.mp3)[0] == {64}
    assert info.bitrate == pytest.approx(64000, rel=0.001)  # the Xing header's average
    assert len(samples) / rate > 5


def test_loudness_is_minus_16_lufs_and_true_peak_below_minus_1(decoded) -> None:
    samples, rate = decoded
    assert integrated_lufs(samples, rate) == pytest.approx(-16.0, abs=1.0)
    assert true_peak_dbtp(samples, rate) <= -1.0


def test_one_cue_per_sentence_in_order(built_site: BuiltSite, script_sentences) -> None:
    cues = parse_vtt(built_site.vtt.read_text(encoding="utf-8"))
    assert len(cues) == len(script_sentences)
    starts = [c[0] for c in cues]
    assert starts == sorted(starts)
    assert all(start < end for start, end, _ in cues)
    assert all(len(line) <= 65 for _, _, lines in cues for line in lines)
    # Transcripts show the text as written: the title's ampersand, escaped for WebVTT.
    texts = [" ".join(lines) for _, _, lines in cues]
    assert "Harbour &amp; ferry plan wins backing" in texts


def test_cues_sit_on_the_speech_and_gaps_are_silent(built_site: BuiltSite, decoded) -> None:
    samples, rate = decoded
    cues = parse_vtt(built_site.vtt.read_text(encoding="utf-8"))
    for start, end, lines in cues:
        speech = samples[int(start * rate) : int(end * rate)]
        assert rms_db(speech) > -40, f"no speech under cue {lines}"
    for (_, end, _), (start, _, _) in zip(cues, cues[1:], strict=False):
        middle = (end + start) / 2
        gap = samples[int((middle - 0.08) * rate) : int((middle + 0.08) * rate)]
        assert rms_db(gap) < -45, f"sound in the pause at {middle:.2f} s"


def test_duration_matches_segments_and_pauses(
    built_site: BuiltSite, decoded, script_sentences
) -> None:
    samples, rate = decoded
    cues = parse_vtt(built_site.vtt.read_text(encoding="utf-8"))
    text = invoke_cli("script", str(built_site.article), cwd=built_site.work).stdout
    paragraphs = [p.splitlines() for p in text.strip().split("\n\n")]
    kinds = ["intro"] * 3 + ["body", "heading", "body", "outro"]
    assert len(paragraphs) == len(kinds)
    # Documented defaults: lead 250 ms, chime 1.9 s + 300 ms, pauses 350/750/1000/900 ms, tail 1 s.
    # A pause where the MP3 is cut into pieces grows by less than one MP3 frame (1152 samples).
    frame = 1152 / 44100
    expected_gaps = []
    section = 0  # body paragraphs since the intro: the first two end pieces
    for index, (kind, paragraph) in enumerate(zip(kinds, paragraphs, strict=True)):
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        section = section + 1 if kind == "body" else (0 if kind == "intro" else section)
        for position, spoken in enumerate(paragraph):
            ends = position == len(paragraph) - 1
            if not ends:
                gap = 0.35
            elif following is None:
                gap = 1.0
            elif kind == "intro" and following != "intro":
                gap = 0.9
            elif "heading" in (kind, following):
                gap = 1.0
            else:
                gap = 0.75
            cut = following is not None and (
                cut_here(spoken, kind, ends, following if ends else kind)
                or (ends and kind == "body" and section <= 2)
                or (kind == "heading" and section < 2)  # a heading before the opening's end
            )
            expected_gaps.append((gap, cut))
    assert sum(cut for _, cut in expected_gaps) >= 1  # the intro ends in a cut: pieces are joined
    assert cues[0][0] == pytest.approx(0.25 + 1.9 + 0.3, abs=0.002)
    for (_, end, _), (start, _, _), (gap, cut) in zip(cues, cues[1:], expected_gaps, strict=False):
        if cut:
            assert gap - 0.002 <= start - end <= gap + frame + 0.002
        else:
            assert start - end == pytest.approx(gap, abs=0.002)
    assembled = cues[-1][1] + expected_gaps[-1][0]
    decoded_seconds = len(samples) / rate
    assert decoded_seconds == pytest.approx(assembled, abs=0.06)
    assert MP3(built_site.mp3).info.length == pytest.approx(assembled, abs=0.06)
    # The last cue ends near the end of the audio: only the 1 s tail follows it.
    assert decoded_seconds - cues[-1][1] == pytest.approx(1.0, abs=0.06)


def test_id3_is_v23_with_tags_cover_and_chapters(built_site: BuiltSite) -> None:
    assert built_site.mp3.read_bytes()[:4] == b"ID3\x03"
    tags = ID3(built_site.mp3)
    assert tags.version == (2, 3, 0)
    assert str(tags["TIT2"]) == "Harbour & ferry plan wins backing"
    assert "Sam Lee" in str(tags["TPE1"])
    assert str(tags["TALB"]) == "The Audio Edition"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags["TDRC"]).startswith("2026-11-20")
    (comment,) = tags.getall("COMM")
    assert "AI assistance" in str(comment)
    (cover,) = tags.getall("APIC")
    assert cover.type == 3 and cover.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert tags.getall("WOAS")[0].url == "https://gazette.example.org/harbour-ferry"
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert str(toc.sub_frames["TIT2"])
    chapters = {f.element_id: f for f in tags.getall("CHAP")}
    assert list(toc.child_element_ids) == sorted(chapters, key=lambda k: chapters[k].start_time)
    titles = [str(chapters[k].sub_frames["TIT2"]) for k in toc.child_element_ids]
    assert titles == ["Introduction", "Harbour & ferry plan wins backing", "Next steps"]
    assert chapters[toc.child_element_ids[0]].start_time == 0


def test_chapters_json_is_v12_and_ascending(built_site: BuiltSite) -> None:
    data = json.loads(built_site.chapters.read_text(encoding="utf-8"))
    assert data["version"] == "1.2.0"
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0.0
    assert all(isinstance(s, float) for s in starts)
    assert [c["title"] for c in data["chapters"]][-1] == "Next steps"


def test_feed_parses_in_podcastparser_with_exact_enclosure_length(built_site: BuiltSite) -> None:
    with (built_site.site / "feed.xml").open("rb") as handle:
        parsed = podcastparser.parse(BASE + "feed.xml", handle)
    assert parsed["title"] == "The Audio Edition"
    (episode,) = parsed["episodes"]
    (enclosure,) = episode["enclosures"]
    assert enclosure["file_size"] == built_site.mp3.stat().st_size
    assert enclosure["url"] == BASE + "episodes/" + built_site.mp3.name
    assert enclosure["mime_type"] == "audio/mpeg"
    assert episode["title"] == "Harbour & ferry plan wins backing"
    assert episode["total_time"] == round(MP3(built_site.mp3).info.length)
    assert episode["guid"]


def test_feed_parses_in_feedparser_without_bozo(built_site: BuiltSite) -> None:
    parsed = feedparser.parse(str(built_site.site / "feed.xml"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    (entry,) = parsed.entries
    assert entry.title == "Harbour & ferry plan wins backing"


def test_feed_has_required_channel_and_item_tags(built_site: BuiltSite) -> None:
    raw = (built_site.site / "feed.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(raw)
    channel = root.find("channel")
    for path in (
        "title",
        "description",
        "language",
        "link",
        "itunes:author",
        "itunes:type",
        "copyright",
        "podcast:guid",
        "podcast:locked",
    ):
        assert channel.xpath(f"string({path})", namespaces=NS).strip(), path
    assert channel.xpath("string(itunes:explicit)", namespaces=NS) in ("true", "false")
    assert channel.xpath("string(itunes:image/@href)", namespaces=NS) == BASE + "cover.png"
    assert channel.xpath("string(itunes:category/@text)", namespaces=NS) == "News"
    assert channel.xpath("string(atom:link[@rel='self']/@href)", namespaces=NS) == BASE + "feed.xml"
    (item,) = channel.findall("item")
    assert re.fullmatch(r"\d+", item.xpath("string(itunes:duration)", namespaces=NS))
    assert (
        parsedate_to_datetime(item.findtext("pubDate")).isoformat() == "2026-11-20T08:00:00+00:00"
    )
    assert item.xpath("string(itunes:episodeType)", namespaces=NS) == "full"
    for tag, kind, suffix in (
        ("transcript", "text/vtt", ".vtt"),
        ("transcript", "application/x-subrip", ".srt"),
        ("chapters", "application/json+chapters", ".chapters.json"),
    ):
        (element,) = item.xpath(f"podcast:{tag}[@type='{kind}']", namespaces=NS)
        url = element.get("url")
        assert url.startswith(BASE) and url.endswith(suffix)
        assert (built_site.site / url[len(BASE) :]).is_file()


def test_rebuilding_unchanged_article_skips_and_keeps_guid(
    built_site: BuiltSite, tmp_path: Path
) -> None:
    before = (built_site.site / "feed.xml").read_text(encoding="utf-8")
    guid = re.search(r"<guid[^>]*>([^<]+)</guid>", before).group(1)
    result = run_cli("build", str(built_site.article), cwd=built_site.work)
    assert result.returncode == 0, result.stderr
    assert "Unchanged" in result.stderr
    after = (built_site.site / "feed.xml").read_text(encoding="utf-8")
    assert re.search(r"<guid[^>]*>([^<]+)</guid>", after).group(1) == guid
