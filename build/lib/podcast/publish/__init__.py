"""The published site: feeds, pages, transcripts and chapters, artwork, Apple's rules, the checker and the server."""
