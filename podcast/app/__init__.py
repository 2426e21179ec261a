"""The use cases, one function each, that every front end calls (the command line today, a
service next): :mod:`.making` (build, briefing), :mod:`.batching` (batch), :mod:`.keeping`
(prune, adopt), :mod:`.looking` (review, script, check, the lexicon's check).

Each use case that changes the site runs the one lifecycle of :mod:`.lifecycle`: lock →
store → signals → the work → publish → backup. A new use case is a function here."""
