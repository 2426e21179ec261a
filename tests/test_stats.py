"""Downloads as the IAB guidelines v2.2 count them: one hand-made log for each rule, with the
answer worked out by hand; the OPAWG list naming every one of its own examples; the report's
four formats; and the command's errors."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from podcast.core.listens import Curve, Listens
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.accesslog import AccessLog, combined_line, network
from podcast.stats.agents import agents
from podcast.stats.count import by_path, count, minute_bytes
from podcast.stats.logs import Lines, Request, parse_line
from podcast.stats.report import make_report, render
from tests.helpers import episode, run_cli

AGENTS = Path(__file__).parent / "data" / "agents"
APP = "Podcasts/1650.20 CFNetwork/1410.0.3 Darwin/22.6.0"
OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# 64 kbit/s is 8,000 bytes a second: a minute is 480,000 bytes after a 1,000-byte tag.
EP = episode("https://news.example/one", audio="episodes/one-1.mp3", audio_bytes=2_401_000,
             duration=300.0, bitrate=64_000, audio_start=1_000)  # fmt: skip
NEED = 481_000
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def line(client: str, when: datetime, sent: int, *, status: int = 206, method: str = "GET",
         agent: str = APP, served: str = "-", path: str = "/episodes/one-1.mp3") -> str:  # fmt: skip
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return (f'{client} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {sent} "-" "{agent}" '
            f'"{served}"')  # fmt: skip


def counted(lines: list[str], **period: datetime):
    requests = [r for r in map(parse_line, lines) if r is not None]
    return count(requests, by_path([EP]), agents(), **period)


def test_a_minute_is_the_tag_and_sixty_seconds_at_the_bitrate() -> None:
    assert minute_bytes(EP) == NEED
    short = episode(audio_bytes=200_000, duration=20.0, bitrate=64_000, audio_start=1_000)
    assert minute_bytes(short) == 200_000  # shorter than a minute: the whole file
    unknown = episode(audio_bytes=2_401_000, duration=300.0)  # stored before bitrates were
    assert minute_bytes(unknown) == (2_401_000 * 8 // 300) * 60 // 8


def test_a_download_split_over_several_ranges_counts_once() -> None:
    """Three ranges placed by Content-Range: 0-199,999, 200,000-399,999, 400,000-599,999 are
    600,000 bytes, past 481,000: one download, not three."""
    lines = [line("192.0.2.1", T0 + timedelta(seconds=i * 30), 200_000,
                  served=f"bytes {i * 200_000}-{i * 200_000 + 199_999}/2401000") for i in range(3)]  # fmt: skip
    found = counted(lines)
    assert len(found.downloads) == 1 and found.downloads[0].when == T0


def test_overlapping_ranges_are_joined_not_added() -> None:
    """0-299,999 twice and 250,000-449,999: 450,000 bytes of the file, under 481,000 (added
    up they would be 800,000)."""
    lines = [
        line("192.0.2.1", T0, 300_000, served="bytes 0-299999/2401000"),
        line("192.0.2.1", T0 + timedelta(seconds=5), 300_000, served="bytes 0-299999/2401000"),
        line("192.0.2.1", T0 + timedelta(seconds=9), 200_000, served="bytes 250000-449999/2401000"),
    ]
    found = counted(lines)
    assert found.downloads == [] and found.left_out["under a minute"] == 3


def test_ranges_a_log_does_not_place_are_added_by_size() -> None:
    """nginx's plain combined log gives sizes only: 250,000 + 250,000 = 500,000, one download."""
    lines = [line("192.0.2.1", T0, 250_000), line("192.0.2.1", T0 + timedelta(minutes=1), 250_000)]
    assert len(counted(lines).downloads) == 1


def test_a_second_download_within_24_hours_counts_once() -> None:
    """Whole-file GETs at 10:00 and 20:00 are one download; the next day at 11:00, 25 hours
    after the first, is a second."""
    whole = dict(status=200)
    lines = [line("192.0.2.1", T0, 2_401_000, **whole),
             line("192.0.2.1", T0 + timedelta(hours=10), 2_401_000, **whole),
             line("192.0.2.1", T0 + timedelta(hours=25), 2_401_000, **whole)]  # fmt: skip
    found = counted(lines)
    assert [d.when for d in found.downloads] == [T0, T0 + timedelta(hours=25)]
    assert len({d.listener for d in found.downloads}) == 1


def test_under_one_minute_of_bytes_is_not_counted() -> None:
    found = counted([line("192.0.2.1", T0, NEED - 1, status=200)])
    assert found.downloads == [] and found.left_out == {"under a minute": 1}
    assert len(counted([line("192.0.2.1", T0, NEED, status=200)]).downloads) == 1


