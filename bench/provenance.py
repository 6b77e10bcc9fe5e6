"""Where the figures of a bench/run.py report come from: the machine (CPU, cores, memory, OS and
the versions of Python, SQLite and the libraries measured), the git revision of each checkout
measured, and a clean export of a revision to measure (`export`, run.py --at).
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

from corpora import ROOT, WORK
from measuring import log


def export(rev: str) -> Path:
    """`git archive REV` into bench/work/src-<sha>/ (no change to the repository)."""
    sha = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    dest = WORK / f"src-{sha[:12]}"
    if not (dest / "app.py").exists():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    log(f"measuring git {rev} = {sha[:12]} exported to {dest}")
    return dest


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    import sqlite3
    from importlib import metadata

    vers = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for pkg in ("Whoosh", "PyStemmer", "Flask", "Werkzeug", "datasette", "sqlite-utils", "uvicorn"):
        try:
            vers[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            vers[pkg] = "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": f"{platform.system()} {platform.release()}",
            "versions": vers, "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M")}


def git_rev(repo: Path) -> str:
    if repo.name.startswith("src-") and repo.parent == WORK:
        return repo.name[4:] + " (clean export)"
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "search", "app.py"],
                               cwd=repo, capture_output=True, text=True).stdout.strip()
        return rev + (" (search/ or app.py modified)" if dirty else "")
    except OSError:
        return "?"
