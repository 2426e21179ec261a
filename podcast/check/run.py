"""``audio-edition check``: what in a published site breaks Apple's or Podcasting 2.0's rules.

It reads the site as a podcast app would: every feed page, every enclosure,
transcript and chapters file they name, and each MP3's tags and loudness. The
rules themselves are a table (``podcast.check.rules.RULES``); this module
walks the site, hands each rule its subject, and gathers the findings. Each
finding names its rule, so a newsroom can look the rule up.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from podcast.check.rules import rules_for
from podcast.check.subjects import (
    NS,
    Artwork,
    Channel,
    Chapters,
    FeedPage,
    Item,
    Mp3,
    SiteFolder,
    Transcript,
    site_file,
)
from podcast.core.settings import Settings
from podcast.publish.feed import feed_files


@dataclass(frozen=True)
class Finding:
    """One broken rule."""

    severity: str
    """``error`` (apps reject or misbehave) or ``warning`` (recommended)."""
    rule: str
    """Dotted rule name, e.g. ``item.enclosure.length``."""
    message: str
    where: str
    """The file, and the episode where it applies."""


@dataclass
class Report:
    """Everything found, and what was looked at."""

    findings: list[Finding] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)

    def apply(self, where: str, subject: Any, place: str) -> bool:
        """Run the rules for ``where`` on ``subject``; False when a gate failed."""
        for rule in rules_for(where):
            messages = rule.breaches(subject)
            self.findings.extend(Finding(rule.severity, rule.id, m, place) for m in messages)
            if messages and rule.gate:
                return False
        return True

    @property
    def errors(self) -> list[Finding]:
        """The findings that are errors."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that are warnings."""
        return [f for f in self.findings if f.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: findings and counts."""
        return {
            "ok": not self.errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "checked": dict(self.checked),
            "findings": [asdict(f) for f in self.findings],
        }


@dataclass
class _Walk:
    """One check of a site: where it is, what was asked, and what was already read."""

    site: Path
    base: str
    targets: tuple[float, float] | None
    disclosure: str = ""
    report: Report = field(default_factory=Report)
    guids: dict[str, set[str]] = field(default_factory=dict)
    """Guids per feed group (the pages of one feed share them)."""
    urls: dict[str, set[str]] = field(default_factory=dict)
    seen: set[Path | str] = field(default_factory=set)
    """Files and artwork URLs already checked (several pages may name them)."""

    def local(self, url: str) -> Path | None:
        return site_file(self.site, self.base, url)

    def once(self, key: Path | str) -> bool:
        """True the first time ``key`` is met."""
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def feed(self, path: Path, group: str) -> None:
        name = path.relative_to(self.site).as_posix()
        page = FeedPage(path.read_bytes())
        self.report.checked["feeds"] += 1
        if not self.report.apply("feed", page, name):
            return
        channel = Channel(page.channel)
        self.report.apply("channel", channel, name)
        image = channel.text("itunes:image/@href")
        artwork = self.local(image) if image else None
        if artwork is not None and self.once(image):
            self.report.apply("artwork", Artwork(image, artwork), name)
        for element in page.channel.findall("item"):
            self.item(element, name, group)

    def item(self, element: Any, name: str, group: str) -> None:
        guids, urls = self.guids.setdefault(group, set()), self.urls.setdefault(group, set())
        item = Item(element, guids=set(guids), urls=set(urls), disclosure=self.disclosure)
        title = item.text("title")
        where = f"{name} · {title[:60] or '(untitled)'}"
        self.report.checked["items"] += 1
        image = item.text("itunes:image/@href")
        artwork = self.local(image) if image else None
        if artwork is not None and self.once(image):
            self.report.apply("artwork", Artwork(image, artwork), where)
        if item.enclosure and item.enclosure[0]:
            item.enclosure_file = self.local(item.enclosure[0])
            file = item.enclosure_file
            if file is not None and file.is_file() and self.once(file):
                mp3 = Mp3(file, self.targets)
                self.report.checked["mp3"] += mp3.info[0] is not None
                self.report.apply("mp3", mp3, where)
                self.report.checked["loudness"] += isinstance(mp3.loudness, tuple)
                item.seconds = mp3.length
        for kind, path, subject in (
            ("transcript", "podcast:transcript[@type='text/vtt']", Transcript),
            ("chapters", "podcast:chapters", Chapters),
        ):
            found = element.find(path, NS)
            url = "" if found is None else found.get("url", "")
            target = self.local(url)
            if target is None:
                continue
            if not target.is_file():
                item.missing_files[kind] = url
            elif self.once(target):
                text = target.read_text(encoding="utf-8", errors="replace")
                self.report.apply(kind, subject(text), where)
        self.report.apply("item", item, where)
        if item.text("guid"):
            guids.add(item.text("guid"))
        if item.enclosure and item.enclosure[0]:
            urls.add(item.enclosure[0])


def check_site(site: Path, settings: Settings, *, audio: bool = True) -> Report:
    """Check every feed page under ``site`` and what it points to; with ``audio``, each MP3's
    loudness against the settings' target (± 1 LU) and true-peak ceiling."""
    site = site.resolve()
    # The loudness the episodes were mastered to, and their true-peak ceiling, from the settings.
    targets = (settings.audio.loudness, settings.audio.true_peak) if audio else None
    walk = _Walk(site, settings.show.base_url, targets, settings.show.disclosure.strip())
    if not walk.report.apply("site", SiteFolder(site), str(site)):
        return walk.report
    for feed in feed_files(site):
        # Pages of one feed share guids and URLs; each category feed is its own group.
        walk.feed(feed, re.sub(r"-\d+\.xml$", ".xml", feed.relative_to(site).as_posix()))
    return walk.report
