"""The plan of an episode: what building an article means, decided before any audio is made.

:func:`plan` is cheap: the script and the voice (:func:`~podcast.speech.planning.plan_script`)
and a fingerprint of everything that decides the episode's files. An unchanged fingerprint,
with its audio published, means nothing to rebuild (:func:`is_current`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from podcast.core.episode import Episode
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.publish.artwork import Artwork
from podcast.read.model import Article
from podcast.speech.planning import plan_script
from podcast.speech.voicing import synthesis_settings
from voices.catalogue import VoiceInfo
from voices.script import Script
from voices.synth import voice_identity


@dataclass(frozen=True)
class Plan:
    """What building an article means, decided before any audio is made."""

    article: Article
    language: str
    voice: VoiceInfo
    script: Script
    fingerprint: str
    """Checksum of everything that decides the episode's files."""
    quoted: tuple[tuple[str, float], ...] = ()
    """Audio it quotes from published episodes (a briefing, its stories' openings): the
    checksum of each MP3 piece's samples and the gain its episode mastered it at."""


def plan(
    article: Article,
    settings: Settings,
    artwork: Artwork,
    quoted: tuple[tuple[str, float], ...] = (),
) -> Plan:
    """The script, voice and fingerprint for ``article`` (no audio is made); ``quoted`` as
    :attr:`Plan.quoted`."""
    planned = plan_script(article, settings)
    language, voice, script = planned.language, planned.voice, planned.script
    payload = {
        "script": script.to_dict(),
        "voice": voice_identity(voice),
        "synthesis": synthesis_settings(settings).key(),
        "audio": asdict(settings.audio),
        "show": [settings.show.title, settings.show.disclosure],
        "article": [
            article.title,
            article.author,
            article.url,
            str(article.published),
            article.series,
            article.links,
        ],  # fmt: skip
        "artwork": hashlib.sha256(artwork.data).hexdigest(),
        "image": _file_digest(article.image_file),
        "quoted": quoted,
    }
    fingerprint = hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode()
    ).hexdigest()
    return Plan(article, language, voice, script, fingerprint, quoted)


def _file_digest(path: str) -> str:
    """SHA-256 of a file (empty for none, or one that cannot be read: the build says why)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""
    except OSError:
        return ""


def is_current(plan_: Plan, store: Store, settings: Settings) -> Episode | None:
    """The stored episode when it was built from exactly this plan and its audio is published."""
    existing = store.get(plan_.article.key)
    if (
        existing
        and existing.fingerprint == plan_.fingerprint
        and (settings.site / existing.audio).is_file()
    ):
        return existing
    return None
