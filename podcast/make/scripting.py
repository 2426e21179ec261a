"""From article to spoken script: the intro and outro templates around the article's blocks."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from podcast.errors import ConfigError
from podcast.read.model import Article
from podcast.settings import Settings
from voices.language import detect_language, primary
from voices.lexicon import Lexicon
from voices.script import Script, make_script


def _render(template: str, variables: dict[str, Any], name: str) -> list[str]:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    # The template comes from a config file: sandboxed, so it reaches no Python internals.
    # Spoken text is not markup: nothing to escape, but a missing variable must fail.
    environment = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        text = environment.from_string(template).render(**variables)
    except jinja2.TemplateError as error:
        raise ConfigError(f"intro.{name} template: {error}") from None
    # A value that ends a sentence itself ("By Jane Doe Jr." + the template's "."): one stop.
    lines = (re.sub(r"(?<!\.)\.\.(?!\.)", ".", line.strip()) for line in text.splitlines())
    return [line for line in lines if line]


#: The most of a title the intro says; a longer one is cut at a word (the feed keeps it whole).
MAX_SPOKEN_TITLE = 200


def spoken_title(title: str) -> str:
    """The title as the intro says it: whole, unless it is over :data:`MAX_SPOKEN_TITLE`."""
    if len(title) <= MAX_SPOKEN_TITLE:
        return title
    cut = title[:MAX_SPOKEN_TITLE].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") or title[:MAX_SPOKEN_TITLE]


def template_variables(article: Article, settings: Settings) -> dict[str, Any]:
    """What the intro and outro templates can use."""
    published: datetime | None = article.published
    return {
        "title": spoken_title(article.title),
        "author": article.author,
        "show": settings.show.title,
        "url": article.url,
        "date": published.strftime("%B %-d, %Y") if published else "",
    }


def article_language(article: Article, settings: Settings) -> str:
    """The article's language: what it says (HTML ``lang``, JSON), else detected, else the show's."""
    if article.language:
        return primary(article.language)
    text = " ".join(block.text for block in article.blocks[:30])
    return detect_language(f"{article.title} {text}") or primary(settings.show.language) or "en"


def load_lexicon(settings: Settings, language: str) -> Lexicon | None:
    """The configured lexicon for ``language``: the newsroom's file over the bundled list."""
    with_bundled = settings.voice.bundled_lexicon and language == "en"
    if settings.voice.lexicon:
        return Lexicon.load(settings.resolve(settings.voice.lexicon), with_bundled=with_bundled)
    return Lexicon.bundled() if with_bundled else None


def article_script(article: Article, settings: Settings, language: str | None = None) -> Script:
    """The script the voice reads for ``article``: intro, the article, outro."""
    language = language or article_language(article, settings)
    variables = template_variables(article, settings)
    intro = _render(settings.intro.template, variables, "template")
    outro = _render(settings.intro.outro, variables, "outro") if settings.intro.outro else []
    return make_script(
        article.blocks,
        intro=intro,
        outro=outro,
        lexicon=load_lexicon(settings, language),
        language=language,
    )
