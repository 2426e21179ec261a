"""``/metrics`` in Prometheus' text format, through ``prometheus-client``: read at each scrape
from what the service counted (:class:`~podcast.app.service.Tally`) and its queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from podcast.app.service import BUILD_BUCKETS, Edition


class _Collector:
    def __init__(self, edition: Edition) -> None:
        self.edition = edition

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            HistogramMetricFamily,
        )

        tally = self.edition.tally
        yield GaugeMetricFamily(
            "audio_edition_queue_depth", "Jobs queued or being made.", value=self.edition.depth()
        )
        families = {
            "jobs": ("audio_edition_jobs", "Jobs ended, by outcome."),
            "deliveries": ("audio_edition_webhook_deliveries", "Webhook deliveries, by outcome."),
            "polls": ("audio_edition_watch_polls", "Polls of watched feeds, by outcome."),
            "beacons": ("audio_edition_beacons", "Players' beacons kept: a play, or progress."),
        }
        with tally.lock:
            counts = dict(tally.counts)
            buckets = list(tally.build_buckets)
            build_sum, audio = tally.build_sum, tally.audio_seconds
        for what, (name, text) in families.items():
            family = CounterMetricFamily(name, text, labels=["outcome"])
            for (kind, outcome), value in sorted(counts.items()):
                if kind == what:
                    family.add_metric([outcome], value)
            yield family
        cumulative, running = [], 0
        for bound, count in zip((*map(str, BUILD_BUCKETS), "+Inf"), buckets, strict=True):
            running += count
            cumulative.append((bound, running))
        yield HistogramMetricFamily(
            "audio_edition_build_seconds", "Seconds to make an episode (not counting unchanged).",
            buckets=cumulative, sum_value=build_sum,
        )  # fmt: skip
        yield CounterMetricFamily(
            "audio_edition_audio_seconds", "Seconds of audio made.", value=audio
        )


def exposition(edition: Edition) -> tuple[bytes, str]:
    """The metrics page and its Content-Type."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(edition))
    return generate_latest(registry), CONTENT_TYPE_LATEST
