"""The editor's review: what an editor can read in a minute before an article is published.

* **Coverage**: the share of the page's article text that will be spoken, and each block
  the furniture rules removed, with the rule (:mod:`podcast.read.extract`).
* **Words the voice will guess**: words neither the pronouncing dictionary nor the lexicon
  has, with the phonemes the voice will use and a lexicon line to copy.
* **Readings to confirm**: each place the normaliser chose between two readings.
* **Sound to check**: sentences whose audio is out of the ordinary for the voice, and (with
  ``--listen``) the sentences a speech recogniser understood worst.

:mod:`.model` holds the findings, :mod:`.text` and :mod:`.sound` make them, :mod:`.report`
shows them (text, JSON, HTML).
"""

from podcast.review.model import GuessedWord, ReadingFinding, RemovedBlock, Review, SoundFinding

__all__ = ["GuessedWord", "ReadingFinding", "RemovedBlock", "Review", "SoundFinding"]
