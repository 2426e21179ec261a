"""Issue 19: the AI disclosure in every place, episode artwork from the article's image, show notes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import feedparser
import imageio_ffmpeg
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3

from podcast.publish.artwork import load_artwork
from tests.helpers import SHORT_HTML, BuiltSite, invoke_cli, picture

pytestmark = pytest.mark.e2e
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0",
      "content": "http://purl.org/rss/1.0/modules/content/"}  # fmt: skip
DISCLOSURE = "This audio is created with AI assistance."


def test_every_item_carries_the_disclosure_in_its_description_and_podcast_txt(
    built_site: BuiltSite,
) -> None:
    root = etree.fromstring((built_site.site / "feed.xml").read_bytes())
    (item,) = root.findall("channel/item")
    assert item.findtext("description").splitlines()[0] == DISCLOSURE
    txt = item.find("podcast:txt[@purpose='ai-content']", NS)
    assert txt is not None and txt.text.startswith(DISCLOSURE) and "en_US-joe-medium" in txt.text
    assert DISCLOSURE in built_site.page.read_text(encoding="utf-8")
    assert DISCLOSURE in built_site.embed.read_text(encoding="utf-8")
    assert DISCLOSURE in str(ID3(built_site.mp3).getall("COMM")[0].text[0])


def test_show_notes_have_the_summary_the_link_and_the_chapters(built_site: BuiltSite) -> None:
    parsed = podcastparser.parse("feed.xml", (built_site.site / "feed.xml").open("rb"))
    (episode,) = parsed["episodes"]
    notes = episode["description_html"]
    assert "The council backed a $2 million ferry plan." in notes
    assert 'href="https://gazette.example.org/harbour-ferry"' in notes
    assert re.search(r"<li>0:00 Introduction</li>.*<li>\d:\d\d Next steps</li>", notes)
    feed = feedparser.parse((built_site.site / "feed.xml").read_bytes())
    assert "Read the article" in feed.entries[0].content[0].value


def test_an_article_without_an_image_has_the_show_cover(built_site: BuiltSite) -> None:
    root = etree.fromstring((built_site.site / "feed.xml").read_bytes())
    channel_image = root.find("channel/itunes:image", NS).get("href")
    assert root.find("channel/item/itunes:image", NS).get("href") == channel_image


def built_with_its_image(folder: Path) -> str:
    """Build an HTML article whose og:image is a file beside it; its item's artwork URL."""
    picture(folder / "photo.png")
    html = SHORT_HTML.replace("</head>", '<meta property="og:image" content="photo.png"></head>')
    (folder / "a.html").write_text(html, encoding="utf-8")
    assert invoke_cli("build", "a.html", cwd=folder).returncode == 0
    root = etree.fromstring((folder / "site" / "feed.xml").read_bytes())
    return str(root.find("channel/item/itunes:image", NS).get("href"))


