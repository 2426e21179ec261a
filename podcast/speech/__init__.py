"""Speech: an article to its script and its voice (planning the language, the lexicon, the
intro and outro; choosing and loading the voice). Shared by making an episode and the review."""
