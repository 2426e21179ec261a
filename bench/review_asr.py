"""How well the review's sound checks find planted glitches (issue 16).

Synthesises N real sentences of the benchmark corpus with the bundled voice, then plants
glitches in some of them, as a broken synthesis or a bad cache entry would leave them:

  wrong text   the audio of another sentence (what the recogniser round trip is for)
  dropped      the middle third of the audio removed (words skipped)
  cut off      the last 40 % removed (the sentence stops mid-word)
  pause        1.2 s of silence inserted in the middle
  clipping     the audio played 8 times too loud (samples at full scale)

and runs the review's sound findings (podcast.review.sound) with pocketsphinx over all of
them. Reports, for each kind, how many were flagged and by which check, where the planted
ones land in the recogniser's ranking (1 = matched the script worst), and how many clean
sentences were flagged. Run:

    .venv/bin/python bench/review_asr.py --sentences 60 --seed 7
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import sentence  # noqa: E402
from podcast.core.settings import Settings
from podcast.review.sound import Recogniser, mismatch, sound_findings  # noqa: E402
from podcast.speech.voicing import make_synthesizer  # noqa: E402
from voices.normalize import normalize  # noqa: E402

KINDS = ("wrong text", "dropped", "cut off", "pause", "clipping")


def plant(kind: str, samples, other, rate):  # type: ignore[no-untyped-def]
    import numpy as np

    n = len(samples)
    if kind == "wrong text":
        return other
    if kind == "dropped":
        return np.concatenate([samples[: n // 3], samples[2 * n // 3 :]])
    if kind == "cut off":
        return samples[: int(n * 0.6)]
    if kind == "pause":
        return np.concatenate(
            [samples[: n // 2], np.zeros(int(1.2 * rate), np.int16), samples[n // 2 :]]
        )
    if kind == "clipping":
        return np.clip(samples.astype(np.int32) * 8, -32768, 32767).astype(np.int16)
    raise ValueError(kind)


class _Remembering:
    """The recogniser, keeping what it heard in order (so it runs once per sentence)."""

    def __init__(self, recogniser: Recogniser) -> None:
        self.recogniser = recogniser
        self.heard: list[str] = []

    def transcribe(self, samples, rate):  # type: ignore[no-untyped-def]
        self.heard.append(self.recogniser.transcribe(samples, rate))
        return self.heard[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=60)
    ap.add_argument("--per-kind", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    texts = []
    while len(texts) < a.sentences:
        text = sentence(rng)
        if text not in texts:
            texts.append(text)
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(Settings(), state=Path(folder) / "state")
        synth = make_synthesizer(settings)
        started = time.monotonic()
        spoken = [normalize(t) for t in texts]
        audio = [synth.synthesize(s) for s in spoken]
        rate = synth.sample_rate
        print(f"synthesised {len(texts)} sentences in {time.monotonic() - started:.1f} s")
        order = list(range(len(texts)))
        rng.shuffle(order)
        planted: dict[int, str] = {}
        for k, kind in enumerate(KINDS):
            for index in order[k * a.per_kind : (k + 1) * a.per_kind]:
                planted[index] = kind
        doctored = []
        for index, samples in enumerate(audio):
            other = audio[(index + len(audio) // 2) % len(audio)]
            doctored.append(
                plant(planted[index], samples, other, rate) if index in planted else samples
            )
        recogniser = _Remembering(Recogniser())
        started = time.monotonic()
        found = sound_findings(
            [(i, texts[i], spoken[i], doctored[i]) for i in range(len(texts))],
            rate, synth.phonemes, recogniser,
        )  # fmt: skip
        seconds = time.monotonic() - started
        heard = {i: mismatch(spoken[i], recogniser.heard[i]) for i in range(len(texts))}
    total_audio = sum(len(x) for x in doctored) / rate
    ranking = sorted(heard, key=lambda i: -heard[i])
    rank = {index: position + 1 for position, index in enumerate(ranking)}
    flagged = {f.index: f.reasons for f in found}
    print(f"review with recogniser: {seconds:.1f} s for {total_audio:.0f} s of audio")
    print(
        f"{'planted':<11} {'flagged':>8}  {'by':<40} {'recogniser ranks (of ' + str(len(texts)) + ')':<28} median mismatch"
    )
    for kind in KINDS:
        indices = [i for i, k in planted.items() if k == kind]
        hits = [i for i in indices if i in flagged]
        reasons = sorted({r for i in hits for r in flagged[i]})
        ranks = sorted(rank[i] for i in indices)
        print(f"{kind:<11} {len(hits):>3} of {len(indices):<2}  {', '.join(reasons):<40} {str(ranks):<28} "
              f"{statistics.median(heard[i] for i in indices):.2f}")  # fmt: skip
    clean = [i for i in range(len(texts)) if i not in planted]
    false = [i for i in clean if i in flagged]
    print(f"clean       {len(false):>3} of {len(clean):<2}  flagged: "
          + ", ".join(f"{sorted(set(r for i in false for r in flagged[i]))}") + f"; median mismatch "
          f"{statistics.median(heard[i] for i in clean):.2f}")  # fmt: skip
    print(f"mismatch: clean max {max(heard[i] for i in clean):.2f}, 90th percentile "
          f"{sorted(heard[i] for i in clean)[int(0.9 * len(clean))]:.2f}; wrong text min "
          f"{min(heard[i] for i, k in planted.items() if k == 'wrong text'):.2f}")  # fmt: skip
    top = [planted.get(i, "clean") for i in ranking[: len(planted)]]
    print(f"top {len(planted)} of the recogniser's ranking: " + ", ".join(
        f"{k} {top.count(k)}" for k in (*KINDS, "clean") if top.count(k)))  # fmt: skip


if __name__ == "__main__":
    main()
