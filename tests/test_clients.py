"""Every client reached, over real HTTP from `serve`: CORS for web players elsewhere, OPTIONS
answered, the oEmbed endpoint honouring the sizes asked (and found by pyembed through the
page's discovery link), and the access log `stats` reads."""

from __future__ import annotations

import dataclasses
import http.client
import json
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podcast.core.settings import Settings, ShowSettings
from podcast.core.store import Store
from podcast.publish.accesslog import AccessLog
from podcast.publish.artwork import default_artwork
from podcast.publish.serve import make_server, url_of
from podcast.publish.site import publish
from podcast.stats.logs import Lines
from tests.helpers import episode


@dataclasses.dataclass
class Served:
    url: str
    settings: Settings
    page_url: str
    log: Path

    def request(self, method: str, path: str, headers: dict[str, str] | None = None):
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    site, state = tmp_path / "site", tmp_path / "state"
    site.mkdir()
    log = AccessLog(state / "logs" / "access.log", state / "logs" / "key")
    server = make_server(site, "127.0.0.1", 0, access_log=log)
    url = url_of(server)
    settings = Settings(site=site, state=state,
                        show=dataclasses.replace(ShowSettings(), base_url=url))  # fmt: skip
    one = episode("https://news.example/one", slug="one", title="One", audio="episodes/one.mp3",
                  published=datetime(2026, 12, 1, tzinfo=UTC), author="Ann Writer")  # fmt: skip
    (site / "episodes").mkdir()
    (site / "episodes" / "one.mp3").write_bytes(b"\xff\xfb" + bytes(4000))
    with Store(settings.folders.store) as store:
        store.save(one)
        publish(store, settings, default_artwork())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Served(url, settings, url + one.page, state / "logs" / "access.log")
    finally:
        server.shutdown()
        server.server_close()
        log.close()


def test_public_files_may_be_read_from_pages_elsewhere(served: Served) -> None:
    for path in ("/feed.xml", "/episodes/one.mp3", "/index.html"):
        response, _ = served.request("GET", path, {"Origin": "https://elsewhere.example"})
        assert response.status == 200
        assert response.getheader("Access-Control-Allow-Origin") == "*"
    response, _ = served.request("GET", "/episodes/one.mp3", {"Range": "bytes=0-9"})
    assert response.status == 206 and "Content-Range" in response.getheader(
        "Access-Control-Expose-Headers"
    )
    response, body = served.request("OPTIONS", "/episodes/one.mp3", {
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "range",
    })  # fmt: skip
    assert response.status == 204 and body == b""
    assert "GET" in response.getheader("Access-Control-Allow-Methods")
    assert "Range" in response.getheader("Access-Control-Allow-Headers")


def _oembed(served: Served, **query: str):
    response, body = served.request("GET", "/oembed?" + urllib.parse.urlencode(query))
    return response, json.loads(body)


def test_the_oembed_endpoint_honours_the_sizes_asked(served: Served) -> None:
    response, data = _oembed(served, url=served.page_url, format="json")
    assert response.status == 200 and (data["type"], data["width"]) == ("rich", 600)
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    _, data = _oembed(served, url=served.page_url, maxwidth="400", maxheight="200")
    assert (data["width"], data["height"]) == (400, 200)
    assert 'width="400"' in data["html"] and 'height="200"' in data["html"]
    assert data["title"] == "One" and data["author_name"] == "Ann Writer"
    embed = served.page_url.replace(".html", ".embed.html")
    assert _oembed(served, url=embed)[0].status == 200  # the player's address is the episode's
    for query, status in (
        ({"url": served.page_url, "format": "xml"}, 501),
        ({"url": served.url + "episodes/none.html"}, 404),
        ({"url": served.url + "episodes/../../state/logs/key.html"}, 404),
        ({"url": served.page_url, "maxwidth": "wide"}, 400),
        ({}, 400),
    ):
        assert _oembed(served, **query)[0].status == status, query


def test_the_served_page_names_the_endpoint_and_pyembed_finds_it(served: Served) -> None:
    from pyembed.core import PyEmbed
    from pyembed.core.discovery import AutoDiscoverer

    _, page = served.request("GET", urllib.parse.urlsplit(served.page_url).path)
    assert b"/oembed?url=" in page and b".oembed.json" not in page
    html = PyEmbed(discoverer=AutoDiscoverer()).embed(served.page_url, max_width=400)
    assert "<iframe" in html and 'width="400"' in html
    static = served.settings.site / urllib.parse.urlsplit(served.page_url).path.lstrip("/")
    assert b".oembed.json" in static.read_bytes()  # on a static host, the file beside it


