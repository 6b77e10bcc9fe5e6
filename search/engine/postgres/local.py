"""Throwaway PostgreSQL servers on 127.0.0.1, for the tests and the benchmarks.

`LocalServer.start(folder)` runs Debian's initdb and pg_ctl (on PATH, else under
/usr/lib/postgresql/*/bin) in a fresh folder, on a random free port, as the `postgres` user when
this process is root (initdb refuses root), with trust authentication on 127.0.0.1 only.
`replica_of(primary, folder)` makes a streaming replica with pg_basebackup. `stop()` stops the
server (fast shutdown) and removes its folder. Nothing here is used when Kliping serves: a
production archive names servers that its operators run (see the README).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "postgres"  # the role and, when run as root, the system user the servers run as

#: Settings of a test server: small, quick to stop, and able to stream to a replica.
CONF = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "max_connections": "60",
    "shared_buffers": "128MB",
    "wal_level": "replica",
    "max_wal_senders": "4",
    "hot_standby": "on",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_parallel_workers_per_gather": "0",
    "log_min_messages": "warning",
    "logging_collector": "off",
}


def pg_bin(name: str) -> str:
    """Where a PostgreSQL program is: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]),
                         reverse=True):
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"{name} not found: install Debian's postgresql (make test does)")


def available() -> bool:
    try:
        pg_bin("initdb")
        return True
    except FileNotFoundError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", USER, "--", *cmd]
    return cmd


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        pw = pwd.getpwnam(USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)


class LocalServer:
    """One PostgreSQL server in a folder of its own."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = Path(folder), port
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"

    @property
    def dsn(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, folder: Path | None = None, conf: dict | None = None) -> LocalServer:
        """initdb a new cluster in `folder` (a new temporary folder by default) and start it."""
        folder = Path(folder or tempfile.mkdtemp(prefix="kliping-pg-"))
        folder.mkdir(parents=True, exist_ok=True)
        _own(folder)
        server = cls(folder, free_port())
        subprocess.run(_as_server_user([pg_bin("initdb"), "-D", str(server.data), "-U", USER, "-A", "trust",
                                        "-E", "UTF8", "--locale=C", "--no-sync"]),
                       check=True, capture_output=True)
        hba = server.data / "pg_hba.conf"
        hba.write_text("host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n")
        server._configure({**CONF, **(conf or {})})
        server.run()
        return server

    @classmethod
    def replica_of(cls, primary: LocalServer, folder: Path | None = None) -> LocalServer:
        """A streaming replica of `primary` (pg_basebackup -R), started."""
        folder = Path(folder or tempfile.mkdtemp(prefix="kliping-pg-replica-"))
        folder.mkdir(parents=True, exist_ok=True)
        _own(folder)
        server = cls(folder, free_port())
        subprocess.run(_as_server_user([pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                                        "-U", USER, "-D", str(server.data), "-R", "-X", "stream", "-c", "fast",
                                        "--no-sync"]),
                       check=True, capture_output=True)
        server._configure({"port": str(server.port)})
        server.run()
        return server

    def _configure(self, conf: dict) -> None:
        lines = [f"{k} = {v}" for k, v in {**conf, "port": str(self.port)}.items()]
        with open(self.data / "postgresql.conf", "a") as fh:
            fh.write("\n# kliping test server\n" + "\n".join(lines) + "\n")

    def run(self) -> None:
        """Start (or start again) the server and wait until it accepts connections."""
        subprocess.run(_as_server_user([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                                        "-w", "-t", "60", "start"]),
                       check=True, capture_output=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL on port {self.port} did not start; see {self.log}")

    def halt(self, mode: str = "fast") -> None:
        """Stop the server, keeping its folder (run() starts it again)."""
        if (self.data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
                           capture_output=True)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        self.halt("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
