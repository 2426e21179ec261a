"""Reading the published site back as podcast apps and browsers do: the rules as a table
(:mod:`podcast.check.rules`), the subjects they look at, and the run. A new check on the feed is
a row in the rules table."""
