"""Use cases that look and change nothing: ``review``, ``script``, ``check`` and the lexicon's
``check``. They take no lock: they read articles, the caches and the published site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast.core.settings import Settings

if TYPE_CHECKING:
    from podcast.check.run import Report
    from podcast.review.model import GuessedWord
    from podcast.review.run import Reviewed
    from voices.script import Script


@dataclass(frozen=True)
class Reviews:
    """The reviews of some articles, and the words to check across them."""

    reviewed: list[Reviewed]
    words: list[GuessedWord]

    @property
    def flagged(self) -> bool:
        """Whether anything in any review is flagged."""
        return any(item.review.flagged for item in self.reviewed)


def review(
    settings: Settings,
    sources: Sequence[tuple[str, bytes | None]],
    *,
    listen: bool = False,
    html: Path | None = None,
) -> Reviews:
    """Review each article of ``sources`` (a path, or ``-`` with standard input's bytes); with
    ``listen``, synthesise what is not cached and run the recogniser; with ``html``, write the
    report as a page that plays each flagged sentence."""
    from podcast.read.articles import read_article
    from podcast.review.run import review_article, words_to_check
    from podcast.review.sound import Recogniser

    loaded = [read_article(source, data, settings.read) for source, data in sources]
    recogniser = Recogniser() if listen else None
    synthesizers: dict[str, Any] = {}
    reviewed = [
        review_article(a, settings, listen=listen, recogniser=recogniser, synthesizers=synthesizers)
        for a in loaded
    ]
    found = Reviews(reviewed, words_to_check([r.review for r in reviewed]))
    if html is not None:
        from audio.atomic import write_text
        from podcast.review.report import to_html

        write_text(html, to_html(found.reviewed, found.words))
    return found


def script(settings: Settings, source: str, data: bytes | None = None) -> Script:
    """The spoken script of one article: exactly what ``build`` hands the voice."""
    from podcast.read.articles import read_article
    from podcast.speech.scripting import article_script

    return article_script(read_article(source, data, settings.read), settings)


def check(settings: Settings, *, audio: bool = True) -> Report:
    """Read the published site back as podcast apps do, against the rules table."""
    from podcast.check.run import check_site

    return check_site(settings.site, settings, audio=audio)


@dataclass(frozen=True)
class SaidWord:
    """How one word or phrase will be said."""

    word: str
    said: str
    phonemes: str
    source: str
    """``lexicon`` when an entry says it, ``rules`` otherwise."""


def say_words(settings: Settings, words: Sequence[str], wav: Path | None = None) -> list[SaidWord]:
    """Each word as the lexicon and the normaliser say it, with the voice's phonemes; with
    ``wav``, spoken one after another into that file."""
    from audio.assemble import Part, assemble
    from audio.targets import Pauses
    from podcast.speech.scripting import load_lexicon
    from podcast.speech.voicing import make_synthesizer
    from voices.normalize import normalize

    lex = load_lexicon(settings, "en")
    synth = make_synthesizer(settings)
    rows, parts = [], []
    for word in words:
        entry = lex.lookup(word) if lex else None
        spoken = lex.speak(word, normalize) if lex else normalize(word)
        rows.append(SaidWord(word, spoken, synth.phonemes(spoken), "lexicon" if entry else "rules"))
        if wav is not None:
            parts.append(Part(synth.synthesize(spoken), "body", True))
    if wav is not None:
        assemble(iter(parts), wav, synth.sample_rate, Pauses(paragraph=500, tail=300, lead=100))
    return rows
