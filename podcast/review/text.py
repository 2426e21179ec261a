"""The findings that need only the text: coverage, words the voice will guess, readings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from podcast.read.fields import FUTURE_TOLERANCE
from podcast.read.model import Article
from podcast.review.model import GuessedWord, ReadingFinding, RemovedBlock, Review, first_words
from voices.dictionary import guessed_words
from voices.lexicon import Lexicon
from voices.script import Script

#: Most guessed words listed for one article (the most frequent first).
MAX_WORDS = 40


def review_text(
    article: Article,
    script: Script,
    lexicon: Lexicon | None,
    phonemes: Callable[[str], str] | None = None,
) -> Review:
    """The text findings for ``article`` read as ``script``; ``phonemes`` (the voice's) adds
    what each guessed word will sound like."""
    sentences = [s for _, s in script.sentences()]
    # Intro and outro lines are the newsroom's own: only the article's words are checked.
    article_texts = [s.text for p, s in script.sentences() if p.kind in ("body", "heading")]
    guessed = guessed_words([article.title, *article_texts], lexicon)
    words = tuple(
        GuessedWord(word, count, phonemes(word) if phonemes is not None else "")
        for word, count in guessed.most_common(MAX_WORDS)
    )
    # The choices normalising made, kept by the script as it was made (not normalised again).
    readings = [
        ReadingFinding(r.kind, r.written, r.said, r.other, sentence.text, index)
        for index, sentence in enumerate(sentences)
        for r in sentence.readings
    ]
    if article.published and article.published > datetime.now(UTC) + FUTURE_TOLERANCE:
        readings.insert(0, ReadingFinding(
            "date", article.published.isoformat(), "published at the build time",
            "the article's date, in the future", "the article's date",
        ))  # fmt: skip
    return Review(
        title=article.title,
        source=article.source,
        coverage=article.coverage,
        removed=tuple(RemovedBlock(first_words(r.text), r.rule) for r in article.removed),
        guessed=words,
        readings=tuple(readings),
    )
