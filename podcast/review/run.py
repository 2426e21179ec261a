"""Reviewing articles: the findings for each, and the words to check across them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from podcast.read.model import Article
from podcast.review.model import GuessedWord, Review
from podcast.review.sound import Recogniser, sound_findings
from podcast.review.text import review_text
from podcast.settings import Settings
from podcast.speech.scripting import article_language, article_script, load_lexicon

if TYPE_CHECKING:
    import numpy as np

    from voices.synth import Synthesizer


@dataclass
class Reviewed:
    """One article's review, with the audio of its sentences when there was any."""

    review: Review
    audio: dict[int, np.ndarray] = field(default_factory=dict)
    """Samples of each sentence (by its place in the script) that was synthesised or cached."""
    rate: int = 0


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
    from podcast.speech.voicing import make_synthesizer, voice_for

    language = article_language(article, settings)
    voice = voice_for(settings, language, article.source or "article")
    script = article_script(article, settings, language)
    synths = synthesizers if synthesizers is not None else {}
    synth = synths.setdefault(voice.name, make_synthesizer(settings, voice))
    review = review_text(article, script, load_lexicon(settings, language), synth.phonemes)
    sentences = [s for _, s in script.sentences()]
    audio: dict[int, np.ndarray] = {}
    for index, sentence in enumerate(sentences):
        if listen:
            audio[index] = synth.synthesize(sentence.spoken)
        elif synth.cache is not None:
            cached = synth.cache.get(synth.cache_key(sentence.spoken))
            if cached is not None:
                audio[index] = cached
    checked = len(audio) == len(sentences)
    if checked:
        if listen and recogniser is None:
            recogniser = Recogniser()
        found = sound_findings(
            [(i, s.text, s.spoken, audio[i]) for i, s in enumerate(sentences)],
            synth.sample_rate,
            synth.phonemes,
            recogniser if listen else None,
            frozenset(
                i for i, (p, _) in enumerate(script.sentences()) if p.kind in ("body", "heading")
            ),
        )
        review = replace(review, sound=found, sound_checked=True, listened=listen)
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
