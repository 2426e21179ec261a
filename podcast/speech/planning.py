"""Planning an article's speech: its language, then the voice that speaks it, then the script.

One plan for every caller: making an episode (:mod:`podcast.make.plan`) and the editor's
review (:mod:`podcast.review.run`) read an article the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from podcast.core.settings import Settings
from podcast.read.model import Article
from podcast.speech.scripting import article_language, article_script, load_lexicon
from podcast.speech.voicing import voice_for
from voices.catalogue import VoiceInfo
from voices.lexicon import Lexicon
from voices.script import Script


@dataclass(frozen=True)
class ScriptPlan:
    """What is said for an article, and who says it."""

    language: str
    """The article's language (primary subtag): what it says, else detected, else the show's."""
    voice: VoiceInfo
    """An installed voice that speaks the language (the configured one when it does)."""
    script: Script
    """Intro, the article, outro: exactly what the voice is handed."""
    lexicon: Lexicon | None
    """The newsroom's pronunciations for the language (the review checks words against it)."""


def plan_script(article: Article, settings: Settings) -> ScriptPlan:
    """Language → voice → script for ``article``; raises :class:`ArticleError` when no installed
    voice speaks its language."""
    language = article_language(article, settings)
    voice = voice_for(settings, language, article.source or "article")
    script = article_script(article, settings, language)
    return ScriptPlan(language, voice, script, load_lexicon(settings, language))
