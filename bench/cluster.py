"""The batch on a Dask cluster against the local worker pool, on this machine, in the same run.

    .venv/bin/python bench/cluster.py [--articles 20] [--rounds 1]

(a) A real batch of N articles (each about eight sentences of news text, no two
alike) in a fresh folder, through ``--cluster local:2`` and through ``--jobs 2``,
alternating which goes first each round. Reports each wall time and the ratio
cluster / jobs (the issue's goal: at most 1.05). Also the batch process's own
time per article on the cluster run (the renders: assembly, mastering, encoding),
from the JSON report: what one batch process can feed.

(b) With ``--simulate N``: the batch process's own cost when the workers cost it
nothing. A stand-in pool of W simulated workers (8, 32 and 128) answers each
article after the time a worker would take (the audio's expected length × the
worker seconds per audio second a real ``--cluster local:2`` batch measured: speech
and the render) with a template render and a tone for each sentence; what the
batch process does with it is real: the sentence cache, the files, the review,
the commits and the feeds. Reports the wall time, the
batch process's CPU seconds (its own and its ffmpeg children's) per article and
per sentence, and the workers one batch process keeps busy.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import heapq
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
PLACES = ["harbour", "library", "bridge", "school", "market", "station", "clinic", "park",
          "museum", "airport", "stadium", "college", "theatre", "ferry", "tramline", "canal",
          "reservoir", "hospital", "depot", "pier"]  # fmt: skip


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        place = PLACES[n % len(PLACES)]
        (folder / f"a{n:02d}.txt").write_text(
            f"Council backs plan {n} for the {place}\n\n"
            f"The city council voted on Tuesday to back plan {n} for the {place}, after a debate "
            f"that ran for {n + 2} hours.\n\n"
            f"Supporters said the {place} had waited {n + 3} years for the work. Opponents asked "
            f"who would pay for it, and how soon.\n\n"
            f"The mayor said the first stage of plan {n} would start in the spring. Residents near "
            f"the {place} will be told about the work by letter.\n\n"
            f"A second vote on the budget for the {place} is due next month.\n",
            encoding="utf-8",
        )


def measured_rtf() -> float:
    """Worker seconds per second of audio (speech and the whole render), from a real batch
    through ``--cluster local:2``."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        write_articles(folder / "articles", 6)
        _, report = run(folder, "--cluster", "local:2")
    seconds = report["worker_seconds"]
    built = report["built"]
    assert isinstance(seconds, dict) and isinstance(built, list)
    return float(sum(seconds.values()) / sum(b["audio_seconds"] for b in built))


def run(folder: Path, *args: str) -> tuple[float, dict[str, object]]:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "podcast", "-q", "batch", "articles", *args],
                   cwd=folder, check=True, capture_output=True)  # fmt: skip
    wall = time.monotonic() - started
    (report,) = (folder / ".audio-edition" / "reports").glob("*.json")
    return wall, json.loads(report.read_text())


#: Seconds of speech per word for the bundled voice (about 160 words a minute).
SECONDS_PER_WORD = 0.375


