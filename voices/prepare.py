"""A piper voice made quicker to run, with the same sound: its upsampling rewritten.

Piper's decoder (HiFi-GAN) upsamples with transposed convolutions, which
onnxruntime computes as a matrix product followed by a scatter-add
(col2im) that costs more than the product. A transposed convolution with
stride ``s``, kernel ``2s`` and padding ``s/2`` (every upsampling layer of
piper's voices) is the same sum as ``s`` ordinary two-tap convolutions, one
per output phase, whose outputs are interleaved. This module rewrites each
such layer into two convolutions (the phases that look one step back, and
the ones that look one step ahead), a concatenation and an interleave.

The arithmetic is the same multiply-adds in another order: outputs agree
with the original model to rounding (98 dB SNR with the noise scales at 0,
no sample off by more than 1), and synthesis is about 7 % quicker (real-time
factor 0.932 times the original's: bench/RESULTS.md).

Rewriting needs the ``onnx`` package and most of a second, so the
rewritten model is kept in a folder, saved as onnxruntime's portable graph
optimisations leave it (which also halves the time to load it), one file per
model file (named by its path, size and modification time, and the
onnxruntime version), and loaded from there by later runs. The folder can be
deleted at any time; a copy unused for 30 days is removed when another is
made. Any layer that does not have the expected shape, or whose rewrite does
not check out numerically, is left as it is.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from audio.atomic import replacing, sweep

if TYPE_CHECKING:
    from onnx import ModelProto, NodeProto

_LOGGER = logging.getLogger(__name__)

#: Version of the preparation; part of every prepared model's file name.
REWRITE_VERSION = "2"
#: Suffix of a prepared model's file name.
SUFFIX = f".prepared{REWRITE_VERSION}.onnx"
#: A prepared copy not used for this long is removed when another one is made.
UNUSED_DAYS = 30


def prepared_name(model: Path) -> str:
    """The file name of ``model``'s prepared copy: its stem, then what identifies the file.

    The onnxruntime version is part of it: the saved optimisations are that version's.
    """
    import onnxruntime

    stat = model.stat()
    identity = f"{model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{onnxruntime.__version__}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return f"{model.stem}-{digest}"


def prepared_model(model: Path, folder: Path | None) -> Path | bytes:
    """What to load for ``model``: its prepared copy in ``folder`` (made now if missing).

    With no ``folder``, or one that cannot keep the copy, the rewritten model's
    bytes (``model`` itself when nothing was rewritten).
    """
    if folder is not None:
        kept = folder / (prepared_name(model) + SUFFIX)
        if kept.is_file():
            try:
                os.utime(kept)  # in use: not swept as unused
            except OSError:
                pass
            return kept
    data = rewrite_file(model)
    in_memory: Path | bytes = model if data is None else data
    if folder is None:
        return in_memory
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _save_optimised(in_memory, kept)
        _sweep_unused(folder)
    except Exception as error:  # a read-only or full disk, or onnxruntime failing to save
        _LOGGER.warning("cannot keep the prepared voice in %s: %s", folder, error)
        return in_memory
    return kept


def _save_optimised(source: Path | bytes, path: Path) -> None:
    """Save ``source`` as onnxruntime's extended optimisations leave it.

    Those are the fusions any CPU runs (the layout changes for this CPU are
    still made at load), so loading the copy skips that work: about 0.15 s
    instead of 0.33 s for the default voice.
    """
    import onnxruntime

    with replacing(path, suffix=".onnx", durable=False) as tmp:
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(tmp)
        onnxruntime.InferenceSession(
            str(source) if isinstance(source, Path) else source,
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        if tmp.stat().st_size == 0:
            raise OSError("onnxruntime saved nothing")


def _sweep_unused(folder: Path) -> None:
    """Remove prepared copies nobody loaded for :data:`UNUSED_DAYS` (older voices, old runtimes)."""
    import time

    now = time.time()
    for path in folder.glob("*.prepared*.onnx"):
        try:
            if path.stat().st_mtime < now - UNUSED_DAYS * 86400:
                path.unlink()
        except OSError:
            pass
    sweep(folder, older_than=86400)  # a save killed a day ago (another run may be saving now)


def forget(prepared: Path) -> None:
    """Remove a prepared copy that failed to load (the next run prepares it again)."""
    prepared.unlink(missing_ok=True)


def rewrite_file(model: Path) -> bytes | None:
    """The rewritten model's bytes, or None when no layer was rewritten."""
    import onnx

    proto = onnx.load(str(model))
    count = polyphase_upsampling(proto)
    _LOGGER.info("prepared %s: %d upsampling layer(s) rewritten", model.name, count)
    if count == 0:
        return None
    data: bytes = proto.SerializeToString()
    return data


