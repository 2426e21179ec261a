"""Issue 24: a source folder's odd entries fail alone, and a fetch keeps its deadline whatever
the server does."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podcast.read.articles import local_image
from podcast.read.fetch import SourceError, fetch
from podcast.read.sources import expand
from tests.helpers import invoke_cli, picture


def test_a_symlink_loop_is_that_entrys_failure(tmp_path: Path) -> None:
    """Finding 4: a loop sank the whole folder ('unexpected RuntimeError'); ok.md was never built."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "loop2.md").symlink_to("loop1.md")
    (folder / "loop1.md").symlink_to("loop2.md")
    (folder / "ok.md").write_text("# Council votes\n\nThe council met on Tuesday.\n")
    items = {Path(i.label).name: i for i in expand(str(folder))}
    assert sorted(items) == ["loop1.md", "loop2.md", "ok.md"]
    with pytest.raises(SourceError, match="loop1.md is a symbolic link loop: not read"):
        items["loop1.md"].load()
    result = invoke_cli("batch", "in", "-j", "1", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "1 built, 0 unchanged, 2 failed" in result.stdout
    assert "symbolic link loop" in result.stderr


@pytest.fixture
def dribbler() -> Iterator[str]:
    """A loopback server that sends ``HTTP/1.1 200 OK``, a header's name, then a byte a second."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=dribble, args=(conn,), daemon=True).start()

    def dribble(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(1.0):
                    conn.sendall(b"a")
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_server_that_dribbles_its_headers_meets_the_total_deadline(dribbler: str) -> None:
    """Finding 5: the deadline began with the body, so a header sent a byte a second hung forever."""
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"took longer than 2 s"):
        fetch(f"{dribbler}/feed.rss", timeout=2)
    assert time.monotonic() - started < 6


def test_a_feed_that_dribbles_fails_the_batch_within_35_s(dribbler: str, tmp_path: Path) -> None:
    """The same through the CLI, with the documented 30 s."""
    started = time.monotonic()
    result = invoke_cli("batch", f"{dribbler}/feed.rss", cwd=tmp_path)
    assert result.returncode == 1
    assert "took longer than 30 s" in result.stderr
    assert time.monotonic() - started < 35


def test_a_link_to_an_article_in_the_folder_is_reported_not_the_article(tmp_path: Path) -> None:
    """Issue 24, minor: an alias made the real file fail as 'appears twice'."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "real.md").write_text("# Council votes\n\nThe council met on Tuesday.\n")
    (folder / "alias.md").symlink_to("real.md")
    result = invoke_cli("batch", "in", "-j", "1", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "1 built, 0 unchanged, 1 failed" in result.stdout
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert (
        line
        == "failed: in/alias.md: in/alias.md is a link to real.md, which is built itself: not read"
    )


def test_a_batchs_images_share_one_budget(dribbler: str) -> None:
    """Issue 24, minor: three dribbling images took 98 s; together they now take the budget."""
    from podcast.read.sources import ImageFetcher

    images = ImageFetcher(private=True, budget=3)
    started = time.monotonic()
    assert [images(f"{dribbler}/{n}.jpg") for n in range(3)] == ["", "", ""]
    assert time.monotonic() - started < 3 + 3
    assert images.spent >= 2.5


@pytest.mark.parametrize(
    "address, public",
    [("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
     ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
     ("fe80::1%eth0", False), ("fd00::1", False), ("::ffff:127.0.0.1", False), ("224.0.0.1", False),
     ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True)],
)  # fmt: skip
def test_which_addresses_an_image_is_fetched_from(address: str, public: bool) -> None:
    """Issue 24, minor: a feed's media:content reached 127.0.0.1, private ranges and link-local."""
    from podcast.read.fetch import public_address

    assert public_address(address) is public


def test_an_image_on_a_private_address_is_not_fetched(dribbler: str) -> None:
    from podcast.read.sources import ImageFetcher

    started = time.monotonic()
    assert ImageFetcher()(f"{dribbler}/photo.jpg") == ""
    assert time.monotonic() - started < 2  # refused on connecting, not after the deadline


def test_rss_feed_with_full_content(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(RSS)
    (item, teaser) = expand(str(tmp_path / "feed.xml"))
    article = item.load()
    assert article.title == "Bridge reopens & traffic returns"
    assert article.author == "Ann Lee" and article.url == "https://gazette.example/bridge"
    assert article.published == datetime(2026, 2, 3, 8, 0, tzinfo=UTC)
    assert article.categories == ("Local",)
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("paragraph", "The bridge reopened on Monday after $3 million of repairs."),
        ("heading", "What changed"),
        ("paragraph", "Two new lanes were added."),
    ]
    with pytest.raises(SourceError, match="no article text"):
        teaser.load()


def test_rss_from_an_http_url_with_limits(tmp_path: Path) -> None:
    body = RSS.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        assert len(expand(url)) == 2
        with pytest.raises(SourceError, match="larger than"):
            fetch(url, limit=100)
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(SourceError, match="only http and https"):
        fetch("file:///etc/passwd")
    with pytest.raises(SourceError, match="cannot fetch"):
        fetch("http://127.0.0.1:9/feed.xml", timeout=2)


def test_malformed_feed_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "broken.rss").write_text("<rss><channel><item><title>x</ti")
    with pytest.raises(SourceError, match="not a readable RSS or Atom feed"):
        expand(str(tmp_path / "broken.rss"))


def test_an_image_outside_the_articles_folder_is_never_read(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    picture(tmp_path / "secret.png")
    picture(folder / "ok.png")
    assert local_image("../secret.png", folder) == ""
    assert local_image(str(tmp_path / "secret.png"), folder) == ""
    assert local_image("https://example.org/a.png", folder) == ""
    assert local_image("ok.png", folder) == str((folder / "ok.png").resolve())
    assert local_image("file:ok.png", folder) == str((folder / "ok.png").resolve())


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Gazette</title><link>https://gazette.example/</link><language>en</language>
<item><title>Bridge reopens &amp; traffic returns</title><link>https://gazette.example/bridge</link>
<dc:creator>Ann Lee</dc:creator><pubDate>Tue, 03 Feb 2026 08:00:00 GMT</pubDate><category>Local</category>
<description>The bridge is open again.</description>
<content:encoded><![CDATA[<p>The bridge reopened on Monday after $3 million of repairs.</p><figure><img src="x.jpg"><figcaption>The bridge. (Photo: Ann Lee)</figcaption></figure><h2>What changed</h2><p>Two new lanes were added.</p><p><a href="/other">Read more: the history of the bridge</a></p>]]></content:encoded>
</item>
<item><title>Teaser only</title><link>https://gazette.example/teaser</link><description></description></item>
</channel></rss>
"""
