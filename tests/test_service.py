"""The service, for real: ``audio-edition service`` on loopback, real HTTP (httpx), the real
store and voice, a real webhook receiver and a real feed server."""

from __future__ import annotations

import http.server
import json
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from podcast.app.webhooks import SIGNATURE_HEADER, verify
from podcast.read.model import MAX_ARTICLE_BYTES
from podcast.service.auth import ghost_signature, wordpress_signature
from tests.helpers import ROOT, RunningService, invoke_cli, start_service, wait_for

pytestmark = pytest.mark.e2e

TOKEN = "test-token-0123456789"
CMS = ROOT / "tests" / "data" / "cms"


def configure(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "edition.toml").write_text(
        f"""[show]
feed_size = 100

[service]
tokens = ["{TOKEN}"]
ghost_secret = "ghost-secret"
wordpress_secret = "wp-secret"
debounce = 0.2
retry_after = 0.2
webhook_retry_after = 0.2
{extra}""",
        encoding="utf-8",
    )
    return folder


def article(n: int, words: str = "") -> dict[str, Any]:
    return {
        "title": f"Council note {n}",
        "body": f"The council met for the {n} time this year. {words}".strip(),
        "url": f"https://news.example/note-{n}",
        "published": "2026-12-07T10:00:00Z",
    }


def finished(client: Any, job: int) -> dict[str, Any] | None:
    shown = client.get(f"/api/jobs/{job}").json()
    return shown if shown["status"] in ("published", "failed", "deleted") else None


def feed_links(folder: Path) -> list[str]:
    feed = folder / "site" / "feed.xml"
    return [e.link for e in feedparser.parse(feed.read_bytes()).entries] if feed.exists() else []


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    service = start_service(configure(tmp_path_factory.mktemp("service")))
    try:
        yield service
    finally:
        assert service.stop() == 143, service.lines


def test_a_ghost_post_and_a_wordpress_post_become_episodes_and_a_deleted_post_goes(
    running: RunningService,
) -> None:
    with running.client() as client:  # no token: the CMSs sign their bodies
        body = (CMS / "ghost-post-published.json").read_bytes()
        signed = {
            "X-Ghost-Signature": ghost_signature(body, "ghost-secret", int(time.time() * 1000))
        }
        ghost = client.post("/api/articles", content=body, headers=signed)
        assert ghost.status_code == 202, ghost.text
        assert ghost.headers["Location"] == f"/api/jobs/{ghost.json()['id']}"
        body = (CMS / "wordpress-post.json").read_bytes()
        signed = {"X-WC-Webhook-Signature": wordpress_signature(body, "wp-secret")}
        wordpress = client.post("/api/articles", content=body, headers=signed)
        assert wordpress.status_code == 202, wordpress.text
    with running.client(TOKEN) as client:
        for job in (ghost.json()["id"], wordpress.json()["id"]):
            shown = wait_for(lambda job=job: finished(client, job), 180, f"job {job}")
            assert shown["status"] == "published", shown
            assert shown["episode"]["embed"].startswith("<iframe")
        links = feed_links(running.folder)
        assert "https://news.example/harbour-ferry-plan-wins-council-backing/" in links
        assert "https://gazette.example/2026/12/07/library-reopens-after-roof-repairs/" in links
        listed = client.get("/api/episodes", params={"per_page": 1}).json()
        assert listed["total"] >= 2 and len(listed["episodes"]) == 1
        guid = client.get(f"/api/jobs/{ghost.json()['id']}").json()["guid"]
        assert client.get(f"/api/episodes/{guid}").json()["title"].startswith("Harbour ferry")
    with running.client() as client:
        body = (CMS / "ghost-post-deleted.json").read_bytes()
        signed = {
            "X-Ghost-Signature": ghost_signature(body, "ghost-secret", int(time.time() * 1000))
        }
        deleted = client.post("/api/articles", content=body, headers=signed)
        assert deleted.status_code == 202
    with running.client(TOKEN) as client:
        shown = wait_for(lambda: finished(client, deleted.json()["id"]), 120, "the delete")
        assert shown["status"] == "deleted" and shown["guid"] == guid
        assert client.get(f"/api/episodes/{guid}").status_code == 404
    assert "https://news.example/harbour-ferry-plan-wins-council-backing/" not in feed_links(
        running.folder
    )


def test_refusals_say_nothing_and_queue_nothing(running: RunningService) -> None:
    with running.client() as anonymous, running.client(TOKEN) as client:
        assert anonymous.post("/api/articles", json=article(1)).status_code == 401
        assert anonymous.get("/api/episodes").status_code == 401
        wrong = client.post(
            "/api/articles", json=article(1), headers={"Authorization": "Bearer no"}
        )
        assert wrong.status_code == 401 and wrong.text == "401\n"
        body = json.dumps(article(1)).encode()
        forged = {
            "X-Ghost-Signature": ghost_signature(body, "not-the-secret", int(time.time() * 1000))
        }
        assert anonymous.post("/api/articles", content=body, headers=forged).status_code == 401
        before = client.post("/api/articles", json=article(2)).json()["id"]
        huge = client.post("/api/articles", content=b"{" + b" " * MAX_ARTICLE_BYTES + b"}")
        assert huge.status_code == 413
        after = client.post("/api/articles", json=article(3)).json()["id"]
        assert after == before + 1  # the oversized body queued nothing
        assert client.get("/.audio-edition/episodes.db").status_code == 404
        assert client.get("/api/jobs/999999").status_code == 404


