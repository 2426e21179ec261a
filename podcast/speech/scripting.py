"""From article to spoken script: the intro and outro templates around the article's blocks."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from podcast.core.errors import ConfigError
from podcast.core.settings import Settings
from podcast.read.model import Article
from voices.language import detect_language, primary
from voices.lexicon import Lexicon
from voices.script import Script, make_script

#: What one intro or outro may take: characters of output, loop items, seconds.
TEMPLATE_MAX_CHARS = 10_000
TEMPLATE_MAX_ITEMS = 10_000
TEMPLATE_SECONDS = 2.0


class _TemplateTooBig(ConfigError):
    """An intro template went past its size or time limit (turned into the setting's error)."""


def _environment() -> Any:
    """Jinja's sandbox, with limits on what a template from a config file may make: its ranges
    and repeated strings count against one budget of items, and ``**`` takes small exponents."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    class Limited(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def __init__(self) -> None:
            super().__init__(undefined=jinja2.StrictUndefined, autoescape=False)
            self.items = 0
            self.globals["range"] = self.range

        def spend(self, items: int) -> None:
            self.items += max(items, 0)
            if self.items > TEMPLATE_MAX_ITEMS:
                raise _TemplateTooBig(f"makes more than {TEMPLATE_MAX_ITEMS} items")

        def range(self, *args: int) -> range:
            made = range(*args)
            self.spend(len(made))
            return made

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise _TemplateTooBig("raises to a power over 64")
            if operator == "*":
                for sized, times in ((left, right), (right, left)):
                    if isinstance(sized, str | list | tuple) and isinstance(times, int):
                        self.spend(len(sized) * times)
            return super().call_binop(context, operator, left, right)

    return Limited()


def _render(template: str, variables: dict[str, Any], name: str) -> list[str]:
    """Render the intro or outro template: sandboxed (it comes from a config file, so it
    reaches no Python internals), and within a size and a time limit; any failure, a division
    by zero as much as a syntax error, is one line naming the setting."""
    import jinja2

    # Spoken text is not markup: nothing to escape, but a missing variable must fail.
    environment = _environment()
    chunks: list[str] = []
    size = 0
    try:
        with _time_limit(TEMPLATE_SECONDS):
            for chunk in environment.from_string(template).generate(**variables):
                size += len(chunk)
                if size > TEMPLATE_MAX_CHARS:
                    raise _TemplateTooBig(f"says more than {TEMPLATE_MAX_CHARS} characters")
                chunks.append(chunk)
    except _TemplateTooBig as error:
        raise ConfigError(f"intro.{name} template: too big: it {error}") from None
    except jinja2.TemplateError as error:
        raise ConfigError(f"intro.{name} template: {error}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, RecursionError) as error:
        raise ConfigError(f"intro.{name} template: {type(error).__name__}: {error}") from None
    text = "".join(chunks)
    # A value that ends a sentence itself ("By Jane Doe Jr." + the template's "."): one stop.
    lines = (re.sub(r"(?<!\.)\.\.(?!\.)", ".", line.strip()) for line in text.splitlines())
    return [line for line in lines if line]


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_TemplateTooBig` in this code after ``seconds`` (on the main thread, where
    a timer signal can reach it; elsewhere the size limits alone hold)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _TemplateTooBig(f"takes longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    show = primary(settings.show.language) or "en"
    return detect_language(f"{article.title} {text}", expected=show) or show


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
