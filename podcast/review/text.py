"""The findings that need only the text: coverage, words the voice will guess, readings."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from podcast.read.fields import FUTURE_TOLERANCE
from podcast.read.model import Article
from podcast.review.model import (
    GuessedWord,
    ReadingFinding,
    RemovedBlock,
    Review,
    Suspect,
    first_words,
)
from voices.dictionary import guessed_words
from voices.lexicon import Lexicon
from voices.script import Script

#: Most guessed words listed for one article (the most frequent first).
MAX_WORDS = 40


_CAMEL = re.compile(r"[^\W\d_]*[a-z][A-Z][^\W\d_]*")
_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
#: A code or address said aloud: capitals or digits with "=", a dotted index, a link, a handle.
_CODE = re.compile(
    r"(?<![\w=])[A-Z][A-Z0-9]{1,11}=[A-Z0-9]{0,4}|(?:^|\s)\.[A-Z]{2,6}\b|https?://\S+"
    r"|\bwww\.\S+|\b\S+@\S+\.\w+|(?<!\w)@\w{2,}|\[/?\w+[^\]]*\]"
)


def glued_words(texts: list[str]) -> set[str]:
    """Words where two elements met without a space ("NoemKristi", "effectMORE"): a word
    that splits at a lower-to-upper case turn into parts the article also has standing alone.
    ("PlayStation" does not: the article never says "Station" alone.)"""
    alone = Counter(w for text in texts for w in re.findall(r"[^\W\d_]+", text))
    glued = set()
    for text in texts:
        for word in _CAMEL.findall(text):
            parts = [p for p in _PARTS.findall(word) if len(p) >= 3]
            if len(parts) >= 2 and any(alone[p] > 0 and p != word for p in parts):
                glued.add(word)
    return glued


def suspects(texts: list[str], glued: set[str]) -> tuple[tuple[Suspect, ...], float | None]:
    """Sentences that look like furniture (a word of ``glued``, codes, repeated sentences), and
    the share of the spoken words they hold."""
    found: list[Suspect] = []
    seen: set[str] = set()
    for text in texts:
        words = set(re.findall(r"[^\W\d_]+", text))
        hit = sorted(words & glued)
        code = _CODE.search(text)
        key = " ".join(text.lower().split())
        if hit:
            found.append(Suspect("glued", text, hit[0]))
        elif code:
            found.append(Suspect("code", text, code.group(0).strip()))
        elif key in seen and len(key.split()) >= 4:
            found.append(Suspect("repeated", text))
        seen.add(key)
    total = sum(len(t.split()) for t in texts)
    share = sum(len(s.text.split()) for s in found) / total if total else None
    return tuple(found), share


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
    glued = glued_words(article_texts)
    found, share = suspects(article_texts, glued)
    for word in glued:
        guessed.pop(word, None)  # glued junk is never offered as a lexicon line
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
        suspects=found,
        suspect_share=share,
    )
