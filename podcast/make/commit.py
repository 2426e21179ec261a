"""Publishing one render: its files into the site beside the old ones, the episode into the store.

The feeds still name the old files until the next :func:`~podcast.publish.site.publish`, which
removes them; a crash in between leaves every published file valid.
"""

from __future__ import annotations

import json
import shutil

from audio.atomic import copy_file
from audio.tags import mp3_layout
from podcast.core.episode import Episode, guid_for
from podcast.core.errors import PublishError
from podcast.core.faults import fault_point
from podcast.core.settings import Settings
from podcast.core.store import Store
from podcast.make.render import WORK_NAMES, Rendered
from podcast.publish.feed import truncate_bytes
from podcast.read.model import Article


def _summary(article: Article) -> str:
    if article.summary:
        return truncate_bytes(article.summary)
    first = next((b.text for b in article.blocks if b.kind == "paragraph"), "")
    return truncate_bytes(first)


def commit(rendered: Rendered, store: Store, settings: Settings) -> Episode:
    """Put a render's files into the site beside the old ones and record the episode.

    The feeds still name the old files until the next :func:`publish`, which
    removes them; a crash in between leaves every published file valid.
    """
    article = rendered.plan.article
    try:
        try:
            store.record_files(rendered.files.values(), key=article.key)
            for role, name in rendered.files.items():
                copy_file(rendered.work / WORK_NAMES[role], settings.site / name)
        except OSError as error:
            raise PublishError(
                f"cannot write to the site {settings.site}: {error.strerror or error}"
            ) from None
        fault_point("commit")
        existing = store.get(article.key)
        layout = mp3_layout(settings.site / rendered.files["audio"])
        return store.save(
            Episode(
                key=article.key,
                guid=existing.guid if existing else guid_for(article.key),
                slug=article.slug,
                title=article.title,
                published=rendered.published,
                audio=rendered.files["audio"],
                audio_bytes=(settings.site / rendered.files["audio"]).stat().st_size,
                bitrate=layout.bitrate,
                audio_start=layout.audio_start,
                duration=layout.seconds,
                transcript=rendered.files["transcript"],
                chapters=rendered.files["chapters"],
                voice=rendered.plan.voice.name,
                fingerprint=rendered.plan.fingerprint,
                author=article.author,
                summary=_summary(article),
                url=article.url,
                categories=article.categories,
                srt=rendered.files["srt"],
                image=rendered.files.get("image", ""),
                series=article.series,
                cues=rendered.cues,
                marks=rendered.marks,
                sentence_keys=rendered.sentence_keys,
                piece_keys=rendered.loudness.cache_keys,
                gain=rendered.loudness.gain,
                input_lufs=rendered.loudness.input_lufs,
                review=json.dumps(rendered.review.to_dict(), ensure_ascii=False),
            )
        )
    finally:
        shutil.rmtree(rendered.work, ignore_errors=True)
