"""The render of an episode: its files made in a private work folder, not yet published.

Speech (through the sentence cache), assembly, mastering, tags, transcripts and chapters.
The files' names come from one table, :data:`WORK_NAMES`; :mod:`podcast.make.commit` copies
them into the site under the names :func:`site_names` gives.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from audio.targets import Music
from podcast.core.cues import TranscriptCue
from podcast.core.episode import Episode
from podcast.core.errors import PodcastError, PublishError
from podcast.core.faults import fault_point
from podcast.core.settings import Settings
from podcast.make.plan import Plan
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
from voices.script import Script
from voices.synth import Synthesizer

if TYPE_CHECKING:  # the sound package (and numpy) load only when audio is made
    from audio.assemble import Part, Timeline
    from audio.inspect import SoundFeatures
    from audio.master import Loudness
    from podcast.publish.transcripts import ChapterMark

#: Called after each sentence: (sentences done, sentences in all).
Progress = Callable[[int, int], None]

#: The files a render makes in its work folder, by role. Each is published as the episode's
#: stem and what follows ``episode`` in its name (``episode.chapters.json`` → ``STEM.chapters.json``).
WORK_NAMES = {
    "audio": "episode.mp3",
    "transcript": "episode.vtt",
    "srt": "episode.srt",
    "chapters": "episode.chapters.json",
    "image": "episode.jpg",
}

#: The speech before mastering, in the work folder (never published).
WORK_WAV = "episode.wav"


def site_names(stem: str, roles: Iterator[str] | list[str]) -> dict[str, str]:
    """Role → site-relative name of each of the render's files, from :data:`WORK_NAMES`."""
    return {role: stem + WORK_NAMES[role].removeprefix("episode") for role in roles}


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


def music_from(settings: Settings) -> Music | None:
    """The intro music from the settings (None when switched off)."""
    choice = settings.audio.intro_music.strip()
    if not choice:
        return None
    path = None if choice == "chime" else settings.resolve(choice)
    return Music(path=path, mode=settings.audio.intro_music_mode)


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


def _mastering_of(episode: Episode | None) -> tuple[float, float] | None:
    if episode is None or episode.gain is None or episode.input_lufs is None:
        return None
    return episode.gain, episode.input_lufs


def build_review(
    plan_: Plan, settings: Settings, measured: list[SoundFeatures], rate: int
) -> Review:
    """The review a build keeps with the episode: the text findings, and the sound findings
    from each sentence's measurements (the recogniser runs only in ``review --listen``)."""
    from podcast.review.run import make_review
    from podcast.speech.scripting import load_lexicon

    lexicon = load_lexicon(settings, plan_.language)
    return make_review(plan_.article, plan_.script, lexicon, measured, rate)


@dataclass
class _Sound:
    """What speaking and mastering made."""

    timeline: Timeline
    loudness: Loudness
    measured: list[SoundFeatures]


def _speak_and_master(
    plan_: Plan,
    settings: Settings,
    synth: Synthesizer,
    work: Path,
    *,
    previous: Episode | None,
    progress: Progress | None,
    workers: int,
    cancel: threading.Event | None,
) -> _Sound:
    """Say every sentence, join them with the pauses and the intro, master and encode the MP3."""
    from audio.assemble import assemble
    from audio.master import master
    from audio.piececache import PieceCache
    from audio.pieces import frame_align

    wav = work / WORK_WAV
    mastering = settings.audio.master()
    measured: list[SoundFeatures] = []
    said = _parts(plan_.script, synth, progress, cancel, measured,
                  opening=settings.briefing.paragraphs, sections=bool(plan_.quoted))  # fmt: skip
    timeline = assemble(
        said, wav, synth.sample_rate, settings.audio.pauses(), music_from(settings),
        frame_align=frame_align(synth.sample_rate, mastering.sample_rate),
    )  # fmt: skip
    loudness = master(
        wav, work / WORK_NAMES["audio"], mastering, boundaries=timeline.boundaries,
        cache=PieceCache(settings.folders.pieces), previous=_mastering_of(previous),
        workers=workers, quoted=dict(plan_.quoted),
    )  # fmt: skip
    fault_point("encoding")
    wav.unlink()
    return _Sound(timeline, loudness, measured)