def test_a_bad_article_fails_its_job_with_the_reason_and_the_next_job_runs(
    running: RunningService,
) -> None:
    with running.client(TOKEN) as client:
        bad = client.post("/api/articles", json={"title": "No body at all"}).json()["id"]
        good = client.post("/api/articles", json=article(4)).json()["id"]
        failed = wait_for(lambda: finished(client, bad), 120, "the bad job")
        assert failed["status"] == "failed"
        assert failed["reason"] == f"job {bad}: needs a 'body', 'content' or 'html' field"
        assert (
            wait_for(lambda: finished(client, good), 120, "the good job")["status"] == "published"
        )


def test_metrics_parse_and_count_what_was_done(running: RunningService) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    with running.client(TOKEN) as client:
        job = client.post("/api/articles", json=article(5)).json()["id"]
        wait_for(lambda: finished(client, job), 120, "the job")
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        page = client.get("/metrics")
    assert page.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(page.text)}
    assert {"audio_edition_queue_depth", "audio_edition_jobs", "audio_edition_build_seconds",
            "audio_edition_audio_seconds", "audio_edition_webhook_deliveries"} <= set(families)  # fmt: skip
    published = [s.value for s in families["audio_edition_jobs"].samples
                 if s.labels.get("outcome") == "published" and s.name.endswith("_total")]  # fmt: skip
    assert published and published[0] >= 1


def test_players_beacons_the_endpoint_and_the_access_log_reach_stats(
    running: RunningService,
) -> None:
    """A published episode: its page names the service's oEmbed endpoint, which honours
    maxwidth; pages elsewhere may read its files (CORS, OPTIONS); the players' beacons are
    counted (junk refused); and `stats` reads the access log the service wrote, with the
    beacons' curve, and no address in it."""
    with running.client(TOKEN) as client:
        job = client.post("/api/articles", json=article(7)).json()["id"]
        shown = wait_for(lambda: finished(client, job), 120, "the job")
        guid, page = shown["guid"], shown["episode"]["page"]
    with running.client() as client:  # everything here is public
        path = "/" + page.split("/", 3)[3]
        served = client.get(path)
        assert served.headers["access-control-allow-origin"] == "*"
        assert "/oembed?url=" in served.text
        sized = client.get("/oembed", params={"url": page, "maxwidth": 320}).json()
        assert sized["width"] == 320 and 'width="320"' in sized["html"]
        preflight = client.options("/feed.xml", headers={"Origin": "https://cms.example",
                                                         "Access-Control-Request-Method": "GET"})  # fmt: skip
        assert preflight.status_code == 204
        for reached in (0, 10, 20, 0, 10):
            kept = client.post("/api/listen", content=json.dumps({"guid": guid, "reached": reached}),
                               headers={"Content-Type": "text/plain"})  # fmt: skip
            assert kept.status_code == 204
        assert client.post("/api/listen", json={"guid": guid, "reached": 15}).status_code == 400
        assert client.post("/api/listen", json={"guid": "nope", "reached": 10}).status_code == 404
        assert client.post("/api/listen", content=b"x" * 5000).status_code == 413
        audio = client.get("/" + shown["episode"]["audio"].split("/", 3)[3],
                           headers={"User-Agent": "Overcast/3.0 (+http://overcast.fm/)"})  # fmt: skip
        assert audio.status_code == 200
    log = running.folder / ".audio-edition" / "logs" / "access.log"
    wait_for(lambda: "Overcast" in log.read_text(encoding="utf-8"), 30, "the access log line")
    assert "127.0.0.1" not in log.read_text(encoding="utf-8")
    report = invoke_cli("stats", "--episode", guid, "--format", "json", cwd=running.folder)
    assert report.returncode == 0, report.stderr
    found = json.loads(report.stdout)
    assert found["downloads"] == 1 and found["apps"][0]["name"] == "Overcast"
    assert found["episodes"][0]["plays"] == 2 and found["episodes"][0]["curve"][:2] == [1.0, 0.5]
    from prometheus_client.parser import text_string_to_metric_families

    with running.client() as client:
        families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    kept = {s.labels["outcome"]: s.value for s in families["audio_edition_beacons"].samples
            if s.name.endswith("_total")}  # fmt: skip
    assert kept["play"] >= 2 and kept["progress"] >= 3


