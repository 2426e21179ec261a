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
    (
        # The service's durable queue: each article it accepted, in order, until it is made
        # (podcast.core.queue). A kill at any moment loses none: a job caught building is
        # queued again when the service starts.
        "0011_jobs",
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            key TEXT NOT NULL DEFAULT '',
            payload TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            guid TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX jobs_due ON jobs (status, id);
        CREATE INDEX jobs_key ON jobs (key, status)
        """,
    ),
    (
        # Events for the newsroom's webhooks, kept until each is delivered (podcast.core.outbox):
        # an endpoint that is down gets them when it is back, and never slows a build.
        "0012_outbox",
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL,
            event TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at TEXT NOT NULL,
            last_error TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            delivered TEXT
        );
        CREATE INDEX outbox_due ON outbox (status, next_at)
        """,
    ),
    (
        # The feeds the service watches: their validators for conditional GET, their backoff,
        # and a fingerprint of each item seen, so only new and changed items are queued.
        "0013_watch",
        """
        CREATE TABLE watched_feeds (
            url TEXT PRIMARY KEY,
            etag TEXT NOT NULL DEFAULT '',
            modified TEXT NOT NULL DEFAULT '',
            failures INTEGER NOT NULL DEFAULT 0,
            next_at TEXT NOT NULL DEFAULT '',
            last_error TEXT NOT NULL DEFAULT '',
            checked TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE watched_items (
            feed TEXT NOT NULL, item TEXT NOT NULL, fingerprint TEXT NOT NULL,
            PRIMARY KEY (feed, item)
        ) WITHOUT ROWID
        """,
    ),
    (
        # Publishing that does not grow with the archive (podcast.core.listing): what changed
        # since the last publish, the newest episodes, and the archive's fixed pages (in the
        # order episodes were added) are each an index away; files a rebuild or a removal
        # left behind are listed, so only they are swept.
        "0014_publishing",
        """
        CREATE INDEX episodes_updated ON episodes (updated);
        CREATE INDEX episodes_series_added ON episodes (series, coalesce(created, published), key);
        CREATE INDEX episodes_series_newest ON episodes (series, published DESC, key);
        CREATE TABLE stale_files (path TEXT PRIMARY KEY, key TEXT NOT NULL)
        """,
    ),
    (
        # Listeners (podcast.stats): an MP3's bitrate and the byte its audio starts at, so a
        # download's bytes are reckoned in minutes; and the players' anonymous beacons, kept
        # as counts a day (an episode, a day, how far: 0 for a play, 10 … 100), nothing else.
        "0015_listening",
        """
        ALTER TABLE episodes ADD COLUMN bitrate INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE episodes ADD COLUMN audio_start INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE listens (
            guid TEXT NOT NULL, day TEXT NOT NULL, reached INTEGER NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (guid, day, reached)
        ) WITHOUT ROWID
        """,
    ),
]