def test_a_bot_a_head_a_preload_or_an_error_is_not_counted() -> None:
    lines = [
        line("192.0.2.1", T0, 2_401_000, status=200, agent=BOT),
        line("192.0.2.2", T0, 0, status=200, method="HEAD"),
        line("192.0.2.3", T0, 2, served="bytes 0-1/2401000"),  # the player asks the size
        line("192.0.2.4", T0, 0, status=304),
        line("192.0.2.5", T0, 150, status=416),
    ]
    found = counted(lines)
    assert found.downloads == []
    assert found.left_out == {"bot": 1, "not GET": 1, "preload": 1, "status": 2}


def test_ipv6_addresses_in_one_64_are_one_listener() -> None:
    """Two addresses of 2001:db8:1:2::/64 (one home, its privacy addresses changing) on the
    same app are one listener and one download; 2001:db8:1:3::1 is another."""
    whole = dict(status=200, sent=2_401_000)
    lines = [line("2001:db8:1:2::1", T0, **whole),
             line("2001:db8:1:2:ffff:1:2:3", T0 + timedelta(hours=1), **whole),
             line("2001:db8:1:3::1", T0 + timedelta(hours=2), **whole)]  # fmt: skip
    found = counted(lines)
    assert len(found.downloads) == 2 and len({d.listener for d in found.downloads}) == 2
    assert network("2001:db8:1:2:ffff:1:2:3") == "2001:db8:1:2::/64"
    assert network("::ffff:192.0.2.7") == "192.0.2.7"


def test_the_same_address_with_two_apps_is_two_listeners() -> None:
    whole = dict(status=200, sent=2_401_000)
    found = counted(
        [line("192.0.2.1", T0, **whole), line("192.0.2.1", T0, agent=OVERCAST, **whole)]
    )
    assert sorted(d.app for d in found.downloads) == ["Apple Podcasts", "Overcast"]


def test_gzip_rotated_logs_are_read_and_garbage_is_skipped(tmp_path: Path) -> None:
    rotated = tmp_path / "access.log.2.gz"
    with gzip.open(rotated, "wt", encoding="utf-8") as handle:
        handle.write(line("192.0.2.1", T0, 2_401_000, status=200) + "\n")
    plain = tmp_path / "access.log"
    plain.write_text("\n".join([
        "this is not a log line",
        '192.0.2.9 - - [99/Foo/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 5 "-" "-"',
        "\x00\x01 binary",
        line("192.0.2.2", T0, 2_401_000, status=200),
    ]) + "\n", encoding="utf-8")  # fmt: skip
    lines = Lines((rotated, plain))
    found = count(lines, by_path([EP]), agents())
    assert len(found.downloads) == 2
    assert (lines.read, lines.skipped) == (5, 3)


def test_caddy_json_logs_place_their_ranges() -> None:
    """Caddy logs the Range asked for and the size sent; two halves of a minute overlap."""

    def caddy(seconds: int, asked: str, size: int, status: int = 206) -> str:
        return json.dumps({
            "level": "info", "ts": (T0 + timedelta(seconds=seconds)).timestamp(),
            "logger": "http.log.access.log0", "msg": "handled request",
            "request": {"remote_ip": "198.51.100.4", "client_ip": "198.51.100.4",
                        "proto": "HTTP/2.0", "method": "GET", "host": "news.example",
                        "uri": "/episodes/one-1.mp3?from=feed",
                        "headers": {"User-Agent": [APP], "Range": [asked]}},
            "bytes_read": 0, "duration": 0.01, "size": size, "status": status,
            "resp_headers": {"Content-Type": ["audio/mpeg"]},
        })  # fmt: skip

    first = parse_line(caddy(0, "bytes=0-299999", 300_000))
    assert first is not None and first.range == (0, 299_999) and first.path == "/episodes/one-1.mp3"
    overlapping = [caddy(0, "bytes=0-299999", 300_000), caddy(3, "bytes=100000-399999", 300_000)]
    assert counted(overlapping).downloads == []  # 400,000 bytes of the file, not 600,000
    reaching = [*overlapping, caddy(6, "bytes=400000-", 100_000)]
    assert len(counted(reaching).downloads) == 1


def test_the_period_bounds_the_count() -> None:
    whole = dict(status=200, sent=2_401_000)
    lines = [line("192.0.2.1", T0, **whole), line("192.0.2.2", T0 + timedelta(days=2), **whole)]
    found = counted(lines, since=T0 + timedelta(days=1), until=T0 + timedelta(days=3))
    assert len(found.downloads) == 1 and found.left_out == {"outside the period": 1}


