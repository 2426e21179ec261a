"""Speech: turn an article's text into what is said, and say it.

Cleaning, normalising, sentence splitting and the lexicon turn text into a
:class:`~voices.script.Script`; the voice catalogue, piper synthesis and the
sentence cache turn each spoken sentence into samples. This package imports
neither ``podcast`` nor ``click``.
"""
