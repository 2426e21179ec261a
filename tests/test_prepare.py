"""The prepared voice: upsampling rewritten into phase convolutions, the same sums."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from voices import prepare
from voices.catalogue import find_voice
from voices.prepare import polyphase_upsampling, prepared_model
from voices.synth import SynthesisSettings, Synthesizer

RNG = np.random.default_rng(3)


def transposed_conv_model(
    cin: int, cout: int, stride: int, *, kernel: int | None = None, bias: bool = True,
    pads: list[int] | None = None, group: int = 1,
) -> onnx.ModelProto:  # fmt: skip
    """x -> ConvTranspose -> Add(x-independent residual of ones) -> y, like piper's decoder."""
    kernel = kernel or 2 * stride
    pads = pads if pads is not None else [stride // 2, stride // 2]
    weight = RNG.standard_normal((cin, cout // group, kernel)).astype(np.float32)
    inits = [numpy_helper.from_array(weight, "w")]
    inputs = ["x", "w"]
    if bias:
        inits.append(numpy_helper.from_array(RNG.standard_normal(cout).astype(np.float32), "b"))
        inputs.append("b")
    nodes = [
        helper.make_node(
            "ConvTranspose", inputs, ["up"], name="/dec/ups.0/ConvTranspose",
            kernel_shape=[kernel], strides=[stride], pads=pads, group=group,
        ),
        helper.make_node("LeakyRelu", ["up"], ["y"], alpha=0.1),
    ]  # fmt: skip
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, cin, "t"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def run(model: onnx.ModelProto | bytes, x: np.ndarray) -> np.ndarray:
    data = model if isinstance(model, bytes) else model.SerializeToString()
    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    out: np.ndarray = session.run(None, {"x": x})[0]
    return out


@pytest.mark.parametrize(
    ("cin", "cout", "stride", "bias"),
    [(4, 3, 2, True), (5, 2, 4, True), (3, 6, 8, False), (2, 2, 4, False)],
)
def test_rewritten_upsampling_gives_the_same_output(
    cin: int, cout: int, stride: int, bias: bool
) -> None:
    model = transposed_conv_model(cin, cout, stride, bias=bias)
    original = model.SerializeToString()
    assert polyphase_upsampling(model) == 1
    assert "ConvTranspose" not in {n.op_type for n in model.graph.node}
    for frames in (1, 2, 7, 31):
        x = RNG.standard_normal((1, cin, frames)).astype(np.float32)
        expected, got = run(original, x), run(model, x)
        assert got.shape == expected.shape == (1, cout, frames * stride)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel": 3},  # kernel not twice the stride
        {"pads": [1, 2]},  # uneven padding
        {"pads": [0, 0]},  # padding not half the stride
        {"group": 2},  # grouped
    ],
)
def test_other_shapes_are_left_alone(kwargs: dict[str, object]) -> None:
    model = transposed_conv_model(4, 4, 4, **kwargs)  # type: ignore[arg-type]
    before = model.SerializeToString()
    assert polyphase_upsampling(model) == 0
    assert model.SerializeToString() == before


def test_a_rewrite_that_does_not_check_out_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    real = prepare._phase_kernels

    def swapped(weight: np.ndarray, stride: int, pad: int) -> tuple[np.ndarray, np.ndarray]:
        behind, ahead = real(weight, stride, pad)
        return ahead, behind

    monkeypatch.setattr(prepare, "_phase_kernels", swapped)
    model = transposed_conv_model(3, 3, 4)
    assert polyphase_upsampling(model) == 0
    assert "ConvTranspose" in {n.op_type for n in model.graph.node}


def test_prepared_copy_is_kept_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "voice.onnx"
    onnx.save(transposed_conv_model(3, 2, 4), str(source))
    kept = prepared_model(source, tmp_path / "cache")
    assert isinstance(kept, Path) and kept.parent == tmp_path / "cache"

    def fail(model: Path) -> bytes:
        raise AssertionError("rewritten again")

    monkeypatch.setattr(prepare, "rewrite_file", fail)
    assert prepared_model(source, tmp_path / "cache") == kept
    # a new version of the model file gets its own prepared copy
    os.utime(source, ns=(1, 1))
    with pytest.raises(AssertionError, match="rewritten again"):
        prepared_model(source, tmp_path / "cache")


def test_a_model_with_nothing_to_rewrite_is_still_kept_optimised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "voice.onnx"
    onnx.save(transposed_conv_model(3, 2, 4, kernel=3), str(source))
    kept = prepared_model(source, tmp_path / "cache")
    assert isinstance(kept, Path) and kept != source
    x = RNG.standard_normal((1, 3, 6)).astype(np.float32)
    np.testing.assert_allclose(run(kept.read_bytes(), x), run(onnx.load(str(source)), x))
    monkeypatch.setattr(prepare, "rewrite_file", lambda model: pytest.fail("parsed again"))
    assert prepared_model(source, tmp_path / "cache") == kept


def test_copies_unused_for_a_month_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    stale = folder / "old-voice-0123456789abcdef.prepared1.onnx"
    recent = folder / "other-voice-0123456789abcdef.prepared2.onnx"
    for path in (stale, recent):
        path.write_bytes(b"x")
    os.utime(stale, (0, 0))
    source = tmp_path / "voice.onnx"
    onnx.save(transposed_conv_model(3, 2, 4), str(source))
    prepared_model(source, folder)
    assert not stale.exists() and recent.exists()


def test_an_unwritable_folder_prepares_in_memory(tmp_path: Path) -> None:
    source = tmp_path / "voice.onnx"
    onnx.save(transposed_conv_model(3, 2, 4), str(source))
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    result = prepared_model(source, blocked / "cache")
    assert isinstance(result, bytes)
    x = RNG.standard_normal((1, 3, 5)).astype(np.float32)
    np.testing.assert_allclose(run(result, x), run(onnx.load(str(source)), x), atol=1e-5)


def deterministic(voice_cache: Path | None) -> Synthesizer:
    """The default voice with no randomness (noise scales 0), so outputs can be compared."""
    settings = SynthesisSettings(noise_scale=0.0, noise_w_scale=0.0)
    return Synthesizer(find_voice(None), settings, prepared=voice_cache)


def test_prepared_default_voice_sounds_the_same(tmp_path: Path) -> None:
    """Piper's three upsampling layers are rewritten; the speech is the same to rounding."""
    import onnx as onnx_module

    model = onnx_module.load(str(find_voice(None).model))
    assert polyphase_upsampling(model) == 3
    text = "The council voted on Tuesday to close the old bridge for repairs."
    plain = deterministic(None).synthesize(text).astype(np.float64)
    prepared = deterministic(tmp_path).synthesize(text).astype(np.float64)
    assert len(list(tmp_path.glob("*.onnx"))) == 1
    assert prepared.shape == plain.shape
    error = float(np.sum((plain - prepared) ** 2))
    snr = 10 * np.log10(float(np.sum(plain**2)) / max(error, 1e-12))
    assert snr > 60, snr  # measured: 98 dB, no sample off by more than 1


def test_a_broken_prepared_copy_is_replaced_by_the_original(tmp_path: Path) -> None:
    voice = find_voice(None)
    kept = prepared_model(voice.model, tmp_path)
    assert isinstance(kept, Path)
    kept.write_bytes(kept.read_bytes()[:1000])  # truncated, as by a full disk
    samples = deterministic(tmp_path).synthesize("A short test.")
    assert samples.size > 1000
    assert not kept.exists()  # forgotten; the next load prepares it again
