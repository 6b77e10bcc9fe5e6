"""Memory of a whole process tree, sampled while a command runs (builds fork children).

    python bench/proctree.py -- python -m search build ...     # prints one JSON line
    python bench/proctree.py --trace FILE -- ...                # and PSS per process each second

`measure(cmd)` starts the command and, every `every` seconds until it exits, sums over it and
every descendant the proportional set size (PSS, from /proc/PID/smaps_rollup: pages shared by a
forked child and its parent are counted once, split between them) and the resident set size
(RSS, which counts shared pages in each process). It returns the wall time, the peak of each
sum, the most processes seen at once, the command's CPU time (its own and its children's, from
wait4) and its exit status. PSS is the figure to quote for "memory of the build": the sum of
RSS overstates a fork's copy-on-write sharing.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(pid: int) -> list[int]:
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def _kb(pid: int, fallback_rss: bool = False) -> tuple[int, int]:
    """(PSS, RSS) of one process in kB; (0, 0) when it is gone. With `fallback_rss`, a process
    whose smaps_rollup cannot be read (another user's, when not root) or holds no PSS counts its
    RSS (VmRSS of /proc/PID/status, which anyone may read) as both."""
    pss = rss = None
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    if pss is None and fallback_rss:
        pss = rss = status_kb(pid, "VmRSS").get("VmRSS", 0)
    return pss or 0, rss or 0


def status_kb(pid: int, *names: str) -> dict[str, int]:
    """Fields of /proc/PID/status given in kB (VmRSS, VmHWM ...), which anyone may read; the
    ones missing (a process that is gone, or a kernel thread) are left out."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in names:
                    out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


def tree_pss_mb(pid: int | None, fallback_rss: bool = False) -> float:
    """The summed PSS of a process and its descendants now, in MB (pages they share count once);
    NaN without a process id. `fallback_rss`: a process whose PSS cannot be read counts its RSS
    (as `_kb`), so another user's processes (a PostgreSQL server's) are not counted as nothing."""
    if not pid:
        return float("nan")
    return sum(_kb(p, fallback_rss)[0] for p in tree(pid)) / 1024


SLOW_AFTER = 60.0  # seconds: from then on a sample a second at most (SLOW_EVERY)
SLOW_EVERY = 1.0


def measure(cmd: list[str], cwd=None, env=None, every: float = 0.2, trace=None) -> dict:
    """`trace`: an open text file that gets one line per sample: seconds, then each process's
    PSS in MB (the command's first). Samples come `every` seconds for the first SLOW_AFTER
    seconds, then every SLOW_EVERY: a sample reads every process's /proc/PID/stat and the tree's
    smaps_rollup, which at 5 a second took 7% of a core from a 1M build that used both."""
    started = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    bufs = {"out": b"", "err": b""}

    def drain(name, stream):
        bufs[name] = stream.read()

    threads = [threading.Thread(target=drain, args=("out", p.stdout)),
               threading.Thread(target=drain, args=("err", p.stderr))]
    for t in threads:
        t.start()
    peak_pss = peak_rss = procs = 0
    status = ru = None
    while True:
        pid, st, r = os.wait4(p.pid, os.WNOHANG)
        if pid:
            status, ru = st, r
            break
        pids = tree(p.pid)
        sizes = [_kb(x) for x in pids]
        if trace is not None:
            trace.write(f"{time.perf_counter() - started:.1f} " + " ".join(str(s[0] >> 10) for s in sizes) + "\n")
        peak_pss = max(peak_pss, sum(s[0] for s in sizes))
        peak_rss = max(peak_rss, sum(s[1] for s in sizes))
        procs = max(procs, len(pids))
        time.sleep(every if time.perf_counter() - started < SLOW_AFTER else max(every, SLOW_EVERY))
    wall = time.perf_counter() - started
    for t in threads:
        t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": wall, "peak_tree_pss_mb": peak_pss / 1024, "peak_tree_rss_mb": peak_rss / 1024,
            "peak_rss_mb": ru.ru_maxrss / 1024, "cpu_s": ru.ru_utime + ru.ru_stime, "processes": procs,
            "rc": p.returncode, "stdout": bufs["out"].decode(errors="replace")[-2000:],
            "stderr": bufs["err"].decode(errors="replace")[-2000:]}


if __name__ == "__main__":
    args = sys.argv[1:]
    trace = None
    if args[:1] == ["--trace"]:
        trace = open(args[1], "w", buffering=1)  # noqa: SIM115  (closed at exit)
        args = args[2:]
    if args and args[0] == "--":
        args = args[1:]
    r = measure(args, cwd=Path.cwd(), every=1.0 if trace else 0.2, trace=trace)
    print(json.dumps({k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()
                      if k not in ("stdout", "stderr")}))
    sys.exit(r["rc"])