def test_fifty_posts_survive_kill_9_and_are_published_exactly_once(tmp_path: Path) -> None:
    folder = configure(tmp_path / "burst")
    service = start_service(folder)
    results: list[int] = []
    with service.client(TOKEN) as client:

        def post(n: int) -> None:
            results.append(client.post("/api/articles", json=article(n)).status_code)

        threads = [threading.Thread(target=post, args=(n,)) for n in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [202] * 50
        wait_for(lambda: len(feed_links(folder)) >= 2, 300, "two episodes in the feed")
    service.stop(signal.SIGKILL)
    killed_at = len(feed_links(folder))
    assert killed_at < 50, "all were made before the kill: nothing was tested"
    # SIGTERM mid-queue: the episode being made is dropped cleanly, its job waits.
    service = start_service(folder)
    wait_for(lambda: len(feed_links(folder)) >= killed_at + 2, 300, "two more episodes")
    assert service.stop(signal.SIGTERM, timeout=60) == 143, service.lines
    assert not list((folder / ".audio-edition" / "tmp").glob("build-*"))
    with sqlite3.connect(folder / ".audio-edition" / "episodes.db") as db:
        states = dict(db.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall())
    assert "building" not in states and states.get("queued", 0) > 0, states
    service = start_service(folder)
    try:
        wait_for(lambda: len(feed_links(folder)) == 50, 600, "all fifty in the feed", every=0.5)
        links = feed_links(folder)
        assert sorted(links) == sorted(f"https://news.example/note-{n}" for n in range(50))
    finally:
        assert service.stop() == 143
    assert invoke_cli("check", "--no-audio", cwd=folder).returncode == 0


class Receiver(http.server.BaseHTTPRequestHandler):
    got: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.got.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_webhook_hears_the_episode_signed_and_a_receiver_that_was_down_hears_it_later(
    tmp_path: Path,
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = configure(tmp_path / "hooks", f"""
[[webhooks]]
url = "http://127.0.0.1:{port}/hook"
secret = "hook-secret"
events = ["episode.published", "episode.failed"]
""")  # fmt: skip
    service = start_service(folder)
    try:
        with service.client(TOKEN) as client:
            job = client.post("/api/articles", json=article(7)).json()["id"]
            wait_for(lambda: finished(client, job), 120, "the job")
            # The receiver is down: the event waits in the outbox, and is tried again.
            wait_for(lambda: "webhook" in "".join(service.lines), 60, "a failed delivery logged")
        got: list[tuple[dict[str, str], bytes]] = []
        handler = type("Bound", (Receiver,), {"got": got})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            wait_for(lambda: got, 60, "the event once the receiver is back")
        finally:
            server.shutdown()
            server.server_close()
    finally:
        assert service.stop() == 143
    headers, body = got[0]
    assert verify("hook-secret", body, headers[SIGNATURE_HEADER], time.time())
    event = json.loads(body)
    assert (
        event["event"] == "episode.published" and headers["X-Audio-Edition-Event"] == event["event"]
    )
    assert event["episode"]["article"] == "https://news.example/note-7"


def test_a_watched_feed_costs_one_304_a_poll_and_a_new_item_is_queued_within_one(
    tmp_path: Path,
) -> None:
    items = [f"<item><title>Watched story {n}</title><link>https://news.example/w{n}</link>"
             f"<guid>w{n}</guid><description>Story {n} said in one sentence here.</description>"
             "</item>" for n in range(2)]  # fmt: skip
    state: dict[str, Any] = {"items": items[:1], "log": []}

    class Feed(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = ("<?xml version='1.0'?><rss version='2.0'><channel><title>W</title>"
                    + "".join(state["items"]) + "</channel></rss>").encode()  # fmt: skip
            etag = f'"{len(state["items"])}"'
            if self.headers.get("If-None-Match") == etag:
                state["log"].append((time.monotonic(), 304))
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            state["log"].append((time.monotonic(), 200))
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    interval = 1.0
    import socket

    with socket.socket() as probe:  # a feed nobody serves: it fails, and never stops the other
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/feed.xml"
    folder = configure(
        tmp_path / "watch", f'\n[watch]\nfeeds = ["{url}", "{dead}"]\ninterval = {interval}\n'
    )
    service = start_service(folder)
    try:
        wait_for(lambda: [s for _, s in state["log"]].count(304) >= 3, 60, "three polls")
        statuses = [s for _, s in state["log"]]
        assert statuses[0] == 200 and set(statuses[1:]) == {304}
        times = [t for t, _ in state["log"]]
        assert all(b - a >= interval * 0.9 for a, b in zip(times, times[1:], strict=False))
        changed = time.monotonic()
        state["items"] = items
        wait_for(lambda: state["log"][-1][1] == 200, 30, "the next poll to see the new item")
        assert state["log"][-1][0] - changed <= interval * 1.5  # within one interval
        wait_for(lambda: "https://news.example/w1" in feed_links(folder), 180, "the new item")
        assert "https://news.example/w0" in feed_links(folder)
        with service.client(TOKEN) as client:
            reported = {f["url"]: f for f in client.get("/api/feeds").json()["feeds"]}
        assert reported[url]["failures"] == 0 and reported[url]["etag"] == '"2"'
        assert reported[dead]["failures"] >= 1 and "cannot fetch" in reported[dead]["last_error"]
    finally:
        assert service.stop() == 143
        server.shutdown()
        server.server_close()
