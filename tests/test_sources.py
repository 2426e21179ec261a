"""Issue 24: a source folder's odd entries fail alone, and a fetch keeps its deadline whatever
the server does."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast.read.sources import SourceError, expand, fetch
from tests.conftest import invoke_cli


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
    from podcast.read.sources import public_address

    assert public_address(address) is public


def test_an_image_on_a_private_address_is_not_fetched(dribbler: str) -> None:
    from podcast.read.sources import ImageFetcher

    started = time.monotonic()
    assert ImageFetcher()(f"{dribbler}/photo.jpg") == ""
    assert time.monotonic() - started < 2  # refused on connecting, not after the deadline
