"""The one lifecycle every use case that changes the site runs, in one order.

lock → store → signals → the work → publish → backup:

1. the working folder's lock (a second run waits or is refused, before the store is touched);
2. the episode store, opened (and migrated) under the lock;
3. SIGTERM made to stop the work as Ctrl-C does (:class:`Terminated`);
4. the use case's work, which counts the episodes it commits (:meth:`Session.made_one`);
5. publishing: when the work ends, if it made anything or the store holds what the site does not
   show yet; when it fails or is stopped, only if it made something (what was made before the
   failure is published, and otherwise the site is left as it was);
6. the store's backup, when the work ended well.

A stop (Ctrl-C, SIGTERM) leaves as :class:`Stopped`, which says what was published before it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from podcast.core.lock import work_lock
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.artwork import Artwork


class Terminated(KeyboardInterrupt):
    """SIGTERM: stopped as Ctrl-C stops, with exit status 143."""


class Stopped(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM once what it had made was published."""

    def __init__(self, cause: BaseException, published: int) -> None:
        super().__init__(cause)
        self.by = "SIGTERM" if isinstance(cause, Terminated) else "Ctrl-C"
        """What stopped it."""
        self.published = published
        """Episodes made and published before the stop."""

    @property
    def status(self) -> int:
        """130 for Ctrl-C, 143 for SIGTERM: 128 and the signal's number, as shells say them."""
        return stop_status(self)


def stop_status(error: BaseException) -> int:
    """The exit status of a stop: 143 for SIGTERM, 130 for anything else (Ctrl-C)."""
    if isinstance(error, Stopped):
        return 143 if error.by == "SIGTERM" else 130
    return 143 if isinstance(error, Terminated) else 130


@contextmanager
def stoppable() -> Iterator[None]:
    """Make SIGTERM stop the work the way Ctrl-C does (workers shut down, what was built
    published, the truth told), instead of killing it mid-step."""

    def on_term(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Session:
    """What a use case works with inside the lifecycle."""

    settings: Settings
    store: Store
    made: int = 0
    """Episodes committed by the work."""
    unpublished: int = 0
    """Of those, the ones no feed shows yet: published on the way out, whatever happens."""
    backup: bool = True
    """Back the store up when the work ends well (a dry run has nothing to keep)."""
    _artwork: Artwork | None = field(default=None, repr=False)

    @property
    def artwork(self) -> Artwork:
        """The show's artwork, read once."""
        if self._artwork is None:
            from podcast.publish.site import show_artwork

            self._artwork = show_artwork(self.settings)
        return self._artwork

    def made_one(self) -> None:
        """Count an episode committed to the store."""
        self.made += 1
        self.unpublished += 1

    def publish(self) -> None:
        """Write the feeds and the pages from the store."""
        from podcast.publish.site import publish

        publish(self.store, self.settings, self.artwork)
        self.unpublished = 0


@contextmanager
def session(settings: Settings, *, wait: bool = False, publish: bool = True) -> Iterator[Session]:
    """The lifecycle around a use case's work (see the module's docstring). ``wait`` waits for
    another run's lock; without ``publish`` the site is not written (prune and adopt write it
    themselves, or never)."""
    from podcast.publish.site import needs_publish

    with work_lock(settings.state, wait=wait), Store(settings.folders.store) as store, stoppable():
        here = Session(settings, store)
        try:
            yield here
        except KeyboardInterrupt as stop:
            if publish and here.unpublished:
                here.publish()
            if isinstance(stop, Stopped):
                raise
            raise Stopped(stop, here.made) from None
        except BaseException:
            if publish and here.unpublished:
                here.publish()
            raise
        if publish and (here.unpublished or needs_publish(store, settings)):
            here.publish()
        if here.backup:
            store.backup()
