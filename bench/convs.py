"""How close the voice's convolutions run to this machine's float32 peak.

    .venv/bin/python bench/convs.py [--sentences 20]

Synthesises the benchmark article's first sentences with the prepared voice
(voices/prepare.py, two onnxruntime threads, as a build runs it) under
onnxruntime's profiler, and prints for the decoder's convolutions, grouped by
input channels and kernel width, the time, the multiply-adds and the rate. The
yardstick is a large float32 matrix product on the same two cores (numpy's
BLAS), which runs as near the machine's peak as float32 code gets.

This is the measurement behind bench/RESULTS.md's statement that synthesis
cannot become much quicker at the same numbers: where the decoder's time goes,
and how much of it any float32 kernel could still win.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from corpus import article  # noqa: E402


def gemm_peak(runs: int = 3) -> float:
    """Multiply-adds per second of a 4096² float32 matrix product on two threads (best of runs)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
    import numpy as np

    n = 4096
    a = np.random.default_rng(1).random((n, n), dtype=np.float32)
    b = a.T.copy()
    a @ b  # warm-up
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return n**3 / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20)
    args = parser.parse_args()
    peak = gemm_peak()  # before onnxruntime starts its threads

    import numpy as np
    import onnx
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    from podcast.core.settings import default_voice_cache
    from voices.catalogue import bundled_voices
    from voices.prepare import prepared_model

    voice = bundled_voices()[0]
    model = prepared_model(voice.model, default_voice_cache(os.environ))
    if not isinstance(model, Path):
        raise SystemExit("the voice could not be prepared in the voice cache")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    options.enable_profiling = True
    profile_dir = tempfile.mkdtemp(prefix="convs-")
    options.profile_file_prefix = str(Path(profile_dir) / "ort")
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    config = PiperConfig.from_dict(json.loads(voice.config.read_text(encoding="utf-8")))
    piper = PiperVoice(session=session, config=config)  # for its phonemizer
    text = article(7, 800).replace("\n", " ")
    sentences = [piper.phonemes_to_ids(s) for s in piper.phonemize(text)][: args.sentences]
    scales = np.array([0.667, 1.0, 0.8], dtype=np.float32)
    samples = 0
    for ids in sentences:
        feed = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": scales,
        }
        samples += session.run(None, feed)[0].size
    events = json.loads(Path(session.end_profiling()).read_text())

    graph = onnx.load(str(model)).graph
    weights = {i.name: list(i.dims) for i in graph.initializer}
    shapes = {
        node.name: weights[node.input[1]]
        for node in graph.node
        if node.op_type in ("Conv", "FusedConv") and node.input[1] in weights
    }
    spent: collections.Counter[str] = collections.Counter()
    work: collections.Counter[str] = collections.Counter()
    model_time = kernels = 0.0
    for event in events:
        if event.get("name") == "model_run":
            model_time += event["dur"] / 1e6
        if event.get("cat") != "Node" or not event["name"].endswith("_kernel_time"):
            continue
        kernels += event["dur"] / 1e6
        name = event["name"][: -len("_kernel_time")]
        if name in shapes and name.startswith("/dec/"):
            out_channels, in_channels, width = shapes[name][:3]
            length = event["args"]["output_type_shape"][0]["float"][-1]
            group = f"{in_channels:>3} channels in, kernel {width}"
            spent[group] += event["dur"] / 1e6
            work[group] += out_channels * in_channels * width * length
    seconds = samples / voice.sample_rate
    print(f"{len(sentences)} sentences, {seconds:.1f} s of audio; onnxruntime ran "
          f"{model_time:.2f} s (kernels {kernels:.2f} s)")  # fmt: skip
    print(f"float32 matrix product on 2 threads: {peak / 1e9:.0f} G multiply-adds/s\n")
    print(f"{'decoder convolutions':28} {'s':>6} {'G MAC':>7} {'G MAC/s':>8} {'of peak':>8}")
    for group in sorted(spent, key=lambda g: -spent[g]):
        speed = work[group] / spent[group]
        print(f"{group:28} {spent[group]:6.3f} {work[group] / 1e9:7.2f} {speed / 1e9:8.1f} "
              f"{speed / peak:8.0%}")  # fmt: skip
    total, macs = sum(spent.values()), sum(work.values())
    at_peak = macs / peak
    print(f"{'all':28} {total:6.3f} {macs / 1e9:7.2f} {macs / total / 1e9:8.1f} "
          f"{macs / total / peak:8.0%}")  # fmt: skip
    print(f"\nAt the matrix product's rate these convolutions would take {at_peak:.2f} s: at most "
          f"{(total - at_peak) / model_time:.0%} of synthesis left to any float32 kernel.")  # fmt: skip


if __name__ == "__main__":
    main()
