"""Build one article into a published episode: script, speech, assembly, mastering, tags, feed."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from audio.assemble import Music, Part, Pauses, assemble
from audio.master import Loudness, MasterSettings, master
from audio.tags import Chapter, EpisodeTags, write_tags
from voices.cache import SentenceCache
from voices.catalogue import VoiceInfo, find_voice, list_voices
from voices.language import primary
from voices.script import Script
from voices.synth import SynthesisSettings, Synthesizer

from .articles import Article
from .artwork import Artwork
from .errors import ArticleError
from .feed import truncate_bytes
from .fsutil import publish_file
from .publish import EPISODES_DIR, publish, show_artwork
from .scripting import article_language, article_script
from .settings import Settings
from .store import Episode, Store, guid_for
from .transcripts import chapter_marks, chapters_json, subrip, transcript_cues, webvtt

_LOGGER = logging.getLogger(__name__)

#: Called after each sentence: (sentences done, sentences in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildResult:
    """What building one article did."""

    episode: Episode
    """The episode as stored and published."""
    audio_path: Path
    """The MP3 in the site."""
    skipped: bool
    """True when nothing had changed and nothing was rebuilt."""
    sentences: int = 0
    """Sentences in the script."""
    synthesized: int = 0
    """Sentences piper had to say (the rest came from the cache)."""
    loudness: Loudness | None = None
    """Measured loudness of the MP3 (None when skipped)."""
    seconds: float = 0.0
    """Wall time of the build."""


def pauses_from(settings: Settings) -> Pauses:
    """The pause lengths from the settings."""
    a = settings.audio
    return Pauses(
        sentence=a.sentence_pause,
        paragraph=a.paragraph_pause,
        heading=a.heading_pause,
        intro=a.intro_pause,
    )


def music_from(settings: Settings) -> Music | None:
    """The intro music from the settings (None when switched off)."""
    choice = settings.audio.intro_music.strip()
    if not choice:
        return None
    path = None if choice == "chime" else settings.resolve(choice)
    return Music(path=path, mode=settings.audio.intro_music_mode)


def master_from(settings: Settings) -> MasterSettings:
    """Loudness and encoding targets from the settings."""
    a = settings.audio
    return MasterSettings(
        target_lufs=a.loudness,
        max_true_peak=a.true_peak,
        bitrate_kbps=a.bitrate,
        sample_rate=a.sample_rate,
    )


def voice_for(settings: Settings, language: str, source: str = "article") -> VoiceInfo:
    """The configured voice if it speaks ``language``, else an installed voice that does.

    Raises :class:`ArticleError` when no installed voice speaks it, rather than
    reading the article with another language's rules.
    """
    configured = find_voice(settings.voice.name, settings.voices_folder)
    if primary(configured.language) == language:
        return configured
    installed = list_voices(settings.voices_folder)
    for voice in installed:
        if primary(voice.language) == language:
            _LOGGER.info("%s is in %s: reading it with %s", source, language, voice.name)
            return voice
    names = ", ".join(v.name for v in installed)
    raise ArticleError(
        f"{source} is in language {language!r}; no installed voice speaks it (installed: {names})"
    )


def _fingerprint(
    script: Script, article: Article, settings: Settings, synth: Synthesizer, artwork: Artwork
) -> str:
    payload = {
        "script": script.to_dict(),
        "voice": synth.cache_key(""),
        "audio": asdict(settings.audio),
        "show": [settings.show.title, settings.show.disclosure],
        "article": [article.title, article.author, article.url],
        "artwork": hashlib.sha256(artwork.data).hexdigest(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _parts(script: Script, synth: Synthesizer, progress: Progress | None) -> Iterator[Part]:
    total = sum(len(p.sentences) for p in script.paragraphs)
    done = 0
    for paragraph in script.paragraphs:
        for index, sentence in enumerate(paragraph.sentences):
            samples = synth.synthesize(sentence.spoken)
            done += 1
            if progress is not None:
                progress(done, total)
            yield Part(samples, paragraph.kind, index == len(paragraph.sentences) - 1)


def _summary(article: Article) -> str:
    if article.summary:
        return truncate_bytes(article.summary)
    first = next((b.text for b in article.blocks if b.kind == "paragraph"), "")
    return truncate_bytes(first)


def make_synthesizer(settings: Settings) -> Synthesizer:
    """The configured voice with the sentence cache (the model loads only when needed)."""
    return Synthesizer(
        find_voice(settings.voice.name, settings.voices_folder),
        SynthesisSettings(length_scale=settings.voice.length_scale),
        SentenceCache(settings.cache_folder),
    )


class Builder:
    """Builds articles into published episodes, sharing voices, cache and artwork across them."""

    def __init__(self, settings: Settings, store: Store, artwork: Artwork | None = None) -> None:
        self.settings = settings
        self.store = store
        self.artwork = artwork or show_artwork(settings)
        self.cache = SentenceCache(settings.cache_folder)
        self._synthesizers: dict[str, Synthesizer] = {}
        find_voice(settings.voice.name, settings.voices_folder)  # fail early on an unknown voice

    def synthesizer(self, voice: VoiceInfo) -> Synthesizer:
        """One synthesizer per voice; its model loads on the first uncached sentence."""
        if voice.name not in self._synthesizers:
            settings = SynthesisSettings(length_scale=self.settings.voice.length_scale)
            self._synthesizers[voice.name] = Synthesizer(voice, settings, self.cache)
        return self._synthesizers[voice.name]

    def build(
        self, article: Article, *, progress: Progress | None = None, force: bool = False
    ) -> BuildResult:
        """Turn ``article`` into a published episode; skip it when nothing has changed."""
        return build_article(self, article, progress=progress, force=force)


def build_article(
    builder: Builder,
    article: Article,
    *,
    progress: Progress | None = None,
    force: bool = False,
) -> BuildResult:
    """Turn ``article`` into a published episode; skip it when nothing has changed."""
    settings, store, artwork = builder.settings, builder.store, builder.artwork
    started = time.monotonic()
    language = article_language(article, settings)
    synth = builder.synthesizer(voice_for(settings, language, article.source or "article"))
    script = article_script(article, settings, language)
    fingerprint = _fingerprint(script, article, settings, synth, artwork)
    existing = store.get(article.key)
    if (
        not force
        and existing is not None
        and existing.fingerprint == fingerprint
        and (settings.site / existing.audio).is_file()
    ):
        _LOGGER.info("unchanged, skipped: %s", article.title)
        return BuildResult(existing, settings.site / existing.audio, skipped=True)

    synthesized_before = synth.cache.misses if synth.cache else 0
    work = Path(tempfile.mkdtemp(prefix="build-", dir=_work_root(settings)))
    try:
        wav = work / "episode.wav"
        timeline = assemble(
            _parts(script, synth, progress),
            wav,
            synth.sample_rate,
            pauses_from(settings),
            music_from(settings),
        )
        mp3 = work / "episode.mp3"
        loudness = master(wav, mp3, master_from(settings))
        marks = chapter_marks(script, timeline, article.title)
        published = article.published or (existing.published if existing else datetime.now(UTC))
        write_tags(
            mp3,
            EpisodeTags(
                title=article.title,
                artist=", ".join(
                    x for x in (article.author, f"read by {synth.voice.name} (AI voice)") if x
                ),
                album=settings.show.title,
                date=published,
                comment=settings.show.disclosure,
                url=article.url,
                cover=artwork.data,
                cover_mime=artwork.mime,
                chapters=tuple(Chapter(m.title, m.start, m.end) for m in marks),
            ),
        )
        digest = hashlib.sha256(mp3.read_bytes()).hexdigest()[:12]
        stem = f"{EPISODES_DIR}/{article.slug}-{digest}"
        cues = transcript_cues(script, timeline)
        files = {
            "audio": (f"{stem}.mp3", None),
            "transcript": (f"{stem}.vtt", webvtt(cues)),
            "srt": (f"{stem}.srt", subrip(cues)),
            "chapters": (f"{stem}.chapters.json", chapters_json(marks)),
        }
        # New files go in beside the old ones; the old ones go only after the feed moved on.
        for name, text in files.values():
            source = mp3
            if text is not None:
                source = work / Path(name).name
                source.write_text(text, encoding="utf-8")
            publish_file(source, settings.site / name)
        names = {key: name for key, (name, _) in files.items()}
        episode = store.save(
            Episode(
                key=article.key,
                guid=existing.guid if existing else guid_for(article.key),
                slug=article.slug,
                title=article.title,
                published=published,
                audio=names["audio"],
                audio_bytes=(settings.site / names["audio"]).stat().st_size,
                duration=mp3_seconds(settings.site / names["audio"]),
                transcript=names["transcript"],
                chapters=names["chapters"],
                voice=synth.voice.name,
                fingerprint=fingerprint,
                author=article.author,
                summary=_summary(article),
                url=article.url,
                categories=article.categories,
                srt=names["srt"],
                cues=tuple(cues),
                marks=tuple((m.start, m.title) for m in marks),
            )
        )
        publish(store, settings, artwork)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildResult(
        episode=episode,
        audio_path=settings.site / episode.audio,
        skipped=False,
        sentences=len(timeline.cues),
        synthesized=(synth.cache.misses - synthesized_before)
        if synth.cache
        else len(timeline.cues),
        loudness=loudness,
        seconds=time.monotonic() - started,
    )


def mp3_seconds(path: Path) -> float:
    """The length of an MP3 as players see it (from its Xing/Info header)."""
    from mutagen.mp3 import MP3

    return float(MP3(str(path)).info.length)


def _work_root(settings: Settings) -> Path:
    root = settings.state / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root
