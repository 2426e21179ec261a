"""Build articles into episodes, in three steps a batch can spread over processes.

* :func:`plan` is cheap: the script, the voice and a fingerprint of everything
  that decides the audio. An unchanged fingerprint means nothing to rebuild.
* :func:`render` is the work: speech (through the sentence cache), assembly,
  mastering, tags, transcripts and chapters, all in a private work folder.
* :func:`commit` publishes the files beside the old ones and records the
  episode in the store; :func:`~podcast.publish.site.publish` then writes the feeds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from audio.targets import Music
from podcast.cues import TranscriptCue
from podcast.errors import PodcastError, PublishError
from podcast.faults import fault_point
from podcast.publish.artwork import Artwork, episode_cover
from podcast.publish.site import EPISODES_DIR
from podcast.publish.transcripts import (
    chapter_marks,
    chapters_json,
    subrip,
    transcript_cues,
    webvtt,
)
from podcast.read.fields import FUTURE_TOLERANCE
from podcast.read.model import Article
from podcast.read.urls import safe_url
from podcast.review.model import Review
from podcast.settings import Settings
from podcast.speech.scripting import article_language, article_script, load_lexicon
from podcast.speech.voicing import synthesis_settings, voice_for
from podcast.store import Episode, Store
from voices.catalogue import VoiceInfo
from voices.script import Script
from voices.synth import Synthesizer, voice_identity

if TYPE_CHECKING:  # the sound package (and numpy) load only when audio is made
    from audio.assemble import Part
    from audio.inspect import SoundFeatures
    from audio.master import Loudness

_LOGGER = logging.getLogger(__name__)

#: Called after each sentence: (sentences done, sentences in all).
Progress = Callable[[int, int], None]


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


@dataclass(frozen=True)
class Rendered:
    """An episode's files, made in a work folder and not yet published."""

    plan: Plan
    work: Path
    """The work folder holding ``episode.mp3`` and the transcripts; removed after commit."""
    files: dict[str, str]
    """Role (audio, transcript, srt, chapters) → site-relative name."""
    cues: tuple[TranscriptCue, ...]
    marks: tuple[tuple[float, str], ...]
    sentence_keys: tuple[str, ...]
    """Sentence-cache keys of every sentence (what prune keeps)."""
    loudness: Loudness
    """What mastering measured, with the piece-cache keys of the MP3."""
    published: datetime
    synthesized: int
    """Sentences piper said; the rest came from the cache."""
    seconds: float
    """Wall time of the render."""
    review: Review
    """The editor's review: coverage, words to check, readings, sound to check."""
    measured: tuple[SoundFeatures, ...] = ()
    """Each sentence's measurements, kept when the review is made elsewhere (a cluster)."""


@dataclass(frozen=True)
class BuildResult:
    """What building one article did."""

    episode: Episode
    """The episode as stored."""
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
    review: Review | None = None
    """The editor's review of what was built (None when skipped)."""


def music_from(settings: Settings) -> Music | None:
    """The intro music from the settings (None when switched off)."""
    choice = settings.audio.intro_music.strip()
    if not choice:
        return None
    path = None if choice == "chime" else settings.resolve(choice)
    return Music(path=path, mode=settings.audio.intro_music_mode)


def plan(
    article: Article,
    settings: Settings,
    artwork: Artwork,
    quoted: tuple[tuple[str, float], ...] = (),
) -> Plan:
    """The script, voice and fingerprint for ``article`` (no audio is made); ``quoted`` as
    :attr:`Plan.quoted`."""
    language = article_language(article, settings)
    voice = voice_for(settings, language, article.source or "article")
    script = article_script(article, settings, language)
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


#: Longest stretch, in seconds, before a cut is made at the next pause whatever the text.
MAX_PIECE_SECONDS = 120.0


def cut_here(spoken: str, kind: str, ends_paragraph: bool, following_kind: str | None) -> bool:
    """Whether the MP3 may be cut after this sentence, decided by its text alone.

    Cuts after the intro, and after about one paragraph in three (one sentence in
    twelve inside long paragraphs), chosen by a checksum of the sentence, so an edit
    moves no cut but its own and the pieces after it stay the same. (:func:`_parts`
    adds the cuts after the opening paragraphs.)
    """
    if kind == "intro":
        return following_kind not in (None, "intro")
    draw = int.from_bytes(hashlib.sha256(spoken.encode()).digest()[:4], "big")
    return draw % 3 == 0 if ends_paragraph else draw % 12 == 0