def polyphase_upsampling(model: ModelProto) -> int:
    """Rewrite every suitable ConvTranspose of ``model`` in place; return how many."""
    from onnx import helper, numpy_helper

    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    used = _use_counts(model)
    nodes: list[NodeProto] = []
    count = 0
    for node in graph.node:
        plan = _plan(node, initializers, used)
        if plan is None:
            nodes.append(node)
            continue
        weight, bias, stride, pad = plan
        behind, ahead = _phase_kernels(weight, stride, pad)
        if not _checks_out(weight, bias, stride, pad, behind, ahead):
            _LOGGER.warning("left %s as it is: its rewrite does not match", node.name)
            nodes.append(node)
            continue
        half = stride // 2
        out_channels = weight.shape[1]
        name = node.name or f"convtranspose{count}"
        new_inits = {
            f"{name}/behind/w": behind,
            f"{name}/ahead/w": ahead,
            f"{name}/phase/b": np.tile(bias, half).astype(weight.dtype),
            f"{name}/shape4": np.array([0, stride, out_channels, -1], dtype=np.int64),
            f"{name}/shape3": np.array([0, out_channels, -1], dtype=np.int64),
        }
        graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in new_inits.items())
        source = node.input[0]
        conv: dict[str, Any] = {"kernel_shape": [2], "strides": [1], "dilations": [1], "group": 1}
        nodes += [
            helper.make_node(
                "Conv", [source, f"{name}/behind/w", f"{name}/phase/b"], [f"{name}/behind"],
                name=f"{name}/behind", pads=[1, 0], **conv,
            ),
            helper.make_node(
                "Conv", [source, f"{name}/ahead/w", f"{name}/phase/b"], [f"{name}/ahead"],
                name=f"{name}/ahead", pads=[0, 1], **conv,
            ),
            helper.make_node(
                "Concat", [f"{name}/behind", f"{name}/ahead"], [f"{name}/phases"],
                name=f"{name}/phases", axis=1,
            ),
            # [batch, stride * channels, frames] -> [batch, channels, frames * stride]
            helper.make_node(
                "Reshape", [f"{name}/phases", f"{name}/shape4"], [f"{name}/split"],
                name=f"{name}/split",
            ),
            helper.make_node(
                "Transpose", [f"{name}/split"], [f"{name}/interleaved"],
                name=f"{name}/interleave", perm=[0, 2, 3, 1],
            ),
            helper.make_node(
                "Reshape", [f"{name}/interleaved", f"{name}/shape3"], [node.output[0]],
                name=f"{name}/join",
            ),
        ]  # fmt: skip
        count += 1
    if count:
        del graph.node[:]
        graph.node.extend(nodes)
        kept = {i for n in graph.node for i in n.input} | {i.name for i in graph.input}
        unused = [init for init in graph.initializer if init.name not in kept]
        for init in unused:
            graph.initializer.remove(init)
    return count


def _use_counts(model: ModelProto) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in model.graph.node:
        for name in node.input:
            counts[name] = counts.get(name, 0) + 1
    return counts