def test_an_earlier_builds_mp3_is_the_same_episodes() -> None:
    """A rebuild renames the MP3 (its hash changes); downloads of the old name before it are
    the episode's. Another slug's MP3 is not."""
    rebuilt = episode("https://news.example/one", slug="one", audio="episodes/one-0123456789ab.mp3",
                      audio_bytes=2_401_000, duration=300.0, bitrate=64_000, audio_start=1_000)  # fmt: skip
    requests = [parse_line(line("192.0.2.1", T0, 2_401_000, status=200, path=p))
                for p in ("/episodes/one-ba9876543210.mp3", "/episodes/two-ba9876543210.mp3")]  # fmt: skip
    found = count([r for r in requests if r], by_path([rebuilt]), agents())
    assert [d.guid for d in found.downloads] == [rebuilt.guid]


def test_a_site_under_a_prefix_is_matched_by_file_name() -> None:
    found = counted(
        [line("192.0.2.1", T0, 2_401_000, status=200, path="/podcast/episodes/one-1.mp3")]
    )
    assert len(found.downloads) == 1


@pytest.mark.parametrize("kind", ["apps", "bots", "libraries", "browsers", "devices"])
def test_every_opawg_example_is_named_as_the_list_names_it(kind: str) -> None:
    entries = json.loads((AGENTS / f"{kind}.examples.json").read_text(encoding="utf-8"))["entries"]
    examples = [(entry["name"], example) for entry in entries for example in entry["examples"]]
    assert len(examples) > 30
    wrong = []
    for name, example in examples:
        agent = agents().of(example)
        named = agent.device if kind == "devices" else agent.name
        if named != name:
            wrong.append((example, name, named))
    assert not wrong, wrong[:5]
    if kind == "bots":
        assert all(agents().of(example).is_bot for _, example in examples)


def test_a_browser_on_a_web_player_is_named_by_its_referrer() -> None:
    entries = json.loads((AGENTS / "referrers.examples.json").read_text(encoding="utf-8"))[
        "entries"
    ]
    browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    wrong = [(entry["name"], example) for entry in entries for example in entry["examples"]
             if agents().of(browser, example).name != entry["name"]]  # fmt: skip
    assert not wrong, wrong[:5]


def test_our_own_log_line_reads_back() -> None:
    request = Request(T0, "k3f2a", "GET", "/episodes/one-1.mp3", 206, 1000, 'App "x"/1', "",
                      (5000, 5999))  # fmt: skip
    written = combined_line(T0, "k3f2a", "GET", "/episodes/one-1.mp3", 206, 1000, "",
                            'App "x"/1', (5000, 5999))  # fmt: skip
    assert parse_line(written) == request


def test_our_access_log_keeps_no_address(tmp_path: Path) -> None:
    """A keyed hash in the address's place: the same for one /64, another for the next, the
    same after a restart (the key is kept, readable by its owner alone)."""
    log = AccessLog(tmp_path / "logs" / "access.log", tmp_path / "logs" / "key")
    log.write("2001:db8:1:2::1", "GET", "/episodes/one-1.mp3", 200, 2_401_000, "", APP)
    log.write("2001:db8:1:2::99", "GET", "/episodes/one-1.mp3", 200, 2_401_000, "", APP)
    log.write("192.0.2.1", "GET", "/episodes/one-1.mp3", 206, 100, "", APP, (0, 99))
    log.close()
    again = AccessLog(tmp_path / "logs" / "access.log", tmp_path / "logs" / "key")
    assert again.pseudonym("2001:db8:1:2::5") == log.pseudonym("2001:db8:1:2::1")
    again.close()
    text = (tmp_path / "logs" / "access.log").read_text(encoding="utf-8")
    assert "2001:db8" not in text and "192.0.2" not in text
    clients = [parse_line(row).client for row in text.splitlines()]  # type: ignore[union-attr]
    assert clients[0] == clients[1] != clients[2] and clients[0].startswith("k")
    assert (tmp_path / "logs" / "key").stat().st_mode & 0o777 == 0o600


def _report_settings(tmp_path: Path) -> Settings:
    settings = Settings(site=tmp_path / "site", state=tmp_path / ".audio-edition")
    with Store(settings.folders.store) as store:
        store.save(EP)
        listens = Listens(store)
        for reached, plays in ((0, 4), (10, 4), (20, 3), (30, 3), (40, 2), (50, 2), (60, 1)):
            for _ in range(plays):
                listens.record(EP.guid, reached, T0)
    return settings


