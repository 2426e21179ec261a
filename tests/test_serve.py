"""`serve` over real HTTP: HEAD, byte ranges, conditional GET, Content-Types, and no escape from the site."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast.publish.serve import make_server, parse_range

AUDIO = bytes(range(256)) * 40  # 10240 bytes


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "episodes").mkdir(parents=True)
    (site / "episodes" / "a.mp3").write_bytes(AUDIO)
    (site / "episodes" / "a.vtt").write_text("WEBVTT\n")
    (site / "episodes" / "a.chapters.json").write_text("{}")
    (site / "feed.xml").write_text("<rss/>")
    (site / "index.html").write_text("<html></html>")
    (tmp_path / "secret.txt").write_text("not for the web")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    return site


@pytest.fixture
def conn(site: Path) -> Iterator[callable]:
    server = make_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    port = server.server_address[1]

    def request(method: str, path: str, headers: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body

    try:
        yield request
    finally:
        server.shutdown()
        server.server_close()


def test_get_whole_file_with_validators(conn) -> None:
    response, body = conn("GET", "/episodes/a.mp3")
    assert response.status == 200 and body == AUDIO
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert response.getheader("Content-Length") == str(len(AUDIO))
    assert response.getheader("Accept-Ranges") == "bytes"
    assert response.getheader("ETag") and response.getheader("Last-Modified")


def test_head_has_headers_and_no_body(conn) -> None:
    response, body = conn("HEAD", "/episodes/a.mp3")
    assert response.status == 200 and body == b""
    assert response.getheader("Content-Length") == str(len(AUDIO))


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-1", 0, 1),
        ("bytes=100-", 100, 10239),
        ("bytes=-500", 9740, 10239),
        ("bytes=10000-99999", 10000, 10239),
    ],
    ids=["first-two", "open-end", "suffix", "past-end"],
)
def test_byte_ranges_answer_206(conn, header: str, first: int, last: int) -> None:
    response, body = conn("GET", "/episodes/a.mp3", {"Range": header})
    assert response.status == 206
    assert response.getheader("Content-Range") == f"bytes {first}-{last}/{len(AUDIO)}"
    assert body == AUDIO[first : last + 1]
    assert response.getheader("Content-Length") == str(last - first + 1)


def test_unsatisfiable_range_answers_416(conn) -> None:
    response, _ = conn("GET", "/episodes/a.mp3", {"Range": "bytes=20000-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(AUDIO)}"


def test_malformed_range_is_ignored(conn) -> None:
    response, body = conn("GET", "/episodes/a.mp3", {"Range": "pages=1-2"})
    assert response.status == 200 and body == AUDIO


def test_conditional_get(conn) -> None:
    first, _ = conn("GET", "/feed.xml")
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    response, body = conn("GET", "/feed.xml", {"If-None-Match": etag})
    assert response.status == 304 and body == b""
    response, _ = conn("GET", "/feed.xml", {"If-Modified-Since": modified})
    assert response.status == 304
    response, _ = conn("GET", "/feed.xml", {"If-None-Match": '"other"'})
    assert response.status == 200


def test_if_range_with_a_stale_etag_sends_the_whole_file(conn) -> None:
    response, body = conn("GET", "/episodes/a.mp3", {"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert response.status == 200 and body == AUDIO
    etag = conn("HEAD", "/episodes/a.mp3")[0].getheader("ETag")
    response, body = conn("GET", "/episodes/a.mp3", {"Range": "bytes=0-9", "If-Range": etag})
    assert response.status == 206 and body == AUDIO[:10]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/episodes/a.vtt", "text/vtt; charset=utf-8"),
        ("/episodes/a.chapters.json", "application/json+chapters"),
        ("/", "text/html; charset=utf-8"),
    ],
    ids=["feed", "vtt", "chapters", "index"],
)
def test_content_types(conn, path: str, kind: str) -> None:
    response, _ = conn("GET", path)
    assert response.status == 200
    assert response.getheader("Content-Type") == kind


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/episodes/../../secret.txt",
        "/link.txt",
        "/missing.mp3",
        "/%00",
    ],
    ids=["dotdot", "encoded", "nested", "symlink-out", "missing", "nul"],
)
def test_nothing_outside_the_site(conn, path: str) -> None:
    response, body = conn("GET", path)
    assert response.status == 404
    assert b"not for the web" not in body


def test_parse_range_edges() -> None:
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=-0", 10) is None
    assert parse_range("bytes=5-2", 10) is None
    with pytest.raises(ValueError):
        parse_range("bytes=-", 10)


def test_serve_command_binds_to_loopback_and_answers(site: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "podcast", "serve", "--site", str(site), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        line = process.stderr.readline()
        assert line.startswith(f"Serving {site} at http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("HEAD", "/episodes/a.mp3", headers={"Range": "bytes=0-1"})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 206
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def test_serve_without_a_site_is_a_clear_error(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    result = run_cli("serve", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "Error: no site at site: run `audio-edition build` first\n"


@pytest.mark.parametrize(
    "header, status, length",
    [("bytes=0-1,5-9", 200, len(AUDIO)), ("BYTES=0-1", 206, 2), ("Bytes = 2-5", 206, 4)],
    ids=["several ranges", "unit in capitals", "spaces"],
)
def test_ranges_are_one_range_in_any_case_or_the_whole_file(
    conn, header: str, status: int, length: int
) -> None:
    """Issue 24, minor: bytes=0-1,5-9 served only the first range; BYTES=0-1 was ignored."""
    response, body = conn("GET", "/episodes/a.mp3", {"Range": header})
    assert response.status == status and len(body) == length


def _serve(site: Path) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "podcast", "serve", "--site", str(site), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stderr is not None
    line = process.stderr.readline()
    return process, int(line.rsplit(":", 1)[1].split("/")[0])


def test_serve_answers_300_simultaneous_listeners(site: Path) -> None:
    """Issue 24, finding 10: with a listen backlog of 5, 90 of 300 clients timed out at 30 s and
    the time to the first byte was 8.75 s at p90."""
    import socket

    clients = 300
    process, port = _serve(site)
    barrier = threading.Barrier(clients, timeout=60)
    first_bytes: list[float] = []
    failures: list[str] = []

    def listener() -> None:
        try:
            barrier.wait()
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(
                    b"GET /episodes/a.mp3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                first = sock.recv(1)
                first_bytes.append(time.monotonic() - started)
                received = first
                while chunk := sock.recv(65536):
                    received += chunk
            if not received.startswith(b"HTTP/1.1 200") or not received.endswith(AUDIO):
                failures.append(received[:40].decode(errors="replace"))
        except (OSError, threading.BrokenBarrierError) as error:
            failures.append(repr(error))

    threads = [threading.Thread(target=listener) for _ in range(clients)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
    assert not failures, failures[:3]
    assert len(first_bytes) == clients
    p90 = sorted(first_bytes)[int(clients * 0.9) - 1]
    assert p90 < 1.0, f"time to first byte at p90: {p90:.2f} s"