def test_every_request_is_a_line_of_the_access_log_without_its_address(served: Served) -> None:
    served.request(
        "GET", "/episodes/one.mp3", {"User-Agent": "Overcast/3.0", "Range": "bytes=10-19"}
    )
    served.request("HEAD", "/episodes/one.mp3", {"User-Agent": "Overcast/3.0"})
    requests = list(Lines((served.log,)))
    mp3 = [r for r in requests if r.path == "/episodes/one.mp3"]
    assert [(r.method, r.status, r.sent, r.range) for r in mp3] == [
        ("GET", 206, 10, (10, 19)), ("HEAD", 200, 0, None),
    ]  # fmt: skip
    assert all(r.client.startswith("k") for r in requests)
    assert "127.0.0.1" not in served.log.read_text(encoding="utf-8")


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    """A published feed with an owner's address, an episode with chapters and one without an
    author."""
    show = dataclasses.replace(ShowSettings(), email="desk@news.example", author="The Newsroom")
    settings = Settings(site=tmp_path / "site", state=tmp_path / "state", show=show)
    with Store(settings.folders.store) as store:
        store.save(episode("https://news.example/a", slug="a", title="Harbour", author="Ann Writer",
                           marks=((0.0, "Introduction"), (12.5, "The vote & after"))))  # fmt: skip
        store.save(episode("https://news.example/b", slug="b", title="Weather", audio="episodes/b.mp3",
                           published=datetime(2026, 1, 2, tzinfo=UTC)))  # fmt: skip
        publish(store, settings, default_artwork())
    return settings.site / "feed.xml"


def test_gpodder_shows_the_chapters_through_podlove_simple_chapters(feed: Path) -> None:
    import podcastparser

    with feed.open("rb") as handle:
        parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", handle)
    harbour = next(e for e in parsed["episodes"] if e["title"] == "Harbour")
    # podcastparser keeps whole seconds.
    assert harbour["chapters"] == [
        {"start": 0, "title": "Introduction"}, {"start": 12, "title": "The vote & after"},
    ]  # fmt: skip


def test_every_item_has_an_author_and_the_channel_its_medium_image_and_type(feed: Path) -> None:
    import feedparser
    from lxml import etree

    parsed = feedparser.parse(feed.read_bytes())
    assert parsed.bozo == 0
    assert {e.title: e.author for e in parsed.entries} == {"Harbour": "Ann Writer",
                                                          "Weather": "The Newsroom"}  # fmt: skip
    ns = {"podcast": "https://podcastindex.org/namespace/1.0",
          "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}  # fmt: skip
    channel = etree.fromstring(feed.read_bytes()).find("channel")
    assert channel.findtext("podcast:medium", namespaces=ns) == "podcast"
    assert channel.findtext("itunes:type", namespaces=ns) == "episodic"
    image = channel.find("podcast:image", ns)
    assert (image.get("width"), image.get("height"), image.get("href")) == (
        "1400", "1400", channel.find("itunes:image", ns).get("href"),
    )  # fmt: skip
    assert [i.findtext("itunes:episodeType", namespaces=ns) for i in channel.iter("item")] == [
        "full", "full",
    ]  # fmt: skip


def test_podcast_index_reads_the_lock_with_its_owner(feed: Path) -> None:
    import shutil
    import subprocess

    from tests.helpers import ROOT

    modules = ROOT / ".venv" / "node" / "node_modules"
    if shutil.which("node") is None or not (modules / "podcast-partytime").is_dir():
        pytest.skip("podcast-partytime is not installed (make test installs it when npm is here)")
    read = subprocess.run(
        ["node", str(ROOT / "tests" / "clients" / "partytime.js"), str(feed)],
        capture_output=True, text=True, timeout=60, env={"NODE_PATH": str(modules), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    found = json.loads(read.stdout)
    assert (found["locked"], found["owner"], found["medium"]) == (
        False,
        "desk@news.example",
        "podcast",
    )
    assert {i["title"]: i["author"] for i in found["items"]} == {"Harbour": "Ann Writer",
                                                                 "Weather": "The Newsroom"}  # fmt: skip


def test_players_send_beacons_only_where_the_service_is_set_up(tmp_path: Path) -> None:
    """A site on a static host (no service token, no CMS secret) has no endpoint to tell: its
    pages name none; set up, they name the service's; `service.beacons = false` names none."""
    from podcast.core.settings import ServiceSettings

    def pages(service: ServiceSettings) -> str:
        settings = Settings(site=tmp_path / "site", state=tmp_path / "state", service=service)
        with Store(settings.folders.store) as store:
            saved = store.save(episode())
            publish(store, settings, default_artwork(), full=True)
        return "".join((settings.site / name).read_text(encoding="utf-8")
                       for name in ("index.html", saved.page, saved.embed))  # fmt: skip

    assert "data-beacon" not in pages(ServiceSettings())
    assert 'data-beacon="http://127.0.0.1:8000/api/listen"' in pages(
        ServiceSettings(tokens=("t" * 16,))
    )
    assert "data-beacon" not in pages(ServiceSettings(tokens=("t" * 16,), beacons=False))