class Cancelled(PodcastError):
    """The run was stopped (Ctrl-C or SIGTERM) while this episode was being made."""


def _parts(
    script: Script,
    synth: Synthesizer,
    progress: Progress | None,
    cancel: threading.Event | None = None,
    measured: list[SoundFeatures] | None = None,
    *,
    opening: int = 2,
    sections: bool = False,
) -> Iterator[Part]:
    """The script's sentences as they are said, each marked where the MP3 may be cut.

    Besides :func:`cut_here`'s cuts, each of the article's first ``opening`` paragraphs ends a
    piece, and so does a heading before them: a daily briefing quotes those paragraphs, and so
    finds them as pieces the article's episode already encoded (:mod:`podcast.make.briefing`).
    With ``sections`` (the briefing itself, each story under its title), each heading ends a
    piece, and so does each of the first ``opening`` paragraphs after it.
    """
    from audio.assemble import Part
    from audio.inspect import features

    flat = [
        (paragraph.kind, index == len(paragraph.sentences) - 1, sentence.spoken)
        for paragraph in script.paragraphs
        for index, sentence in enumerate(paragraph.sentences)
    ]
    since_cut = 0
    section = 0  # paragraphs ended since the intro (with sections, since the last heading)
    for done, (kind, ends, spoken) in enumerate(flat, start=1):
        if cancel is not None and cancel.is_set():
            raise Cancelled("stopped before the episode was made")
        samples = synth.synthesize(spoken)
        fault_point("synthesis")
        if measured is not None:
            measured.append(features(samples, synth.sample_rate))
        if progress is not None:
            progress(done, len(flat))
        following = flat[done][0] if done < len(flat) else None
        since_cut += len(samples)
        if kind == "intro" or (sections and kind == "heading"):
            section = 0
        elif kind == "body":
            section += ends
        cut = (
            cut_here(spoken, kind, ends, following)
            or (kind == "heading" and following is not None and (sections or section < opening))
            or (kind == "body" and ends and 0 < section <= opening)
            or since_cut > MAX_PIECE_SECONDS * synth.sample_rate
        )
        if cut:
            since_cut = 0
        yield Part(samples, kind, ends, cut_after=cut)


def episode_date(article: Article, kept: datetime | None, now: datetime | None = None) -> datetime:
    """When the episode is published: the article's date; else the date its last build kept;
    else now. A date more than :data:`FUTURE_TOLERANCE` ahead of now (9999, 2030) is a
    mistake that would hold the top of every feed for years: the build time is used instead
    (kept across rebuilds), and the review says so (:func:`review_text`)."""
    now = now or datetime.now(UTC)
    limit = now + FUTURE_TOLERANCE
    if article.published is not None and article.published <= limit:
        return article.published
    if kept is not None and kept <= limit:
        return kept
    return now


def build_review(
    plan_: Plan, settings: Settings, measured: list[SoundFeatures], rate: int
) -> Review:
    """The review a build keeps with the episode: the text findings, and the sound findings
    from each sentence's measurements (the recogniser runs only in ``review --listen``)."""
    from podcast.review.sound import sound_findings
    from podcast.review.text import review_text

    found = review_text(plan_.article, plan_.script, load_lexicon(settings, plan_.language))
    sentences = [s for _, s in plan_.script.sentences()]
    if len(measured) != len(sentences):
        return found
    sound = sound_findings(
        [(i, s.text, s.spoken, measured[i]) for i, s in enumerate(sentences)], rate
    )
    return replace(found, sound=sound, sound_checked=True)


def _mastering_of(episode: Episode | None) -> tuple[float, float] | None:
    if episode is None or episode.gain is None or episode.input_lufs is None:
        return None
    return episode.gain, episode.input_lufs


