"""Which language an article is in, by a real detector with the show's language as the prior.

The detector is lingua (``lingua-language-detector``), which ships its models and is built
for short text. It runs in two steps, so a whole article costs milliseconds and a short or
mixed text is decided with care:

1. lingua's *low-accuracy* mode (trigrams, all 75 languages, about 0.5 s to load once) ranks
   the candidates. When it names the expected language (the show's) with confidence, that is
   the answer.
2. Otherwise its three best candidates and the expected language are weighed again in lingua's
   *high-accuracy* mode (1- to 5-grams), loaded for those few languages only.

   Languages that are easily taken for each other (:data:`NEIGHBOURS`: Ukrainian and Kazakh,
   Spanish and Catalan…) are weighed together.

A language other than the expected one is answered only when all three hold: the second step
gives the expected language less than :data:`DOUBT` (it is sure it is *not* that one); the text
has at least :data:`MIN_LETTERS` letters; and under :data:`FUNCTION_SHARE` of its words are the
expected language's commonest function words (:data:`FUNCTION_WORDS`). Anything less is None,
and the caller keeps the show's language. A few foreign names ("Valparaíso", "Concepción") in
an English brief therefore never switch it to Spanish or Tagalog: its "the", "to" and "and"
still say English.
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: Fewer letters than this and the text is too short to overrule the expected language.
MIN_LETTERS = 20
#: Below this confidence in the expected language (second step), the text is not in it.
DOUBT = 0.01
#: From this share of the expected language's function words up, the text is in it.
FUNCTION_SHARE = 0.15
#: The low-accuracy step's confidence that settles on the expected language at once.
SETTLED = 0.9
#: How many of the low-accuracy step's candidates are weighed again.
CANDIDATES = 3


#: The commonest short words of some languages: a text a fair share of whose words are these
#: is in that language, whatever names it quotes.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the a an and of to in is that for it was on with as by at from his her have has are were be this which said will not but they their its",
        "de": "der die und das ist nicht den von zu mit sich des auf für im dem ein eine auch als nach wird bei sind war einer wie aus oder hat über",
        "fr": "le la les et des est un une du en que qui dans pour pas sur au aux avec ce il elle sont par plus ont été mais ou son sa ses",
        "es": "el la los las y de que en un una es por con para no se del al lo como más pero sus su fue ha sido este esta entre",
        "it": "il la di che e è un una per non sono con del della dei gli le nel alla anche come più ma ha questo questa dalla",
        "pt": "o a os as e de que em um uma é para com não do da dos das no na por mais foi como mas ao seu sua são",
        "nl": "de het een en van is dat op te in voor niet met zijn er aan ook als bij door maar werd om naar wordt deze",
    }.items()
}  # fmt: skip
#: Languages easily taken for one another: when one is a candidate, all are weighed.
NEIGHBOURS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "ru uk be kk bg mk sr mn",
        "es pt ca gl it",
        "fr it ca",
        "da nb nn sv",
        "cs sk pl sl",
        "hr bs sr sl",
        "id ms tl",
        "hi mr",
        "zh ja",
        "nl af de",
    )
)

#: Letters only one language of its script writes. lingua takes plain Ukrainian news with
#: "ї" and "є" for Kazakh; a text with one language's own letters and none of the answer's
#: is that language's.
OWN_LETTERS: dict[str, str] = {
    "uk": "їєґ", "be": "ў", "kk": "әғқңөұүһ", "sr": "ђјљњћџ", "mk": "ѓќѕ",
    "ru": "ыэё",  # Belarusian writes them too: with its "ў" there are two owners
}  # fmt: skip


def _by_own_letters(text: str, answer: str) -> str:
    lowered = text.lower()
    if any(ch in lowered for ch in OWN_LETTERS.get(answer, "")):
        return answer
    owners = [lang for lang, own in OWN_LETTERS.items() if any(ch in lowered for ch in own)]
    return owners[0] if len(owners) == 1 else answer


def function_share(text: str, language: str) -> float | None:
    """The share of ``text``'s words that are ``language``'s function words (None: no list)."""
    table = FUNCTION_WORDS.get(language)
    words = re.findall(r"[^\W\d_]+", text.lower())
    if table is None or not words:
        return None
    return sum(word in table for word in words) / len(words)


@functools.cache
def _ranker() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


@functools.lru_cache(maxsize=16)
def _judge(languages: frozenset[Any]) -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*languages).build()


def _lingua_language(code: str) -> Any:
    from lingua import IsoCode639_1, Language

    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        return None


def _code(language: Any) -> str:
    return str(language.iso_code_639_1.name).lower()


def detect_language(text: str, expected: str | None = None) -> str | None:
    """An ISO 639-1 code for ``text``, or None when unsure (too short, too mixed).

    ``expected`` is the language the text is most likely in (the show's): another one is
    answered only when the detector is sure of it, on enough text."""
    letters = sum(1 for ch in text if ch.isalpha())
    if not letters:
        return None
    ranked = _ranker().compute_language_confidence_values(text)
    if not ranked:
        return None
    prior = _lingua_language(expected) if expected else None
    top = ranked[0]
    if prior is not None and top.language == prior and top.value >= SETTLED:
        return _code(prior)
    candidates = {value.language for value in ranked[:CANDIDATES]}
    if prior is not None:
        candidates.add(prior)
    codes = {_code(language) for language in candidates}
    for group in NEIGHBOURS:
        if codes & group:
            candidates |= {lang for code in group if (lang := _lingua_language(code)) is not None}
    judged = _judge(frozenset(candidates)).compute_language_confidence_values(text)
    best = judged[0]
    if prior is not None:
        if best.language == prior:
            return _code(prior)
        doubt = next((value.value for value in judged if value.language == prior), 0.0)
        share = function_share(text, _code(prior))
        if doubt >= DOUBT or (share is not None and share >= FUNCTION_SHARE):
            return None
    return _by_own_letters(text, _code(best.language)) if letters >= MIN_LETTERS else None


def primary(code: str) -> str:
    """The language part of a code: ``en_US`` → ``en``."""
    return re.split(r"[-_]", code)[0].lower()
