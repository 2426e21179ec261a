"""The episode store's schema, as named migrations applied in order, each once.

A migration's name never changes once released: the store records the names it has applied
(``migrations`` table) and applies the rest, so an old store is brought up to date on open.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_episodes",
        """
        CREATE TABLE episodes (
            key TEXT PRIMARY KEY,
            guid TEXT NOT NULL UNIQUE,
            slug TEXT NOT NULL,
            title TEXT NOT NULL,
            published TEXT NOT NULL,
            audio TEXT NOT NULL,
            audio_bytes INTEGER NOT NULL CHECK (audio_bytes > 0),
            duration REAL NOT NULL,
            transcript TEXT NOT NULL,
            chapters TEXT NOT NULL,
            voice TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL DEFAULT '[]',
            created TEXT,
            updated TEXT
        );
        CREATE INDEX episodes_published ON episodes (published);
        """,
    ),
    (
        "0002_transcripts_in_store",
        """
        ALTER TABLE episodes ADD COLUMN srt TEXT NOT NULL DEFAULT '';
        ALTER TABLE episodes ADD COLUMN cues TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE episodes ADD COLUMN marks TEXT NOT NULL DEFAULT '[]'
        """,
    ),
    (
        "0003_sentence_keys",
        """
        ALTER TABLE episodes ADD COLUMN sentence_keys TEXT NOT NULL DEFAULT '[]'
        """,
    ),
    (
        "0004_mp3_pieces",
        """
        ALTER TABLE episodes ADD COLUMN piece_keys TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE episodes ADD COLUMN gain REAL;
        ALTER TABLE episodes ADD COLUMN input_lufs REAL
        """,
    ),
    (
        # Every file a run put into the site: only these are ever removed as stale, so a
        # file the tool has no record of (another tool's, or a lost store's) is never deleted.
        "0005_site_files",
        """
        CREATE TABLE site_files (path TEXT PRIMARY KEY);
        INSERT OR IGNORE INTO site_files SELECT audio FROM episodes;
        INSERT OR IGNORE INTO site_files SELECT transcript FROM episodes;
        INSERT OR IGNORE INTO site_files SELECT chapters FROM episodes;
        INSERT OR IGNORE INTO site_files SELECT srt FROM episodes WHERE srt != ''
        """,
    ),
    (
        "0006_review",
        """
        ALTER TABLE episodes ADD COLUMN review TEXT NOT NULL DEFAULT '{}'
        """,
    ),
    (
        "0007_episode_image",
        """
        ALTER TABLE episodes ADD COLUMN image TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        "0008_series",
        """
        ALTER TABLE episodes ADD COLUMN series TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        # What the store knows of itself: the site it publishes (one store serves one site).
        "0009_meta",
        """
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)
        """,
    ),
    (
        # Paragraphs seen at the edges of each site's articles, by fingerprint: what recurs
        # word for word across a site's articles is its furniture (podcast.read.furniture).
        "0010_site_paragraphs",
        """
        CREATE TABLE site_paragraphs (
            site TEXT NOT NULL, fingerprint TEXT NOT NULL, article TEXT NOT NULL,
            PRIMARY KEY (site, fingerprint, article)
        ) WITHOUT ROWID
        """,
    ),
]
