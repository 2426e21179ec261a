"""Mastering with real ffmpeg: loudness and true peak measured independently on the MP3."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3

from audio.master import MasterSettings, master
from tests.audiocheck import decode, integrated_lufs, true_peak_dbtp

RATE = 22050


def speechlike(level: float, seconds: float = 12.0, seed: int = 1) -> np.ndarray:
    """Syllable-rate bursts of filtered noise with sharp peaks: a high peak-to-loudness ratio like speech."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    noise = np.convolve(rng.standard_normal(n), np.ones(6) / 6, mode="same")
    envelope = np.clip(np.sin(2 * np.pi * 4 * np.arange(n) / RATE), 0, None) ** 3
    envelope *= np.repeat(rng.uniform(0.2, 1.0, n // RATE + 1), RATE)[:n]
    signal = noise * envelope
    signal[:: RATE // 3] *= 4  # plosive-like spikes
    signal = signal / np.max(np.abs(signal)) * level
    return (signal * 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    return path


@pytest.mark.parametrize("level", [0.05, 0.5, 0.99], ids=["quiet", "normal", "hot"])
def test_mp3_lands_on_target_loudness_and_peak(tmp_path: Path, level: float) -> None:
    wav = write_wav(tmp_path / "in.wav", speechlike(level))
    mp3 = tmp_path / "out.mp3"
    report = master(wav, mp3)
    samples, rate = decode(mp3)
    assert rate == 44100
    assert integrated_lufs(samples, rate) == pytest.approx(-16.0, abs=1.0)
    assert true_peak_dbtp(samples, rate) <= -1.0
    assert report.output_lufs == pytest.approx(integrated_lufs(samples, rate), abs=0.5)
    info = MP3(mp3).info
    assert info.bitrate == 64000
    assert info.length == pytest.approx(12.0, abs=0.1)


def test_other_targets_and_bitrate(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "in.wav", speechlike(0.5))
    mp3 = tmp_path / "out.mp3"
    master(wav, mp3, MasterSettings(target_lufs=-19.0, bitrate_kbps=96, sample_rate=48000))
    samples, rate = decode(mp3)
    assert rate == 48000
    assert integrated_lufs(samples, rate) == pytest.approx(-19.0, abs=1.0)
    assert MP3(mp3).info.bitrate == 96000


def test_silence_does_not_crash(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "in.wav", np.zeros(RATE * 2, dtype=np.int16))
    report = master(wav, tmp_path / "out.mp3")
    assert report.output_lufs <= -69.0
    assert report.passes == 1
    assert (tmp_path / "out.mp3").stat().st_size > 0
