"""Which language an article is in: a light detector by script and common words.

It only needs to tell an English article from one a voice for English must
not read; it answers None when it is not sure.
"""

from __future__ import annotations

import re
import unicodedata

#: The most frequent short words of each language, enough to tell them apart.
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that for it was on with as by at from his her have has are were be this which said will not but they their an its",
        "de": "der die und das ist nicht den von zu mit sich des auf für im dem ein eine auch als nach wird bei sind war einer wie aus oder hat über",
        "fr": "le la les et des est un une du en que qui dans pour pas sur au aux avec ce il elle sont par plus ont été mais ou son sa ses",
        "es": "el la los las y de que en un una es por con para no se del al lo como más pero sus su fue ha sido este esta entre",
        "it": "il la di che e è un una per non sono con del della dei gli le nel alla anche come più ma ha questo questa dalla",
        "pt": "o a os as e de que em um uma é para com não do da dos das no na por mais foi como mas ao seu sua são",
        "nl": "de het een en van is dat op te in voor niet met zijn er aan ook als bij door maar werd om naar wordt deze",
        "pl": "i w na z że się nie do jest to o jak po ale od za przez dla już są był była tak być",
        "sv": "och att det som en på är av för med till den har de inte om ett var men från vid kan ska",
    }.items()
}
_SCRIPTS = (
    ("CYRILLIC", "ru"), ("GREEK", "el"), ("ARABIC", "ar"), ("HEBREW", "he"),
    ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("CJK", "zh"), ("HANGUL", "ko"),
    ("DEVANAGARI", "hi"), ("THAI", "th"),
)  # fmt: skip


def _script_language(text: str) -> str | None:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    counts: dict[str, int] = {}
    for ch in letters:
        name = unicodedata.name(ch, "")
        for script, lang in _SCRIPTS:
            if name.startswith(script):
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts:
        return None
    lang, count = max(counts.items(), key=lambda kv: kv[1])
    if count < len(letters) * 0.3:
        return None
    if lang == "ru" and re.search("[іїєґ]", text.lower()):
        return "uk"
    if lang == "zh" and counts.get("ja"):
        return "ja"
    return lang


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code for ``text``, or None when unsure (too short, too mixed)."""
    by_script = _script_language(text)
    if by_script:
        return by_script
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 8:
        return None
    scores = {lang: sum(w in stop for w in words) / len(words) for lang, stop in STOPWORDS.items()}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 0.12 or top < second * 1.4:
        return None
    return best


def primary(code: str) -> str:
    """The language part of a code: ``en_US`` → ``en``."""
    return code.replace("_", "-").split("-")[0].lower()
