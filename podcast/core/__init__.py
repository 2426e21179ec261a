"""The core every other layer stands on: settings and their value types, errors, the episode
store and its migrations, the state folder and its lock, fault points, file writing.

It imports nothing above it (an ``import-linter`` contract in ``pyproject.toml`` says so).
A new setting goes in :mod:`podcast.core.settings`."""
