"""One episode: the plan of an article, its render (speech, assembly, mastering, tags,
transcripts), its commit to the site and the store, the runner that chains them, and the daily
briefing. A new step of making an episode goes here."""
