"""Use cases that keep the site: ``prune`` (retention) and ``adopt`` (a lost store's records).

Both run inside the one lifecycle (:func:`podcast.app.lifecycle.session`); neither makes audio.
"""

from __future__ import annotations

from podcast.app.lifecycle import session
from podcast.core.errors import PublishError
from podcast.core.settings import Settings
from podcast.publish.ownership import Adopted
from podcast.publish.prune import Pruned


class NoAge(PublishError):
    """Prune was not told how old an episode must be to go."""


def prune(
    settings: Settings, older_than: str | None = None, *, dry_run: bool = False, wait: bool = False
) -> Pruned:
    """Remove episodes first published here longer ago than ``older_than`` (default:
    ``batch.retention``), republish, and sweep the caches; ``dry_run`` changes nothing."""
    from podcast.core.config import parse_age
    from podcast.publish.prune import prune as prune_site

    age_text = older_than or settings.batch.retention
    if not age_text:
        raise NoAge("say how old: --older-than 90d, or batch.retention in the config")
    age = parse_age(age_text)
    with session(settings, wait=wait, publish=False) as here:
        here.backup = not dry_run
        return prune_site(here.store, settings, here.artwork, age, dry_run=dry_run)


class NoSite(PublishError):
    """There is no published site where the settings say."""


def adopt(settings: Settings, *, wait: bool = False) -> Adopted:
    """Record again every episode the site's feeds list and the store does not know."""
    from podcast.publish.ownership import adopt as adopt_site

    if not settings.site.is_dir():
        raise NoSite(f"no site at {settings.site}")
    with session(settings, wait=wait, publish=False) as here:
        return adopt_site(here.store, settings)
