"""The application: articles in; the CLI, settings, the episode store, the feed and the site."""