def render(
    plan_: Plan,
    settings: Settings,
    artwork: Artwork,
    synth: Synthesizer,
    *,
    previous: Episode | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    cancel: threading.Event | None = None,
    review: bool = True,
) -> Rendered:
    """Make the episode's files in a new work folder (the caller commits or discards it).

    ``previous`` is the article's last build: its date stays when the article gives none,
    and its mastering gain is where this one starts (so its unchanged MP3 pieces can be reused); ``workers`` pieces
    of the MP3 are encoded at once. Setting ``cancel`` stops it before the next sentence
    (raising :class:`Cancelled`), its work folder removed. Without ``review`` (a render on a
    cluster's worker, which has not the newsroom's lexicon), the review is left for the
    batch process to make from :attr:`Rendered.measured`.
    """
    from audio.assemble import assemble
    from audio.master import master
    from audio.piececache import PieceCache
    from audio.pieces import frame_align
    from audio.tags import Chapter, EpisodeTags, write_tags

    started = time.monotonic()
    article, script = plan_.article, plan_.script
    misses_before = synth.cache.misses if synth.cache else 0
    work = Path(tempfile.mkdtemp(prefix="build-", dir=settings.folders.work_root()))
    try:
        wav = work / "episode.wav"
        mastering = settings.audio.master()
        measured: list[SoundFeatures] = []
        timeline = assemble(
            _parts(
                script,
                synth,
                progress,
                cancel,
                measured,
                opening=settings.briefing.paragraphs,
                sections=bool(plan_.quoted),
            ),
            wav,
            synth.sample_rate,
            settings.audio.pauses(),
            music_from(settings),
            frame_align=frame_align(synth.sample_rate, mastering.sample_rate),
        )
        mp3 = work / "episode.mp3"
        loudness = master(
            wav,
            mp3,
            mastering,
            boundaries=timeline.boundaries,
            cache=PieceCache(settings.folders.pieces),
            previous=_mastering_of(previous),
            workers=workers,
            quoted=dict(plan_.quoted),
        )
        fault_point("encoding")
        wav.unlink()
        marks = chapter_marks(script, timeline, article.title)
        published = episode_date(article, previous.published if previous else None)
        credit = f"read by {synth.voice.name} (AI voice)"
        cover, own_cover = episode_cover(article.image_file, artwork)
        if own_cover:
            (work / WORK_NAMES["image"]).write_bytes(cover.data)
        write_tags(
            mp3,
            EpisodeTags(
                title=article.title,
                artist=", ".join(x for x in (article.author, credit) if x),
                album=settings.show.title,
                date=published,
                comment=settings.show.disclosure,
                url=safe_url(article.url),
                cover=cover.data,
                cover_mime=cover.mime,
                chapters=tuple(Chapter(m.title, m.start, m.end) for m in marks),
            ),
        )
        digest = hashlib.sha256(mp3.read_bytes()).hexdigest()[:12]
        stem = f"{EPISODES_DIR}/{article.slug}-{digest}"
        cues = transcript_cues(script, timeline)
        (work / "episode.vtt").write_text(webvtt(cues), encoding="utf-8")
        (work / "episode.srt").write_text(subrip(cues), encoding="utf-8")
        (work / "episode.chapters.json").write_text(
            chapters_json(marks, dict(article.links)), encoding="utf-8"
        )
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise PublishError(
            f"cannot write the episode's audio in {settings.folders.work}: {error.strerror or error}"
        ) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Rendered(
        plan=plan_,
        work=work,
        review=build_review(plan_, settings, measured, synth.sample_rate)
        if review
        else Review(article.title, article.source, None),
        measured=() if review else tuple(measured),
        files={
            "audio": f"{stem}.mp3",
            "transcript": f"{stem}.vtt",
            "srt": f"{stem}.srt",
            "chapters": f"{stem}.chapters.json",
            **({"image": f"{stem}.jpg"} if own_cover else {}),
        },
        cues=tuple(cues),
        marks=tuple((m.start, m.title) for m in marks),
        sentence_keys=tuple(synth.cache_key(s.spoken) for _, s in script.sentences()),
        loudness=loudness,
        published=published,
        synthesized=(synth.cache.misses - misses_before) if synth.cache else len(cues),
        seconds=time.monotonic() - started,
    )


#: The files a render makes in its work folder, by role.
WORK_NAMES = {
    "audio": "episode.mp3",
    "transcript": "episode.vtt",
    "srt": "episode.srt",
    "chapters": "episode.chapters.json",
    "image": "episode.jpg",
}