def _plan(
    node: NodeProto, initializers: dict[str, Any], used: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, int, int] | None:
    """(weight, bias, stride, pad) when ``node`` is a ConvTranspose this rewrite covers."""
    from onnx import helper, numpy_helper

    if node.op_type != "ConvTranspose" or node.domain not in ("", "ai.onnx"):
        return None
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    inputs = list(node.input)
    if len(inputs) < 2 or inputs[1] not in initializers:
        return None
    weight = numpy_helper.to_array(initializers[inputs[1]])
    if weight.ndim != 3 or weight.dtype != np.float32:
        return None
    kernel = list(attrs.get("kernel_shape", [weight.shape[2]]))
    strides = list(attrs.get("strides", [1]))
    pads = list(attrs.get("pads", [0, 0]))
    if (
        len(kernel) != 1
        or len(strides) != 1
        or attrs.get("group", 1) != 1
        or list(attrs.get("dilations", [1])) != [1]
        or any(attrs.get("output_padding", [0]))
        or "output_shape" in attrs
        or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET")
    ):
        return None
    stride = strides[0]
    if stride < 2 or stride % 2 or kernel[0] != 2 * stride or pads != [stride // 2] * 2:
        return None
    if len(inputs) > 2 and inputs[2]:
        if inputs[2] not in initializers:
            return None
        bias = numpy_helper.to_array(initializers[inputs[2]])
    else:
        bias = np.zeros(weight.shape[1], dtype=weight.dtype)
    return weight, bias, stride, pads[0]


def _phase_kernels(weight: np.ndarray, stride: int, pad: int) -> tuple[np.ndarray, np.ndarray]:
    """Two-tap kernels [phase * out + channel, in, tap] for the phases before and after ``s/2``.

    Output sample ``s*q + r`` takes input ``m`` through tap ``s*(q - m) + r + pad``:
    phases ``r < s/2`` take inputs ``q - 1`` and ``q``, the others ``q`` and ``q + 1``.
    """
    in_channels, out_channels, _ = weight.shape
    half = stride // 2
    behind = np.zeros((half * out_channels, in_channels, 2), dtype=weight.dtype)
    ahead = np.zeros_like(behind)
    for r in range(stride):
        if r < half:
            rows = slice(r * out_channels, (r + 1) * out_channels)
            behind[rows, :, 0] = weight[:, :, r + pad + stride].T
            behind[rows, :, 1] = weight[:, :, r + pad].T
        else:
            rows = slice((r - half) * out_channels, (r - half + 1) * out_channels)
            ahead[rows, :, 0] = weight[:, :, r + pad].T
            ahead[rows, :, 1] = weight[:, :, r + pad - stride].T
    return behind, ahead


def _checks_out(
    weight: np.ndarray,
    bias: np.ndarray,
    stride: int,
    pad: int,
    behind: np.ndarray,
    ahead: np.ndarray,
) -> bool:
    """Whether the phase kernels give the transposed convolution on a random input."""
    in_channels, out_channels, kernel = weight.shape
    frames = 5
    x = np.random.default_rng(0).standard_normal((in_channels, frames)).astype(np.float64)
    w = weight.astype(np.float64)
    full = np.zeros((out_channels, (frames - 1) * stride + kernel))
    for m in range(frames):
        full[:, m * stride : m * stride + kernel] += np.einsum("i,iok->ok", x[:, m], w)
    expected = full[:, pad : full.shape[1] - pad] + bias[:, None]
    padded = np.pad(x, ((0, 0), (1, 1)))  # x[-1] and x[frames] are zeros
    before, now, after = padded[:, :-2], padded[:, 1:-1], padded[:, 2:]
    b64, a64 = behind.astype(np.float64), ahead.astype(np.float64)
    phases = np.concatenate(
        [b64[:, :, 0] @ before + b64[:, :, 1] @ now, a64[:, :, 0] @ now + a64[:, :, 1] @ after]
    )  # [stride * out, frames]
    got = phases.reshape(stride, out_channels, frames).transpose(1, 2, 0).reshape(out_channels, -1)
    got = got + bias[:, None]
    scale = float(np.abs(expected).max()) or 1.0
    return got.shape == expected.shape and float(np.abs(got - expected).max()) <= 1e-9 * scale
