"""Events out: what the newsroom's webhooks are told, signed, and the sender that delivers them.

Each event is a JSON body ``{"id", "event", "created", "episode": {…}}`` (or ``"job"`` for
``episode.failed``), kept in the outbox until delivered. A body is signed as Stripe and
Standard Webhooks do: ``X-Audio-Edition-Signature: t=UNIX,v1=HEX``, HEX being the HMAC-SHA256,
keyed with the webhook's secret, of ``UNIX.BODY``; a receiver recomputes it and compares in
constant time, and refuses an old ``t``. The sender runs on a thread of its own: an endpoint
that is down or slow never slows a build.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any

from podcast.core.episode import Episode
from podcast.core.outbox import Outbox
from podcast.core.queue import Job
from podcast.core.settings import Settings
from podcast.core.store import Store

_LOGGER = logging.getLogger(__name__)

#: The header that carries the signature.
SIGNATURE_HEADER = "X-Audio-Edition-Signature"
#: Seconds one delivery may take.
DELIVERY_TIMEOUT = 10.0


def signature(secret: str, body: bytes, when: int) -> str:
    """The header value for ``body`` sent at ``when`` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{when}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={when},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: float, tolerance: float = 300) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of ``now``
    (what a receiver does; the tests use it)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        when = int(parts.get("t", ""))
    except ValueError:
        return False
    expected = signature(secret, body, when).split("v1=", 1)[1]
    return abs(now - when) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


def episode_view(episode: Episode, settings: Settings) -> dict[str, Any]:
    """What the API and the events say of an episode."""
    from podcast.publish.feed import site_url
    from podcast.publish.pages import embed_snippet

    return {
        "guid": episode.guid,
        "title": episode.title,
        "article": episode.url,
        "published": episode.published.isoformat(),
        "duration": round(episode.duration, 3),
        "audio": site_url(settings, episode.audio),
        "page": site_url(settings, episode.page),
        "transcript": site_url(settings, episode.transcript),
        "chapters": site_url(settings, episode.chapters),
        "embed": embed_snippet(episode, settings),
    }


def announce(
    outbox: Outbox, settings: Settings, event: str, subject: dict[str, Any], field: str
) -> int:
    """Put ``event`` about ``subject`` (an episode's view, or a job's) into the outbox for
    every webhook that wants it; returns how many."""
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "event": event,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            field: subject,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    wanted = [hook for hook in settings.webhooks if event in hook.events]
    for hook in wanted:
        outbox.add(hook.url, event, body)
    return len(wanted)


def failed_view(job: Job, reason: str) -> dict[str, Any]:
    """What ``episode.failed`` says: the job, its article and why."""
    return {**job.to_dict(), "reason": reason, "title": job.payload.get("title", ""),
            "article": job.payload.get("url", "")}  # fmt: skip


class Sender(threading.Thread):
    """Delivers what the outbox holds, as it comes due, until :attr:`stop` is set."""

    def __init__(self, settings: Settings, tally: Any, stop: threading.Event) -> None:
        super().__init__(name="webhooks", daemon=True)
        self.settings = settings
        self.tally = tally
        self.stop = stop
        self.wake = threading.Event()

    def run(self) -> None:
        secrets = {hook.url: hook.secret for hook in self.settings.webhooks}
        service = self.settings.service
        with Store(self.settings.folders.store) as store:
            outbox = Outbox(store)
            while not self.stop.is_set():
                for event in outbox.due():
                    if self.stop.is_set():
                        break
                    error = self._deliver(event.url, event.event, event.id, event.body,
                                          secrets.get(event.url))  # fmt: skip
                    if error is None:
                        outbox.delivered(event)
                        self.tally.count("deliveries", "delivered")
                        continue
                    gave_up = outbox.failed(event, error, service.webhook_retry_after,
                                            service.webhook_attempts)  # fmt: skip
                    self.tally.count("deliveries", "given-up" if gave_up else "failed")
                    _LOGGER.warning("webhook %s: %s", event.url, error)
                due = outbox.next_due()
                wait = 1.0 if due is None else (due - datetime.now(UTC)).total_seconds()
                self.wake.wait(min(max(wait, 0.05), 1.0))
                self.wake.clear()

    def _deliver(
        self, url: str, event: str, number: int, body: str, secret: str | None
    ) -> str | None:
        """POST one event; None when the endpoint took it (2xx), else why not."""
        if secret is None:
            return "the webhook is no longer in the settings"
        data = body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "audio-edition",
            "X-Audio-Edition-Event": event,
            "X-Audio-Edition-Delivery": str(number),
        }
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, data, int(time.time()))
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT) as response:
                response.read(1024)
                return None if 200 <= response.status < 300 else f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            return f"HTTP {error.code}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            return str(getattr(error, "reason", error))
