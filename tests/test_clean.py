"""Furniture rules, one kind at a time, on lines from many sites."""

from __future__ import annotations

import pytest

from podcast.read.clean import clean_page_text, split_byline
from podcast.read.linerules import is_byline, is_caption, is_end_of_article, is_furniture

FURNITURE = [
    "Skip to content", "Edit post", "Menu", "Share", "Tweet", "Copy link", "Advertisement",
    "by The Kyiv Independent news desk January 7, 2024 10:51 PM 2 min read",
    "By Priya Shah · Feb. 3, 2026 · 4 min read", "5 min read", "By JANE DOE",
    "President Volodymyr Zelensky and Yoko Kamikawa in Kyiv on Jan. 7. (President's Office)",
    "Schumer speaks to reporters at the Capitol. (AP Photo/J. Scott Applewhite)",
    "Photo: Getty Images", "Credit: Reuters", "Image by Jane Smith for the Ledger",
    "This audio is created with AI assistance", "Listen to this article",
    "Enter your email to subscribe", "* indicates required", "Successfuly subscribed",
    "Thank you for signing up for this newsletter. We've sent you a confirmation email.",
    "Support independent journalism. Become a member today for just $1 a week.",
    "Share this article", "Share on Facebook", "Follow us on Telegram",
    "We use cookies to improve your experience. Accept all cookies.",
    "Read more: Ofwat's five-year review explained", "RELATED: What a shutdown means for you",
    "See also: the full list", "4:34 AM", "2:25 PM (Updated: )", "9:40 AM GMT",
    "Copyright 2026 The Associated Press. All rights reserved.", "© 2026 The Northern Ledger.",
    "* * *", "—",
    # Real lines from the extraction dev set (tests/data/devset/LICENSE), one or more per rule:
    "2019-11-19T08:57:40+01:00",  # timestamp (ISO 8601, a page's metadata shown as text)
    "https://www.barrons.com/articles/home-depot-stock-earnings-report-51574168486",  # address
    "Listen: http://po.st/TP_615 Download: http://po.st/TP_615Download iTunes: http://po.st/TP_615Apple",
    "This copy is for your personal, non-commercial use only. To order presentation-ready copies "
    "for distribution to your colleagues, clients or customers visit http://www.djreprints.com.",  # notice
    "We've noticed you're adblocking.", "Order Reprints", "Print Article",
    "An error has occurred, please try again later.",
    "Write to Al Root at allen.root@dowjones.com",  # contact
    "Tags: Eastern Equine Encephalitis, EEE, health, Michigan",  # tags
    # Issue 25: the desk's credits, following and reaching the writer, labels, datelines.
    "Reporting by Rodrigo Campos; additional reporting by Stephanie Kelly; Editing by Nick Zieminski",
    "(Reporting by Greg Roumeliotis, Joshua Franklin, editing by Martin Howell.)",
    "Keith Bradsher contributed reporting from Hong Kong.", "Additional reporting by Joseph Hudak",
    "Associated Press writers Alan Fram, Zeke Miller and Jill Colvin contributed to this report.",
    "Fox News’ Jessica Napoli contributed to this report.", "SOURCE: Al Jazeera News",
    "Follow her on Twitter @AmyKup or on Facebook .", "Follow Newsbeat on Instagram , Facebook , Twitter and YouTube .",
    "Amy Kuperinsky may be reached at akuperinsky@njadvancemedia.com .",
    "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik .",
    "paul.takahashi@chron.com twitter.com/paultakahashi",
    "More AP NBA: https://apnews.com/NBA and https://twitter.com/AP_Sports",
    "Follow AP’s full coverage of Brexit and British politics at https://www.apnews.com/Brexit",
    "Related Roundup: MacBook Pro", "Tag: digitimes.com", "DON'T MISS", "Você pode gostar...",
    "SEE MORE: Hong Kong protests: 800 students under siege in university",
    "Tempo de leitura: 1 minuto", "November 20, 2019 - 11:28 AMT",
    "5:45 AM PST 11/19/2019 by Patrick Shanley",
    '[button link=”http://www.morebikes.co.uk/submit-kit-review/” type=”big”] Send us YOUR kit review[/button]',
    "Jewels after Jewels after Jewels, installation views, photos © Inexhibit, 2018",
]  # fmt: skip

PROSE = [
    "President Volodymyr Zelensky thanked Japanese Foreign Minister Yoko Kamikawa for her support.",
    '"One of our best international achievements is our relationship with Japan," he wrote.',
    "The council will meet at 7:30 p.m. to discuss the plan (which was first proposed in 2019).",
    "She said the cookies sold out within an hour at the school fair.",
    "By the time the firefighters arrived, the roof had collapsed.",
    "The agency, which employs 2,000 people, said it would appeal (the ruling came on Friday).",
    "Readers who subscribe to the theory that rates will fall may be disappointed.",
    "Related questions were raised in parliament on Tuesday by three MPs.",
    "Write to your MP at the address on the council's website, campaigners urged.",
    "The ad blocker market grew by a third last year, the report found.",
    "Tags on the birds showed they had flown 3,000 miles since 2019-11-19.",
    "The error has occurred twice this year, the regulator said.",
    "Visit www.example.org for the full list of closures, the council said.",
    "Residents contributed to the fund after the fire, the council said.",
    "Follow the money, investigators told the committee on Tuesday.",
    "Reporting by the Times revealed the scheme in 2019.",
    "The meeting is on 12 March 2020.",
    "In 2019, 45 people died on the roads.",
    "Related charges were dropped on Monday.",
]


