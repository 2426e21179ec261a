"""The service's durable tables: the job queue, the webhooks' outbox, the watch state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from podcast.core.outbox import Outbox
from podcast.core.queue import JobQueue
from podcast.core.store import Store
from podcast.core.watchstate import WatchState


def test_jobs_run_in_order_and_a_queued_article_sent_again_is_replaced(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        queue = JobQueue(store)
        first, replaced = queue.add("build", "k1", {"title": "One", "body": "v1"}, "api")
        second, _ = queue.add("build", "k2", {"title": "Two"}, "api")
        again, replaced = queue.add("build", "k1", {"title": "One", "body": "v2"}, "ghost")
        assert replaced and again.id == first.id and again.payload["body"] == "v2"
        assert queue.depth() == 2
        claimed = queue.claim()
        assert claimed is not None and claimed.id == first.id and claimed.status == "building"
        newer, replaced = queue.add("build", "k1", {"title": "One", "body": "v3"}, "api")
        assert not replaced and newer.id > second.id  # a job being made is never changed
        nxt = queue.claim()
        assert nxt is not None and nxt.id == second.id


def test_a_killed_service_leaves_nothing_building_and_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        queue = JobQueue(store)
        for n in range(3):
            queue.add("build", f"k{n}", {"title": str(n)}, "api")
        assert queue.claim() is not None  # killed while making it
    with Store(path) as store:  # the next start
        queue = JobQueue(store)
        assert queue.recover() == 1
        assert [queue.claim().id for _ in range(3)] == [1, 2, 3]  # type: ignore[union-attr]


def test_a_retried_job_waits_and_the_next_ones_run(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        queue = JobQueue(store)
        queue.add("build", "k1", {}, "api")
        queue.add("build", "k2", {}, "api")
        job = queue.claim()
        assert job is not None
        queue.retry(job, "disk full", after=60)
        nxt = queue.claim()
        assert nxt is not None and nxt.key == "k2"
        assert queue.claim() is None
        later = queue.claim(datetime.now(UTC) + timedelta(seconds=61))
        assert later is not None and later.key == "k1" and later.attempts == 2


def test_a_published_article_keeps_its_newest_content_for_a_rebuild(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        queue = JobQueue(store)
        for version in ("v1", "v2"):
            queue.add("build", "k", {"body": version}, "api")
            job = queue.claim()
            assert job is not None
            queue.finish(job, "published", guid="g")
        assert queue.latest_article("k") == {"body": "v2"}
        rows = store.db.execute("SELECT count(*) FROM jobs WHERE key = 'k'").fetchone()[0]
        assert rows == 1  # older finished jobs of the article are not kept


def test_an_event_is_sent_again_later_and_given_up_at_last(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        outbox = Outbox(store)
        outbox.add("http://cms.example/hook", "episode.published", "{}")
        (event,) = outbox.due()
        assert not outbox.failed(event, "connection refused", base=0.05, attempts=3)
        assert outbox.due() == []  # waits
        (event,) = outbox.due(now=datetime.now(UTC) + timedelta(seconds=1))
        assert event.attempts == 1
        assert outbox.failed(event, "HTTP 500", base=0.05, attempts=2)  # the second of two
        assert outbox.due(now=datetime.now(UTC) + timedelta(days=1)) == []
        assert outbox.pending() == 0


def test_a_feed_that_fails_waits_twice_as_long_each_time(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        state = WatchState(store)
        feed = state.feed("http://x.example/feed.xml")
        assert state.failed(feed, 10, "timed out") == 20
        assert state.failed(state.feed(feed.url), 10, "timed out") == 40
        state.polled(state.feed(feed.url), 10, etag='"a"', modified="")
        kept = state.feed(feed.url)
        assert (kept.failures, kept.etag, kept.last_error) == (0, '"a"', "")
        state.seen(feed.url, "item-1", "f1")
        assert state.fingerprints(feed.url) == {"item-1": "f1"}
