"""Deterministic news-like articles for the benchmarks: every sentence different, numbers included."""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = [
    "The council",
    "The mayor",
    "Local residents",
    "The transport agency",
    "Engineers",
    "The hospital trust",
    "Teachers",
    "The regional government",
    "Shop owners",
    "The police",
    "Farmers",
    "The university",
    "Environmental groups",
    "The energy company",
    "Parents",
]
VERBS = [
    "said",
    "warned",
    "announced",
    "confirmed",
    "argued",
    "reported",
    "suggested",
    "insisted",
    "explained",
]
OBJECTS = [
    "the new bridge",
    "the flood defences",
    "the school budget",
    "the bus timetable",
    "the housing plan",
    "the water supply",
    "the town centre",
    "the wind farm",
    "the night shelter",
    "the library",
    "the cycle lanes",
    "the market hall",
    "the harbour wall",
    "the clinic",
]
DETAILS = [
    "would cost ${m} million over {y} years",
    "had been delayed since {year}",
    "was expected to open on {month} {d}",
    "affected {n} households in the district",
    "had grown by {p}% in the past year",
    "was debated for {h} hours on Tuesday",
    "needed another {n} workers before the winter",
    "was first proposed in the {dec}s",
    "drew {n} comments from the public",
    "would be reviewed again in {year}",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
]
HEADINGS = ["What happens next", "The cost", "What residents say", "Background", "The debate"]


def sentence(rng: random.Random) -> str:
    detail = rng.choice(DETAILS).format(
        m=rng.randint(2, 90),
        y=rng.randint(2, 12),
        year=rng.randint(1995, 2030),
        month=rng.choice(MONTHS),
        d=rng.randint(1, 28),
        n=rng.randint(20, 9000),
        p=rng.randint(2, 60),
        h=rng.randint(2, 9),
        dec=rng.choice([1950, 1960, 1970, 1980]),
    )
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} that {rng.choice(OBJECTS)} {detail}."


def article(number: int, words: int) -> str:
    """A plain-text article of about ``words`` words; the first line is its title."""
    rng = random.Random(number)
    lines = [f"Article {number}: {rng.choice(OBJECTS).capitalize()} in question", ""]
    count, paragraph = 0, []
    while count < words:
        text = sentence(rng)
        paragraph.append(text)
        count += len(text.split())
        if len(paragraph) == 4:
            lines += [" ".join(paragraph), ""]
            paragraph = []
            if rng.random() < 0.25:
                lines += [rng.choice(HEADINGS), ""]
    if paragraph:
        lines += [" ".join(paragraph), ""]
    return "\n".join(lines)


def write_corpus(folder: Path, count: int, words: int) -> list[Path]:
    """``count`` articles of about ``words`` words in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"article-{number:02d}.txt"
        path.write_text(article(number, words), encoding="utf-8")
        paths.append(path)
    return paths