class SimulatedPool:
    """``workers`` stand-in workers: each answers after the time the real worker would take.

    As the cluster's workers do, they render whole articles: the answer is a template render
    (one real render of a sample article, made before the clock starts) given the article's
    own names, sentences and cues, and a tone for each sentence it said. What the batch
    process does with it (the cache, the files, the review, the commit, the feeds) is real.
    """

    renders = True

    def __init__(self, workers: int, rtf: float, template: Any, sample_rate: int = 22050) -> None:
        import threading

        import numpy as np

        self.rtf, self.rate, self.template = rtf, sample_rate, template
        self.free = [0.0] * workers
        self.busy = 0.0
        self.key: Any = None
        self.settings: Any = None
        self.workers: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}
        self._due: list[tuple[float, int, futures.Future[Any], Any]] = []
        self._lock = threading.Condition()
        self._counting = threading.Lock()
        self._stop = False
        tone = 0.1 * 32767 * np.sin(2 * np.pi * 220 * np.arange(60 * sample_rate) / sample_rate)
        self._tone = tone.astype("<i2").tobytes()
        self._thread = threading.Thread(target=self._deliver, daemon=True)
        self._thread.start()

    def _deliver(self) -> None:
        with self._lock:
            while not self._stop:
                if self._due and self._due[0][0] <= time.monotonic():
                    _, _, future, answer = heapq.heappop(self._due)
                    if future.set_running_or_notify_cancel():
                        future.set_result(answer)
                    continue
                wait = self._due[0][0] - time.monotonic() if self._due else 0.5
                self._lock.wait(max(0.0, min(wait, 0.5)))

    def _later(self, busy: float, answer: Any) -> futures.Future[Any]:
        worker = min(range(len(self.free)), key=self.free.__getitem__)
        due = max(time.monotonic(), self.free[worker]) + busy
        self.free[worker] = due
        self.busy += busy
        future: futures.Future[Any] = futures.Future()
        with self._lock:
            heapq.heappush(self._due, (due, id(future), future, (f"sim-{worker}", answer)))
            self._lock.notify()
        return future

    def _lengths(self, spoken: Sequence[str]) -> list[float]:
        return [max(1.0, len(s.split()) * SECONDS_PER_WORD) for s in spoken]

    def submit(self, voice: Any, spoken: Sequence[str]) -> futures.Future[Any]:
        from podcast.batch.worker import Said

        lengths = self._lengths(spoken)
        audio = tuple(self._tone[: 2 * int(seconds * self.rate)] for seconds in lengths)
        return self._later(sum(lengths) * self.rtf, Said("", audio, self.rate, 0.0))

    def submit_render(self, job: Any, audio: dict[str, bytes], artwork: Any) -> futures.Future[Any]:
        import dataclasses

        from podcast.batch.worker import RemoteRender
        from podcast.core.cues import TranscriptCue

        plan, template = job.plan, self.template
        synth_key = self.key
        sentences = [s for _, s in plan.script.sentences()]
        keys = tuple(synth_key(s.spoken) for s in sentences)
        lengths = self._lengths([s.spoken for s in sentences])
        said = {k: self._tone[: 2 * int(n * self.rate)] for k, n in zip(keys, lengths, strict=True)
                if k not in audio}  # fmt: skip
        starts = [sum(lengths[:i]) for i in range(len(lengths))]
        cues = tuple(TranscriptCue(a, a + n, s.text) for a, n, s in zip(starts, lengths, sentences,
                                                                        strict=True))  # fmt: skip
        stem = f"episodes/{plan.article.slug}-{plan.fingerprint[:12]}"
        rendered = dataclasses.replace(
            template.rendered, plan=plan, cues=cues, sentence_keys=keys,
            measured=template.rendered.measured[:1] * len(sentences), synthesized=len(said),
            files={"audio": f"{stem}.mp3", "transcript": f"{stem}.vtt", "srt": f"{stem}.srt",
                   "chapters": f"{stem}.chapters.json"},
        )  # fmt: skip
        busy = sum(lengths) * self.rtf  # the worker's speech, assembly, mastering and encoding
        return self._later(busy, RemoteRender("", template.files, rendered, said, busy))

    def settle(self, future: futures.Future[Any], keys: Sequence[str], synth: Any) -> str:
        worker, said = future.result()
        for key, pcm in zip(keys, said.audio, strict=True):
            synth.cache.put_pcm(key, pcm)
        self._tally(worker, len(keys), said.seconds)
        return str(worker)

    def _tally(self, worker: str, sentences: int, seconds: float) -> None:
        from podcast.batch.cluster import ClusterPool

        ClusterPool._tally(self, worker, sentences, seconds)  # type: ignore[arg-type]

    def settle_render(self, future: futures.Future[Any], job: Any, synth: Any) -> tuple[Any, str]:
        from podcast.batch.cluster import ClusterPool

        worker, remote = future.result()
        inner: futures.Future[Any] = futures.Future()
        inner.set_result(dataclasses_replace(remote, worker=worker))
        return ClusterPool.settle_render(self, inner, job, synth)  # type: ignore[arg-type]

    def check(self) -> None:
        """Simulated workers never leave."""

    def close(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify()
        for _, _, future, _ in self._due:
            future.cancel()


def dataclasses_replace(value: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(value, **changes)


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def template_render(settings: Any) -> Any:
    """One real render of a sample article, as a worker would send it back."""
    import shutil

    from podcast.batch.worker import RemoteRender
    from podcast.make.plan import plan
    from podcast.make.render import WORK_NAMES, render
    from podcast.publish.site import show_artwork
    from podcast.read.articles import read_article
    from podcast.speech.voicing import make_synthesizer

    sample = Path(settings.root) / "sample.txt"
    write_articles(sample.parent / "sample", 1)
    (source,) = (sample.parent / "sample").glob("*.txt")
    article = read_article(source)
    artwork = show_artwork(settings)
    rendered = render(plan(article, settings, artwork), settings, artwork,
                      make_synthesizer(settings), review=False)  # fmt: skip
    files = {name: (rendered.work / name).read_bytes() for name in WORK_NAMES.values()
             if (rendered.work / name).is_file()}  # fmt: skip
    shutil.rmtree(rendered.work)
    shutil.rmtree(settings.folders.sentences, ignore_errors=True)
    return RemoteRender("", files, rendered, {}, 0.0)


def simulate(articles: int, workers: int, rtf: float, publish_every: int = 10) -> dict[str, float]:
    """One batch of ``articles`` fed by ``workers`` simulated workers, in this process."""
    from podcast.batch.run import run_batch
    from podcast.core.config import load_settings
    from podcast.core.store import Store
    from podcast.publish.site import show_artwork

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        write_articles(folder / "articles", articles)
        environ = {k: v for k, v in os.environ.items() if k != "AUDIO_EDITION_CONFIG"}
        settings = load_settings(cwd=folder, environ=environ)
        pool = SimulatedPool(workers, rtf, template_render(settings))
        pool.settings = settings  # settle_render keeps files in its state folder
        from podcast.speech.voicing import make_synthesizer

        pool.key = make_synthesizer(settings).cache_key
        with Store(settings.folders.store) as store:
            started, cpu = time.monotonic(), cpu_seconds()
            report = run_batch([str(folder / "articles")], settings, store,
                               show_artwork(settings), synthesis=pool, publish_every=publish_every)  # fmt: skip
            wall, cpu = time.monotonic() - started, cpu_seconds() - cpu
        pool.close()
        built = [o for o in report.outcomes if o.status == "built"]
        assert len(built) == articles, report.to_dict()["failed"]
        sentences = sum(o.sentences for o in built)
        audio = sum(o.audio_seconds for o in built)
        said = pool.busy
        return {"workers": workers, "articles": articles, "wall": wall, "cpu": cpu,
                "cpu_per_article": cpu / articles, "cpu_per_sentence": cpu / sentences,
                "cpu_per_audio_second": cpu / audio, "audio": audio,
                "busy": said / (wall * workers)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--simulate",
        type=int,
        default=0,
        metavar="N",
        help="(b) only: N articles with 8, 32 and 128 simulated workers",
    )
    parser.add_argument(
        "--rtf",
        type=float,
        default=0.0,
        help="(b): worker seconds per audio second (default: measured by (a))",
    )
    parser.add_argument("--workers", default="8,32,128", help="(b): simulated worker counts")
    parser.add_argument(
        "--publish-every",
        type=int,
        default=10,
        help="(b): publish the feeds after this many episodes (batch.publish_every)",
    )
    options = parser.parse_args()
    if options.simulate:
        rtf = options.rtf or measured_rtf()
        print(
            f"(b) {options.simulate} articles, simulated workers at real-time factor {rtf:.3f}, "
            f"feeds published every {options.publish_every}"
        )
        for workers in map(int, options.workers.split(",")):
            r = simulate(options.simulate, workers, rtf, options.publish_every)
            print(f"{workers:4d} workers: wall {r['wall']:.1f} s, batch process CPU "
                  f"{r['cpu_per_article']:.3f} s/article, {r['cpu_per_sentence'] * 1000:.0f} ms/sentence, "
                  f"{r['cpu_per_audio_second'] * 1000:.1f} ms per audio second; workers busy "
                  f"{100 * r['busy']:.0f} %", flush=True)  # fmt: skip
        return
    results: dict[str, list[float]] = {"cluster local:2": [], "jobs 2": []}
    renders: list[float] = []
    for round_ in range(options.rounds):
        order = [("jobs 2", ("--jobs", "2")), ("cluster local:2", ("--cluster", "local:2"))]
        for name, args in order if round_ % 2 == 0 else order[::-1]:
            with tempfile.TemporaryDirectory() as work:
                folder = Path(work)
                write_articles(folder / "articles", options.articles)
                wall, report = run(folder, *args)
                results[name].append(wall)
                built = report["built"]
                assert isinstance(built, list) and len(built) == options.articles
                if name.startswith("cluster"):
                    renders += [b["seconds"] for b in built]
                print(f"round {round_ + 1}: {name}: {wall:.1f} s", flush=True)
    cluster, jobs = min(results["cluster local:2"]), min(results["jobs 2"])
    print(f"best of {options.rounds}: cluster local:2 {cluster:.1f} s, jobs 2 {jobs:.1f} s, "
          f"ratio {cluster / jobs:.3f} (goal ≤ 1.05)")  # fmt: skip
    print(f"per article on the cluster run, from submission to commit: median "
          f"{sorted(renders)[len(renders) // 2]:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