def test_the_listening_curve_and_its_median() -> None:
    curve = Curve("g", 4, (4, 3, 3, 2, 2, 1, 0, 0, 0, 0))
    assert curve.shares[:3] == (1.0, 0.75, 0.75)
    assert curve.median_share == 50  # two of four plays reached 50 %, one 60 %
    assert Curve("g", 0, (0,) * 10).median_share is None
    with pytest.raises(ValueError):
        Listens.record(None, "g", 15)  # type: ignore[arg-type]


def test_the_report_in_each_format_names_no_address(tmp_path: Path) -> None:
    settings = _report_settings(tmp_path)
    log = tmp_path / "access.log"
    log.write_text("\n".join([
        line("192.0.2.1", T0, 2_401_000, status=200),
        line("2001:db8::7", T0 + timedelta(hours=30), 2_401_000, status=200, agent=OVERCAST),
        line("192.0.2.8", T0, 2_401_000, status=200, agent=BOT),
    ]) + "\n", encoding="utf-8")  # fmt: skip
    from podcast.app.listening import stats

    report = stats(settings, [log])
    assert (report.downloads, report.listeners) == (2, 2)
    assert [(r.name, r.downloads) for r in report.days] == [("2026-12-01", 1), ("2026-12-02", 1)]
    assert {r.name for r in report.apps} == {"Apple Podcasts", "Overcast"}
    assert report.episodes[0].plays == 4 and report.episodes[0].median_share == 50
    assert report.left_out == {"bot": 1}
    for form in ("text", "json", "csv", "html"):
        shown = render(report, form)
        assert "192.0.2" not in shown and "2001:db8" not in shown
    html = render(report, "html")
    assert html.count("<svg") == 3 and "<script" not in html and "<table>" in html
    rows = json.loads(render(report, "json"))
    assert rows["episodes"][0]["curve"][:2] == [1.0, 0.75]
    csv_lines = render(report, "csv").splitlines()
    assert csv_lines[0].startswith("table,name,guid,downloads,listeners")
    assert csv_lines[1].startswith("episode,A,")


def test_the_command_prints_the_report_and_refuses_in_one_line(tmp_path: Path) -> None:
    _report_settings(tmp_path)
    log = tmp_path / "access.log.gz"
    with gzip.open(log, "wt", encoding="utf-8") as handle:
        handle.write(line("192.0.2.1", T0, 2_401_000, status=200) + "\n")
    shown = run_cli("stats", str(log), "--format", "json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["downloads"] == 1
    html = tmp_path / "report.html"
    made = run_cli("stats", str(log), "--since", "2026-12-01", "--until", "2026-12-02",
                   "--format", "html", "-o", str(html), cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0 and "<svg" in html.read_text(encoding="utf-8")
    for args, said in (
        (["stats", str(tmp_path / "missing.log")], "no log at"),
        (["stats", str(log), "--since", "yesterday"], "--since"),
        (["stats", str(log), "--since", "2026-12-02", "--until", "2026-12-01"], "before --until"),
        (["stats", str(log), "--episode", "nope"], "no episode is 'nope'"),
    ):
        failed = run_cli(*args, cwd=tmp_path)
        assert failed.returncode == 1 and said in failed.stderr, failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_cli("stats", cwd=empty)
    assert nothing.returncode == 1 and "no access log" in nothing.stderr


def test_the_readmes_example_log_gives_the_readmes_figures(tmp_path: Path) -> None:
    """examples/access.log.gz over the sample's episode (its MP3 as `make run` makes it: 76 s
    at 64 kbit/s after a 19,607-byte tag), as the README says it."""
    from tests.helpers import ROOT

    sample = episode("https://news.example/riverside", slug="riverside-council-approves-4-2-million-flood-barrier",
                     audio="episodes/riverside-council-approves-4-2-million-flood-barrier-33b8d208ea02.mp3",
                     audio_bytes=631_495, duration=76.46, bitrate=64_000, audio_start=19_607)  # fmt: skip
    lines = Lines((ROOT / "examples" / "access.log.gz",))
    found = count(lines, by_path([sample]), agents())
    report = make_report(found, [sample], {}, None, None, lines.read, lines.skipped)
    said = (f"{report.lines} lines, of which {report.downloads} downloads by {report.listeners} "
            f"listeners count; left out are {found.left_out['bot']} bot requests, "
            f"{found.left_out['not GET']} `HEAD`s, {found.left_out['preload']} pre-load requests, "
            f"{found.left_out['under a minute']} requests of listeners who stopped before a minute, "
            f"and {report.skipped_lines} lines that are no log line")  # fmt: skip
    assert said in (ROOT / "README.md").read_text(encoding="utf-8")
