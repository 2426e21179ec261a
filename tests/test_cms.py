"""Articles as a CMS sends them (our JSON article, a Ghost webhook, a WordPress post), and who
may send them: a bearer token, Ghost's or WordPress's signature."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from podcast.app.webhooks import signature, verify
from podcast.core.errors import ArticleError
from podcast.read.cms import incoming
from podcast.read.formats import article_from_dict
from podcast.read.model import finish_article
from podcast.service.auth import (
    allowed,
    bearer_ok,
    ghost_ok,
    ghost_signature,
    wordpress_ok,
    wordpress_signature,
)
from tests.helpers import ROOT

CMS = ROOT / "tests" / "data" / "cms"


def fixture(name: str) -> object:
    return json.loads((CMS / name).read_text(encoding="utf-8"))


def test_a_ghost_post_published_is_an_article_with_its_authors_tags_and_body() -> None:
    asked = incoming(fixture("ghost-post-published.json"))
    assert (asked.action, asked.shape) == ("build", "ghost")
    assert asked.key == "https://news.example/harbour-ferry-plan-wins-council-backing/"
    article = finish_article(article_from_dict(asked.article, "ghost"))
    assert article.title == "Harbour ferry plan wins council backing"
    assert article.author == "Priya Shah" and article.categories == ("Local",)  # not #audio
    assert article.summary == "Twelve votes to three for the new landing stage."
    assert [b.text for b in article.blocks] == [
        "The harbour ferry plan won the council's backing on Tuesday, by twelve votes to three.",
        "Work on the new landing stage starts in May and should take a year.",
    ]  # the figure and its caption are furniture
    assert article.published is not None and article.published.isoformat().startswith(
        "2026-12-07T10:02"
    )


@pytest.mark.parametrize("name", ["ghost-post-deleted.json", "ghost-post-unpublished.json"])
def test_a_deleted_or_unpublished_ghost_post_takes_its_episode_down(name: str) -> None:
    asked = incoming(fixture(name))
    assert asked.action == "delete"
    assert asked.key == "https://news.example/harbour-ferry-plan-wins-council-backing/"


def test_a_wordpress_post_is_an_article_with_its_entities_decoded() -> None:
    asked = incoming(fixture("wordpress-post.json"))
    assert (asked.action, asked.shape) == ("build", "wordpress")
    article = finish_article(article_from_dict(asked.article, "wordpress"))
    assert article.title == "Library reopens after roof repairs – and the café too"
    assert article.author == "Tom Okafor" and article.categories == ("Town & Around",)
    assert article.url == "https://gazette.example/2026/12/07/library-reopens-after-roof-repairs/"
    assert (
        article.published is not None
        and article.published.isoformat() == "2026-12-07T10:15:00+00:00"
    )
    assert [b.text for b in article.blocks][
        -1
    ] == "Its café opens again next week, the council said."


def test_a_trashed_wordpress_post_is_taken_down() -> None:
    post = fixture("wordpress-post.json")
    assert isinstance(post, dict)
    post["status"] = "trash"
    assert incoming(post).action == "delete"


def test_our_json_article_passes_through_and_anything_else_is_refused() -> None:
    asked = incoming({"title": "T", "body": "One sentence here."})
    assert (asked.action, asked.shape, asked.key) == ("build", "article", "title:|T")
    with pytest.raises(ArticleError):
        incoming(["not", "an", "object"])
    assert incoming({"body": "no title"}).key == ""  # its job fails with the reason


def test_a_bearer_token_is_compared_whole() -> None:
    tokens = ["0123456789abcdef0123", "another-token-of-20c"]
    assert bearer_ok("Bearer 0123456789abcdef0123", tokens)
    assert bearer_ok("bearer another-token-of-20c", tokens)
    for wrong in (None, "", "Bearer", "Bearer 0123456789abcdef012", "Basic 0123456789abcdef0123",
                  "Bearer 0123456789abcdef01234"):  # fmt: skip
        assert not bearer_ok(wrong, tokens), wrong
    assert not bearer_ok("Bearer x", [])


def test_ghost_signs_the_body_and_its_time() -> None:
    body = (CMS / "ghost-post-published.json").read_bytes()
    now = time.time()
    header = ghost_signature(body, "ghost-secret", int(now * 1000))
    assert ghost_ok(header, body, "ghost-secret", now)
    assert not ghost_ok(header, body + b" ", "ghost-secret", now)
    assert not ghost_ok(header, body, "other-secret", now)
    assert not ghost_ok(header, body, "ghost-secret", now + 3600)  # an old one is replayed
    assert not ghost_ok("sha256=abc", body, "ghost-secret", now)


def test_wordpress_signs_the_body() -> None:
    body = (CMS / "wordpress-post.json").read_bytes()
    header = wordpress_signature(body, "wp-secret")
    assert wordpress_ok(header, body, "wp-secret")
    assert not wordpress_ok(header, body, "")
    assert not wordpress_ok(header, body[:-1], "wp-secret")


def test_a_signature_stands_for_a_token_only_where_its_secret_is_given() -> None:
    body = b"{}"
    headers = {"x-wc-webhook-signature": wordpress_signature(body, "wp-secret")}
    assert allowed(headers, body, [], wordpress_secret="wp-secret")
    assert not allowed(headers, body, [])  # the other API routes take tokens only


def test_our_webhooks_sign_as_receivers_verify() -> None:
    body = b'{"event":"episode.published"}'
    header = signature("s3cret", body, 1_765_000_000)
    assert header.startswith("t=1765000000,v1=")
    assert verify("s3cret", body, header, 1_765_000_010)
    assert not verify("s3cret", body + b"x", header, 1_765_000_010)
    assert not verify("other", body, header, 1_765_000_010)
    assert not verify("s3cret", body, header, 1_765_009_999)  # too old


def test_the_fixtures_are_the_documented_shapes(tmp_path: Path) -> None:
    """The fixtures carry the fields the CMSs document (Ghost's post webhook, WordPress's REST
    post with _embed), not just the ones read."""
    ghost = fixture("ghost-post-published.json")
    assert isinstance(ghost, dict)
    post = ghost["post"]["current"]
    for field in ("id", "uuid", "title", "slug", "html", "status", "visibility", "published_at",
                  "updated_at", "url", "authors", "tags", "primary_author", "excerpt"):  # fmt: skip
        assert field in post, field
    wordpress = fixture("wordpress-post.json")
    assert isinstance(wordpress, dict)
    for field in ("id", "date_gmt", "modified_gmt", "link", "status", "title", "content",
                  "excerpt", "author", "_embedded"):  # fmt: skip
        assert field in wordpress, field