@pytest.mark.parametrize("line", FURNITURE, ids=[f[:40] for f in FURNITURE])
def test_furniture_is_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", PROSE, ids=[p[:40] for p in PROSE])
def test_prose_is_kept(line: str) -> None:
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "line",
    ["News Feed", "MORE NEWS", "Editors' Picks", "Most read", "Related articles", "Top stories"],
)
def test_end_of_article_sections(line: str) -> None:
    assert is_end_of_article(line)


def test_byline_parts() -> None:
    assert split_byline(
        "by The Kyiv Independent news desk January 7, 2024 10:51 PM 2 min read"
    ) == (
        "The Kyiv Independent news desk",
        "January 7, 2024 10:51 PM",
    )
    assert split_byline("By Priya Shah · Feb. 3, 2026 · 4 min read")[0] == "Priya Shah"
    assert is_byline("By Sam Lee") and not is_byline(
        "By the time we arrived, it was over and done."
    )


def test_caption_needs_a_credit_like_tail() -> None:
    assert is_caption("A flooded street in Kherson on June 7. (Reuters)")
    assert not is_caption("The figure rose sharply (by a third).")


def test_scraped_text_headings_and_teasers() -> None:
    page = clean_page_text(
        "Menu\n\nBig headline here\n\nby Ann Lee 3 min read\n\nFirst paragraph of the story.\n\n"
        "A heading alone\n\nSecond paragraph.\n\nSome other story teaser\nThird paragraph follows it.\n\n"
        "More news\n\nUnrelated item."
    )
    assert page.title == "Big headline here"
    assert page.byline == "by Ann Lee 3 min read"
    assert [(b.kind, b.text) for b in page.blocks] == [
        ("paragraph", "First paragraph of the story."),
        ("heading", "A heading alone"),
        ("paragraph", "Second paragraph."),
        ("paragraph", "Third paragraph follows it."),
    ]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    page = clean_page_text(
        "Title\n\nThis paragraph was wrapped\nat a fixed width by an editor\nand continues.\n"
    )
    assert [b.text for b in page.blocks] == [
        "This paragraph was wrapped at a fixed width by an editor and continues."
    ]


TAILS = [
    ("Have a tip?", "reader-prompt"),
    ("Like this story? Share it with a friend!", "reader-prompt"),
    ("We rely on advertising to help fund our award-winning journalism. Thank you for your support.",
     "reader-prompt"),
    ("If you enjoyed this article, we have a proposition for you: Join NRPLUS.", "reader-prompt"),
    ("Get Motor Cycle Monthly delivered through your letterbox every month. 12 issues for £11.99.",
     "reader-prompt"),
    ("Follow @BGRDeals on Twitter to keep up with the latest deals. Quantities may be limited.",
     "follow"),
    ("Ascom is a global solutions provider focused on healthcare ICT and mobile workflow "
     "solutions. Ascom is headquartered in Baar (Switzerland) and employs around 1,300 people.",
     "press-boilerplate"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "rule"), TAILS, ids=[t[:24] for t, _ in TAILS])
def test_prompts_at_the_articles_end_are_furniture(text: str, rule: str) -> None:
    """Issue 25: prompts to the reader at the end of the article ("Have a tip?") are dropped
    there, and recorded; the same words in the middle of the article are not."""
    from podcast.read.clean import clean_blocks_recorded
    from voices.script import Block

    body = Block("paragraph", "The council approved the budget on Tuesday after a long debate.")
    cleaned = clean_blocks_recorded([body, Block("paragraph", text)])
    assert cleaned.blocks == (body,)
    assert [r.rule for r in cleaned.removed] == [rule]
    inside = clean_blocks_recorded([body, Block("paragraph", text), body])
    assert Block("paragraph", text) in inside.blocks or rule != "reader-prompt"


def test_a_quoted_prompt_at_the_end_is_the_article() -> None:
    from podcast.read.clean import clean_blocks_recorded
    from voices.script import Block

    body = Block("paragraph", "The council approved the budget on Tuesday after a long debate.")
    quote = Block("paragraph", "“Share it with your friends, and support us,” the mayor said.")
    assert clean_blocks_recorded([body, quote]).blocks == (body, quote)


def test_a_prompt_at_the_articles_start_is_furniture() -> None:
    from podcast.read.clean import clean_blocks_recorded
    from voices.script import Block

    body = Block("paragraph", "The council approved the budget on Tuesday after a long debate.")
    welcome = Block(
        "paragraph",
        "Welcome to IGN's Daily Deals, your source for the best deals on the stuff you want.",
    )
    cleaned = clean_blocks_recorded([welcome, body, body])
    assert cleaned.blocks == (body, body)
    assert [r.rule for r in cleaned.removed] == ["reader-prompt"]


def test_a_list_of_teasers_is_cut_however_long() -> None:
    """ "You may also like…" over six excerpts: other articles, though they are most of the
    page's words (other end-of-article headings cut at most 40 %)."""
    from podcast.read.clean import clean_blocks_recorded
    from voices.script import Block

    body = Block("paragraph", "The council approved the budget on Tuesday after a long debate.")
    teasers = [
        Block("paragraph", f"Teaser {n} about another story entirely, at length.") for n in range(6)
    ]
    cleaned = clean_blocks_recorded([body, Block("heading", "Você pode gostar..."), *teasers])
    assert cleaned.blocks == (body,)
    latest = clean_blocks_recorded([body, Block("heading", "Latest"), *teasers])
    assert len(latest.blocks) == 8


def test_a_company_in_a_news_sentence_is_not_boilerplate() -> None:
    from podcast.read.clean import is_press_boilerplate

    assert not is_press_boilerplate("The city is a major provider of jobs and employs 500 people.")
    assert not is_press_boilerplate(
        "Acme is a leading supplier of parts and is headquartered in Ohio, its chief said."
    )
