"""The findings that need the audio: sentences out of the ordinary, and what a recogniser heard.

Each sentence is measured (:mod:`audio.inspect`) and compared with the article's other
sentences, which are the voice's own usual: its speaking rate per phoneme, a long silence
inside it, an ending that stops mid-sound, clipping. With ``listen``, pocketsphinx (its
bundled English model; nothing is downloaded) transcribes each sentence, and the sentences
whose words match the script worst are listed: a ranking for a person to listen to, not a
verdict (bench/review_asr.py measures how well it ranks).
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from audio.inspect import SoundFeatures, features
from podcast.review.model import SoundFinding

if TYPE_CHECKING:
    import numpy as np

#: A sentence this many times slower or faster per phoneme than the article's median.
RATE_FACTOR = 1.6
#: A silence inside a sentence longer than this (seconds); piper's commas are about 0.3 s.
LONG_PAUSE = 0.75
#: An ending louder than this (dBFS) was cut off mid-sound.
CUT_OFF_DB = -28.0
#: The recogniser's sentences listed: those matching the script worst, at most this many...
RECOGNISER_LIST = 5
#: ... and only those where it missed at least half of the words (clean sentences of the
#: benchmark stayed under 0.31, another sentence's audio over 0.73: bench/RESULTS.md).
RECOGNISER_MISMATCH = 0.5
#: Recognition runs at 16 kHz (pocketsphinx's English model).
ASR_RATE = 16000


def _phoneme_count(phonemes: str) -> int:
    return len(re.sub(r"[\sˈˌːˑ.,;:!?'\"]", "", phonemes))


def _letters(spoken: str) -> int:
    return sum(ch.isalpha() for ch in spoken)


def sound_findings(
    sentences: Sequence[tuple[int, str, str, np.ndarray | SoundFeatures]],
    rate: int,
    phonemes: Callable[[str], str] | None = None,
    recogniser: Recogniser | None = None,
    recognise: frozenset[int] | None = None,
) -> tuple[SoundFinding, ...]:
    """Findings for ``sentences`` as (index, written, spoken, samples or their features) at
    ``rate`` Hz. The rate is per phoneme with ``phonemes`` (the voice's), else per letter of
    the spoken text; the recogniser needs the samples, and hears only the sentences in
    ``recognise`` when it is given (the article's own, not the intro the newsroom wrote)."""
    measured: list[tuple[int, str, str, SoundFeatures, float | None, Any]] = []
    for index, text, spoken, audio in sentences:
        found = audio if isinstance(audio, SoundFeatures) else features(audio, rate)
        count = _phoneme_count(phonemes(spoken)) if phonemes is not None else _letters(spoken)
        per_unit = (
            found.voiced_seconds / count if count >= 12 and found.voiced_seconds > 0 else None
        )
        samples = None if isinstance(audio, SoundFeatures) else audio
        measured.append((index, text, spoken, found, per_unit, samples))
    rates = [m[4] for m in measured if m[4] is not None]
    usual = statistics.median(rates) if len(rates) >= 5 else None
    heard: dict[int, tuple[float, str]] = {}
    if recogniser is not None:
        for index, _, spoken, _, _, samples in measured:
            if samples is None or (recognise is not None and index not in recognise):
                continue
            hypothesis = recogniser.transcribe(samples, rate)
            heard[index] = (mismatch(spoken, hypothesis), hypothesis)
    worst = sorted(heard, key=lambda i: -heard[i][0])[:RECOGNISER_LIST]
    listed = {i for i in worst if heard[i][0] >= RECOGNISER_MISMATCH}
    findings = []
    for index, text, spoken, found, per_phoneme, _ in measured:
        reasons, details = [], []
        if usual is not None and per_phoneme is not None:
            ratio = per_phoneme / usual
            if ratio > RATE_FACTOR or ratio < 1 / RATE_FACTOR:
                reasons.append("rate")
                details.append(f"{ratio:.1f}× the voice's usual time per sound")
        if found.longest_pause > LONG_PAUSE:
            reasons.append("pause")
            details.append(f"a {found.longest_pause:.1f} s silence inside")
        if found.tail_db > CUT_OFF_DB:
            reasons.append("cut-off")
            details.append(f"ends at {found.tail_db:.0f} dBFS (cut off?)")
        if found.clipped:
            reasons.append("clipping")
            details.append(f"{found.clipped} samples at full scale")
        if index in listed:
            reasons.append("recogniser")
            details.append(f"the recogniser heard: “{heard[index][1]}”")
        if reasons:
            score = heard[index][0] if index in heard else None
            findings.append(
                SoundFinding(index, text, spoken, tuple(reasons), "; ".join(details), score)
            )
    return tuple(findings)


#: How the recogniser's dictionary writes a few words the script spells out.
_HEARD_AS = {"dr": "doctor", "mr": "mister", "mrs": "missus", "ms": "miz"}


def _words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))
    return [_HEARD_AS.get(w, w) for w in words]


def mismatch(script: str, heard: str) -> float:
    """1 − the similarity of the script's words and the recogniser's (0: every word heard)."""
    expected, got = _words(script), _words(heard)
    if not expected:
        return 0.0
    return 1.0 - difflib.SequenceMatcher(a=expected, b=got, autojunk=False).ratio()


class Recogniser:
    """pocketsphinx with its bundled US English model, loaded once."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self._decoder = Decoder(samprate=ASR_RATE, loglevel="FATAL")

    def transcribe(self, samples: np.ndarray, rate: int) -> str:
        """What the recogniser hears in ``samples`` (int16 at ``rate`` Hz)."""
        import numpy as np

        if len(samples) == 0:
            return ""
        count = int(len(samples) * ASR_RATE / rate)
        positions = np.arange(count) * (rate / ASR_RATE)
        resampled = np.interp(positions, np.arange(len(samples)), samples.astype(np.float32))
        decoder = self._decoder
        decoder.start_utt()
        decoder.process_raw(resampled.astype(np.int16).tobytes(), full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        return str(hypothesis.hypstr) if hypothesis is not None else ""
