"""Reviewing articles: the findings for each, and the words to check across them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from podcast.core.settings import Settings
from podcast.read.model import Article
from podcast.review.model import GuessedWord, Review
from podcast.review.sound import Recogniser, sound_findings
from podcast.review.text import review_text
from podcast.speech.planning import plan_script

if TYPE_CHECKING:
    import numpy as np

    from audio.inspect import SoundFeatures
    from voices.lexicon import Lexicon
    from voices.script import Script
    from voices.synth import Synthesizer


@dataclass
class Reviewed:
    """One article's review, with the audio of its sentences when there was any."""

    review: Review
    audio: dict[int, np.ndarray] = field(default_factory=dict)
    """Samples of each sentence (by its place in the script) that was synthesised or cached."""
    rate: int = 0


def make_review(
    article: Article,
    script: Script,
    lexicon: Lexicon | None,
    sounds: Sequence[np.ndarray | SoundFeatures] | None,
    rate: int,
    *,
    phonemes: Callable[[str], str] | None = None,
    recogniser: Recogniser | None = None,
) -> Review:
    """The one way a review's findings are made, after a build as for ``review``: the text
    findings; and, given every sentence's audio or its measurements (``sounds``, in the
    script's order, at ``rate`` Hz), the sound findings. ``phonemes`` (the voice's) measures
    the rate per phoneme and says how guessed words sound; the ``recogniser`` listens to the
    article's own sentences (not the newsroom's intro)."""
    review = review_text(article, script, lexicon, phonemes)
    sentences = list(script.sentences())
    if sounds is None or len(sounds) != len(sentences):
        return review
    found = sound_findings(
        [(i, s.text, s.spoken, sounds[i]) for i, (_, s) in enumerate(sentences)],
        rate,
        phonemes,
        recogniser,
        frozenset(i for i, (p, _) in enumerate(sentences) if p.kind in ("body", "heading")),
    )
    return replace(review, sound=found, sound_checked=True, listened=recogniser is not None)


def review_article(
    article: Article,
    settings: Settings,
    *,
    listen: bool = False,
    recogniser: Recogniser | None = None,
    synthesizers: dict[str, Synthesizer] | None = None,
) -> Reviewed:
    """Review ``article``: text findings always; sound findings when every sentence's audio is
    in the sentence cache, or with ``listen`` (which synthesises what is missing and runs the
    recogniser)."""
    from podcast.speech.voicing import make_synthesizer

    planned = plan_script(article, settings)
    synths = synthesizers if synthesizers is not None else {}
    synth = synths.setdefault(planned.voice.name, make_synthesizer(settings, planned.voice))
    sentences = [s for _, s in planned.script.sentences()]
    audio: dict[int, np.ndarray] = {}
    for index, sentence in enumerate(sentences):
        if listen:
            audio[index] = synth.synthesize(sentence.spoken)
        elif synth.cache is not None:
            cached = synth.cache.get(synth.cache_key(sentence.spoken))
            if cached is not None:
                audio[index] = cached
    sounds = [audio[i] for i in range(len(sentences))] if len(audio) == len(sentences) else None
    if listen and recogniser is None:
        recogniser = Recogniser()
    review = make_review(
        article, planned.script, planned.lexicon, sounds, synth.sample_rate,
        phonemes=synth.phonemes, recogniser=recogniser if listen else None,
    )  # fmt: skip
    return Reviewed(review, audio, synth.sample_rate)


def words_to_check(reviews: Sequence[Review], limit: int = 50) -> list[GuessedWord]:
    """Guessed words across ``reviews``, ranked by how many articles use them."""
    articles: Counter[str] = Counter()
    phonemes: dict[str, str] = {}
    for review in reviews:
        for word in review.guessed:
            articles[word.word] += 1
            phonemes.setdefault(word.word, word.phonemes)
    return [GuessedWord(w, n, phonemes[w]) for w, n in articles.most_common(limit)]
