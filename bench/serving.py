"""Shared by the serving benchmarks (bench/load.py, bench/pathological.py, bench/fuzz.py): start
`make serve`'s gunicorn command on a free port of 127.0.0.1 over an index, wait for /healthz,
read the server's memory, and stop it. Also builds the IndoSum index the scripts default to.

Traffic goes to 127.0.0.1 only, in loops bounded in count and time.
"""
from __future__ import annotations

import http.client
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("KLIPING_SHARED") or REPO.parent / "shared")
INDOSUM = SHARED / "corpora" / "indosum" / "articles.jsonl"
INDOSUM_MAP = "outlet=source,url=source_url,date=date_from_id_timestamp,tags=category"
WORK = HERE / "work"


def indosum_index(root: Path | None = None) -> Path:
    """The IndoSum index under bench/work/ (built once)."""
    root = root or WORK / "serve-indosum"
    subprocess.run([sys.executable, "-m", "search", "build", str(INDOSUM), "--map", INDOSUM_MAP,
                    "--index", str(root), "--if-missing", "-q"], cwd=REPO, check=True)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


KLIPING_APP = "app:create_app()"  # the app `make serve` names


def serve_command(port: int, workers: int, app: str = KLIPING_APP) -> list[str]:
    """The gunicorn command line of `make serve`, read from the Makefile; `app` in place of
    Kliping's (the FTS5 reference of bench/run.py is served by the same line)."""
    text = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = re.search(r"\$\(BIN\)/gunicorn (.+)", text).group(1)
    line = line.replace("$(WORKERS)", str(workers)).replace("$(HOST)", "127.0.0.1").replace("$(PORT)", str(port))
    args = shlex.split(line)
    if KLIPING_APP not in args:
        raise RuntimeError(f"the Makefile's serve line no longer names {KLIPING_APP}")
    return [str(Path(sys.executable).parent / "gunicorn"), *(app if a == KLIPING_APP else a for a in args)]


class Server:
    """`make serve` on a free port: `Server(index, workers)`, then `.url`, `.rss_mb()`, `.stop()`."""

    def __init__(self, index: Path, workers: int, access_log: str = "off", timeout: float = 120):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KLIPING_INDEX": str(index), "KLIPING_ACCESS_LOG": access_log}
        self.log = open(WORK / f"gunicorn-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(serve_command(self.port, workers), cwd=REPO, env=env,
                                     stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if request(self.port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start; see {self.log.name}")
            time.sleep(0.2)

    def pids(self) -> list[int]:
        """The master and its workers."""
        out = [self.proc.pid]
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    stat = (d / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    out.append(int(d.name))
        return out

    def rss_mb(self) -> dict[int, float]:
        """pid -> resident memory in MB (master first)."""
        out = {}
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out[pid] = int(line.split()[1]) / 1024
            except OSError:
                pass
        return out

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the master and its workers have used so far."""
        tick, total = os.sysconf("SC_CLK_TCK"), 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def request(port: int, path: str, timeout: float = 30, headers: dict | None = None) -> tuple[int, bytes]:
    """GET path on 127.0.0.1:port: (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"