def test_the_articles_own_image_becomes_square_episode_artwork(tmp_path: Path) -> None:
    href = built_with_its_image(tmp_path)
    assert href.endswith(".jpg") and "/episodes/" in href
    (image,) = (tmp_path / "site" / "episodes").glob("*.jpg")
    artwork = load_artwork(image)  # square, 1400–3000 px, RGB
    assert artwork.mime == "image/jpeg" and artwork.width == artwork.height == 1400
    (mp3,) = (tmp_path / "site" / "episodes").glob("*.mp3")
    (apic,) = ID3(mp3).getall("APIC")
    assert apic.data == image.read_bytes() and apic.mime == "image/jpeg"
    checked = invoke_cli("check", "--json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    # A smaller image is made up to Apple's minimum; a new image is a new build.
    picture(tmp_path / "photo.png", "640x480")
    assert invoke_cli("build", "a.html", cwd=tmp_path).returncode == 0
    (image,) = (tmp_path / "site" / "episodes").glob("*.jpg")
    assert load_artwork(image).width == 1400
    # A JSON article's image works the same way.
    (tmp_path / "b.json").write_text(json.dumps(
        {"title": "Bridge", "body": "The bridge opens in May.", "image": "photo.png"}))  # fmt: skip
    assert invoke_cli("build", "b.json", cwd=tmp_path).returncode == 0
    assert len(list((tmp_path / "site" / "episodes").glob("*.jpg"))) == 2


def test_adopt_keeps_an_episodes_own_artwork(tmp_path: Path) -> None:
    import shutil

    href = built_with_its_image(tmp_path)
    title = etree.fromstring((tmp_path / "site" / "feed.xml").read_bytes()).findtext(
        "channel/item/title"
    )
    shutil.rmtree(tmp_path / ".audio-edition")
    assert invoke_cli("adopt", cwd=tmp_path).returncode == 0
    (tmp_path / "b.json").write_text(json.dumps({"title": "Bridge", "body": "It opens in May."}))
    assert invoke_cli("build", "b.json", cwd=tmp_path).returncode == 0
    after = etree.fromstring((tmp_path / "site" / "feed.xml").read_bytes())
    images = {
        i.findtext("title"): i.find("itunes:image", NS).get("href") for i in after.iter("item")
    }
    assert images[title] == href
    assert images["Bridge"] == after.find("channel/itunes:image", NS).get("href")
    assert len(list((tmp_path / "site" / "episodes").glob("*.jpg"))) == 1
    assert invoke_cli("check", "--no-audio", cwd=tmp_path).returncode == 0


def test_check_catches_an_item_without_the_disclosure(
    built_site: BuiltSite, tmp_path: Path
) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(built_site.site, site)
    feed = site / "feed.xml"
    feed.write_text(
        feed.read_text(encoding="utf-8").replace(DISCLOSURE + "\n", ""), encoding="utf-8"
    )
    result = invoke_cli("check", "--no-audio", "--site", str(site), "--json", cwd=built_site.work)
    assert result.returncode == 1
    assert "item.disclosure" in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_a_fetched_feeds_entry_image_becomes_the_artwork(tmp_path: Path) -> None:
    """An image the batch may fetch (the feed itself came over http) is the episode's artwork;
    the same feed read from a file names no image to fetch, and the show's cover is used."""
    import http.server
    import threading

    image = picture(tmp_path / "photo.png").read_bytes()
    feed = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Gazette</title>'
        "<item><title>Ferry plan wins backing</title><link>https://gazette.example.org/f</link>"
        '<media:content url="URL/photo.png" medium="image"/>'
        "<content:encoded><![CDATA[<p>The council backed the ferry plan on Tuesday.</p>]]>"
        "</content:encoded></item></channel></rss>"
    )
    files: dict[str, bytes] = {"/photo.png": image}
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    files["/feed.xml"] = feed.replace("URL", base).encode()
    try:
        refused = tmp_path / "refused"
        refused.mkdir()  # the image is on a loopback address: not fetched unless allowed
        result = invoke_cli("-v", "batch", f"{base}/feed.xml", "-j", "1", cwd=refused)
        assert result.returncode == 0, result.stderr
        assert "is at 127.0.0.1, not a public address: not fetched" in result.stderr
        assert asked == ["/feed.xml"] and not list((refused / "site" / "episodes").glob("*.jpg"))
        asked.clear()
        web = tmp_path / "web"
        web.mkdir()
        (web / "edition.toml").write_text("[batch]\nprivate_images = true\n")
        assert invoke_cli("batch", f"{base}/feed.xml", "-j", "1", cwd=web).returncode == 0
        assert asked == ["/feed.xml", "/photo.png"]
        local = tmp_path / "local"
        local.mkdir()
        (local / "feed.rss").write_text(feed.replace("URL", base), encoding="utf-8")
        assert invoke_cli("batch", "feed.rss", "-j", "1", cwd=local).returncode == 0
        assert asked == ["/feed.xml", "/photo.png"]  # nothing fetched for a feed file
    finally:
        server.shutdown()
        server.server_close()
    root = etree.fromstring((web / "site" / "feed.xml").read_bytes())
    assert root.find("channel/item/itunes:image", NS).get("href").endswith(".jpg")
    (cover,) = (web / "site" / "episodes").glob("*.jpg")
    assert load_artwork(cover).width == 1400
    assert not list((local / "site" / "episodes").glob("*.jpg"))


def test_an_image_that_is_a_playlist_never_reads_a_file_outside_the_folder(tmp_path: Path) -> None:
    """Issue 24, finding 7: og:image = cover.m3u8, whose segment is file:///elsewhere/frame.ts:
    ffmpeg read it and published a frame from outside the folder as the artwork."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc=size=1600x900", "-frames:v", "1", str(elsewhere / "frame.ts")],
                   check=True)  # fmt: skip
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "cover.m3u8").write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile://{elsewhere / 'frame.ts'}\n"
        "#EXT-X-ENDLIST\n"
    )
    html = SHORT_HTML.replace("</head>", '<meta property="og:image" content="cover.m3u8"></head>')
    (folder / "a.html").write_text(html, encoding="utf-8")
    result = invoke_cli("build", "a.html", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "not a JPEG, PNG, GIF, WebP or BMP image" in result.stderr
    assert not list((folder / "site" / "episodes").glob("*.jpg"))
    (mp3,) = (folder / "site" / "episodes").glob("*.mp3")
    assert ID3(mp3).getall("APIC")[0].data == (folder / "site" / "cover.png").read_bytes()


def test_an_image_named_as_a_playlist_is_read_by_its_content(tmp_path: Path) -> None:
    """A real JPEG is used whatever its name says; ffmpeg reads it as a JPEG."""
    from podcast.publish.artwork import episode_artwork

    jpeg = picture(tmp_path / "photo.jpg")
    disguised = tmp_path / "photo.m3u8"
    disguised.write_bytes(jpeg.read_bytes())
    assert episode_artwork(disguised).width == 1400
