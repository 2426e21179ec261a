"""The published site: writing it (feeds, pages, transcripts and chapters, artwork), keeping it
(retention, which episodes a store answers for, adopting a site) and serving it."""