def _tag(
    plan_: Plan,
    settings: Settings,
    artwork: Artwork,
    voice_name: str,
    work: Path,
    marks: list[ChapterMark],
    published: datetime,
) -> bool:
    """Write the MP3's ID3 tags (cover and chapters); True when the article has its own cover,
    written beside it for the site."""
    from audio.tags import Chapter, EpisodeTags, write_tags

    article = plan_.article
    cover, own_cover = episode_cover(article.image_file, artwork)
    if own_cover:
        (work / WORK_NAMES["image"]).write_bytes(cover.data)
    credit = f"read by {voice_name} (AI voice)"
    links = dict(article.links)
    write_tags(
        work / WORK_NAMES["audio"],
        EpisodeTags(
            title=article.title,
            artist=", ".join(x for x in (article.author, credit) if x),
            album=settings.show.title,
            date=published,
            comment=settings.show.disclosure,
            url=safe_url(article.url),
            cover=cover.data,
            cover_mime=cover.mime,
            chapters=tuple(Chapter(m.title, m.start, m.end, links.get(m.title, "")) for m in marks),
        ),
    )
    return own_cover


def _write_texts(
    work: Path, cues: list[TranscriptCue], marks: list[ChapterMark], links: dict[str, str]
) -> None:
    """The transcripts (WebVTT, SubRip) and the chapters (JSON) beside the MP3."""
    (work / WORK_NAMES["transcript"]).write_text(webvtt(cues), encoding="utf-8")
    (work / WORK_NAMES["srt"]).write_text(subrip(cues), encoding="utf-8")
    (work / WORK_NAMES["chapters"]).write_text(chapters_json(marks, links), encoding="utf-8")


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
    and its mastering gain is where this one starts (so its unchanged MP3 pieces can be
    reused); ``workers`` pieces of the MP3 are encoded at once. Setting ``cancel`` stops it
    before the next sentence (raising :class:`Cancelled`), its work folder removed. Without
    ``review`` (a render on a cluster's worker, which has not the newsroom's lexicon), the
    review is left for the batch process to make from :attr:`Rendered.measured`.
    """
    started = time.monotonic()
    article, script = plan_.article, plan_.script
    misses_before = synth.cache.misses if synth.cache else 0
    with settings.folders.new_work() as work:
        try:
            sound = _speak_and_master(plan_, settings, synth, work, previous=previous,
                                      progress=progress, workers=workers, cancel=cancel)  # fmt: skip
            marks = chapter_marks(script, sound.timeline, article.title)
            published = episode_date(article, previous.published if previous else None)
            own_cover = _tag(plan_, settings, artwork, synth.voice.name, work, marks, published)
            digest = hashlib.sha256((work / WORK_NAMES["audio"]).read_bytes()).hexdigest()[:12]
            cues = transcript_cues(script, sound.timeline)
            _write_texts(work, cues, marks, dict(article.links))
        except OSError as error:
            raise PublishError(
                f"cannot write the episode's audio in {settings.folders.work}: "
                f"{error.strerror or error}"
            ) from None
    roles = [role for role in WORK_NAMES if role != "image" or own_cover]
    return Rendered(
        plan=plan_,
        work=work,
        review=build_review(plan_, settings, sound.measured, synth.sample_rate)
        if review
        else Review(article.title, article.source, None),
        measured=() if review else tuple(sound.measured),
        files=site_names(f"{EPISODES_DIR}/{article.slug}-{digest}", roles),
        cues=tuple(cues),
        marks=tuple((m.start, m.title) for m in marks),
        sentence_keys=tuple(synth.cache_key(s.spoken) for _, s in script.sentences()),
        loudness=sound.loudness,
        published=published,
        synthesized=(synth.cache.misses - misses_before) if synth.cache else len(cues),
        seconds=time.monotonic() - started,
    )
