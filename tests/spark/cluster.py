"""A real Spark standalone cluster on loopback for tests: one master and one worker from the installed pyspark."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MASTER = "org.apache.spark.deploy.master.Master"
WORKER = "org.apache.spark.deploy.worker.Worker"


@dataclass
class Cluster:
    """A running master (URL) and worker; their logs for failure messages."""

    url: str
    master_log: Path
    worker_log: Path

    def logs(self) -> str:
        """The tail of both logs, for an assertion message."""
        return "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:]
                         for p in (self.master_log, self.worker_log) if p.exists())


def free_port() -> int:
    """A TCP port nobody listens on at the moment (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path:
    """The Spark distribution inside the installed pyspark package."""
    from pyspark.find_spark_home import _find_spark_home  # type: ignore[import-untyped]

    return Path(_find_spark_home())


def loopback_env() -> dict[str, str]:
    """Environment that keeps every Spark process (master, worker, driver) on 127.0.0.1."""
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_LOCAL_HOSTNAME="localhost",
               SPARK_HOME=str(spark_home()))
    env.pop("PYSPARK_GATEWAY_PORT", None)
    return env


def _wait_for(log: Path, text: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until `text` shows in `log`; fail early when the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{log.name}: process exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        time.sleep(0.25)
    raise TimeoutError(f"{log.name}: no {text!r} within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def standalone_cluster(workdir: Path, *, cores: int = 2, memory: str = "2g", timeout: float = 60) -> Iterator[Cluster]:
    """Start a master and a worker (spark-class, foreground processes we own); stop both on exit."""
    if shutil.which("java") is None:
        raise RuntimeError("Java is not installed (scripts/setup.sh installs it): no Spark cluster can start")
    workdir.mkdir(parents=True, exist_ok=True)
    spark_class = str(spark_home() / "bin" / "spark-class")
    env = loopback_env()
    port = free_port()
    url = f"spark://127.0.0.1:{port}"
    cluster = Cluster(url, workdir / "master.log", workdir / "worker.log")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with cluster.master_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [spark_class, MASTER, "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(free_port())],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=workdir))
        _wait_for(cluster.master_log, "I have been elected leader", procs[0], timeout)
        with cluster.worker_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [spark_class, WORKER, url, "--host", "127.0.0.1", "--cores", str(cores), "--memory", memory,
                 "--webui-port", str(free_port()), "--work-dir", str(workdir / "work")],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=workdir))
        _wait_for(cluster.worker_log, "Successfully registered with master", procs[1], timeout)
        yield cluster
    finally:
        for proc in reversed(procs):  # only the processes this function started, by their handle
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
