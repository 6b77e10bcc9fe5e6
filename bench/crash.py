"""Crash safety: SIGKILL at many moments of `build`, `add` and `remove`, then the next run.

    python bench/crash.py [--articles 400]

Kill points are of two kinds:
- at the entry of a named step of the writer (the K-th call of a function, found by a profile
  hook in the killed process, so nothing in Kliping is patched): before and after the commit,
  between the commit and each side file (echoes table, echoes file, manifest, fingerprints),
  before publishing, while the echo join runs in its forked child;
- at a fraction of the command's usual run time (SIGKILL from outside).
After each kill: orphans (processes the killed one started that are still alive), then the
served index as it is (readable, every article committed before still there, all or nothing
of the killed run), then the same command run again, and then: lost articles, corrupt index,
stale echoes (the echoes file against echoes computed from scratch over the archive), the
manifest's count and commit, and debris (half-built or unpublished generations, temporary
files, segment files no commit names). Targets: 0 lost, 0 corrupt, 0 stale echoes, 0 orphans,
no debris after the next run. The corpus is the first --articles of IndoSum.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from serving import INDOSUM, INDOSUM_MAP, REPO, WORK

sys.path.insert(0, str(REPO))

from search.engine.whoosh import store
from search.stories import echoes
from search.text.analysis import analyzer

#: Runs the CLI in this process, killing itself at the entry of the K-th call of a function.
KILLER = """
import os, signal, sys
sys.path.insert(0, {repo!r})
name, file_part, k = {name!r}, {file!r}, {k}
main_pid, seen = os.getpid(), [0]
def hook(frame, event, arg):
    if event == "call" and frame.f_code.co_name == name and file_part in frame.f_code.co_filename \\
            and os.getpid() == main_pid:
        seen[0] += 1
        if seen[0] == k:
            os.kill(main_pid, signal.SIGKILL)
sys.setprofile(hook)
import threading
threading.setprofile(hook)
from search.cli import main
raise SystemExit(main({argv!r}))
"""

BUILD_POINTS = [("new_generation", "store.py", 1), ("add_document", "writer.py", 150), ("commit", "whoosh/writing.py", 1),
                ("_flush_segment", "writer.py", 1),
                ("finish_build", "echoes.py", 1), ("wait", "parallel.py", 1), ("write_stream", "fingerprints.py", 1),
                ("write_manifest", "store.py", 1), ("publish", "store.py", 1), ("prune", "store.py", 1)]
ADD_POINTS = [("_repair", "update.py", 1), ("add_document", "writer.py", 40),
              ("commit", "whoosh/writing.py", 1), ("_flush_segment", "writer.py", 1),
              ("update", "echoes.py", 1), ("save", "echoupdate.py", 1), ("write", "echorows.py", 1), ("write", "echorows.py", 2),
              ("_touch_manifest", "update.py", 1), ("write_manifest", "store.py", 1), ("_update_prints", "update.py", 1),
              ("write", "fingerprints.py", 1)]
REMOVE_POINTS = [("delete_document", "whoosh/writing.py", 3), ("commit", "whoosh/writing.py", 1), ("update", "echoes.py", 1), ("_touch_manifest", "update.py", 1),
                 ("write", "fingerprints.py", 1)]
FRACTIONS = [0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95]


def records(n: int) -> list[dict]:
    out = []
    with open(INDOSUM, encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) >= n:
                break
    return out


def write_jsonl(path: Path, recs: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")


def run(argv: list[str], token: str, kill: tuple | None = None, after: float | None = None) -> int:
    env = {**os.environ, "KLIPING_CRASH_RUN": token}
    if kill:
        code = KILLER.format(repo=str(REPO), name=kill[0], file=kill[1], k=kill[2], argv=argv)
        cmd = [sys.executable, "-c", code]
    else:
        cmd = [sys.executable, "-m", "search", *argv]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if after is not None:
        try:
            proc.wait(after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate()
    if proc.returncode not in (0, -9):
        raise RuntimeError(f"{argv}: exit {proc.returncode}: {err.decode()[-800:]}")
    return proc.returncode


def orphans(token: str) -> list[int]:
    """Live processes carrying the run's marker (children of the killed one)."""
    found = []
    needle = f"KLIPING_CRASH_RUN={token}".encode()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if needle in (d / "environ").read_bytes():
                    found.append(int(d.name))
            except OSError:
                pass
    return found


def state(root: Path) -> dict:
    """What the served index holds: ids with their content hash, echoes' freshness, manifest and debris."""
    from search.engine.whoosh.update import stored_articles

    gen = store.current_generation(root)
    ix = store.open_index(gen)
    arts = stored_articles(ix)
    stamp = ix.latest_generation()
    table = echoes.EchoTable.load(gen, stamp)
    fresh = echoes.EchoTable.build(arts, analyzer()).echoes()
    manifest = store.read_manifest(gen)
    served = store.served_name(root)
    debris = [p.name for p in root.glob("gen-*") if not (p / store.MANIFEST).is_file() or p.name > served]
    debris += [p.name for p in root.glob("*.tmp")] + [p.name for p in gen.glob("*.tmp")]
    from whoosh.index import TOC

    toc = TOC.read(ix.storage, "MAIN")
    names = {s.segment_id() for s in toc.segments}
    debris += [f.name for f in gen.glob("MAIN_*.*") if f.name.split(".")[0] not in names]
    return {"ids": {a.id: a.content_hash for a in arts}, "echoes_ok": table is not None and table.echoes() == fresh,
            "manifest_ok": manifest.get("articles") == len(arts) and manifest.get("commit") == stamp,
            "debris": debris}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    args = ap.parse_args()
    work = WORK / "crash"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    recs = records(args.articles + 60)
    base, extra = recs[:args.articles], recs[args.articles:]
    changed = [{**r, "paragraphs": r["paragraphs"] + ["Paragraf tambahan untuk uji."]} for r in base[:20]]
    write_jsonl(work / "base.jsonl", base)
    write_jsonl(work / "add.jsonl", extra + changed)
    write_jsonl(work / "extra.jsonl", extra)
    mapping = ["--map", INDOSUM_MAP]
    template = work / "template"
    run(["build", str(work / "base.jsonl"), *mapping, "--index", str(template)], "setup")
    before = state(template)
    REMOVED[:] = sorted(before["ids"])[:5]
    kills: list[tuple[str, tuple | None, float | None]] = []
    kills += [("build", p, None) for p in BUILD_POINTS] + [("add", p, None) for p in ADD_POINTS]
    kills += [("remove", p, None) for p in REMOVE_POINTS]
    # the usual run times, for the timed kills
    timing = {}
    for cmd in ("build", "add"):
        root = work / f"time-{cmd}"
        shutil.copytree(template, root)
        t = time.perf_counter()
        run(argv_of(cmd, work, root, mapping), "timing")
        timing[cmd] = time.perf_counter() - t
        kills += [(cmd, None, f * timing[cmd]) for f in FRACTIONS]
    print(f"{args.articles} articles; build {timing['build']:.2f} s, add {timing['add']:.2f} s (unkilled); "
          f"{len(kills)} kill points\n")
    print("| command | kill point | killed | orphans | served after the kill | after the next run |\n|---|---|---|---|---|---|")
    totals = {"killed": 0, "lost": 0, "corrupt": 0, "stale echoes": 0, "stale manifest": 0, "orphans": 0,
              "debris": 0, "not atomic": 0}
    base_ids = before["ids"]
    for i, (cmd, point, after) in enumerate(kills):
        root = work / f"run-{i}"
        shutil.copytree(template, root)
        token = uuid.uuid4().hex
        argv = argv_of(cmd, work, root, mapping)
        code = run(argv, token, point, after)
        killed = code == -9
        totals["killed"] += killed
        time.sleep(0.5)
        left = orphans(token)
        totals["orphans"] += len(left)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        expect = expected(cmd, base_ids, extra, changed, base)
        try:
            now = state(root)["ids"]
            kept = set(expect) if cmd == "remove" else set(base_ids)  # what no kill may lose
            lost = len(kept - set(now))
            served = "old" if now == base_ids else "new" if now == expect else f"MIXED ({len(now)})"
            totals["not atomic"] += now not in (base_ids, expect)
        except Exception as e:
            served, lost = f"CORRUPT: {type(e).__name__}", 0
            totals["corrupt"] += 1
        totals["lost"] += lost
        run(argv, token + "-next")
        try:
            after_state = state(root)
            lost_next = len(set(expect) - set(after_state["ids"])) + sum(
                1 for k, v in expect.items() if after_state["ids"].get(k, v) != v)
            notes = []
            if lost_next:
                notes.append(f"{lost_next} lost")
            if not after_state["echoes_ok"]:
                notes.append("stale echoes")
                totals["stale echoes"] += 1
            if not after_state["manifest_ok"]:
                notes.append("stale manifest")
                totals["stale manifest"] += 1
            if after_state["debris"]:
                notes.append(f"debris {after_state['debris'][:3]}")
                totals["debris"] += 1
            totals["lost"] += lost_next
            result = ", ".join(notes) or "ok"
        except Exception as e:
            result = f"CORRUPT: {type(e).__name__}: {e}"
            totals["corrupt"] += 1
        where = f"{point[0]} #{point[2]}" if point else f"{after:.2f} s"
        print(f"| {cmd} | {where} | {'yes' if killed else 'no (finished)'} | {len(left)} | {served} | {result} |",
              flush=True)
        shutil.rmtree(root, ignore_errors=True)
    print()
    print(", ".join(f"{k}: {v}" for k, v in totals.items()))
    return 0


def argv_of(cmd: str, work: Path, root: Path, mapping: list[str]) -> list[str]:
    if cmd == "build":
        return ["build", str(work / "base.jsonl"), str(work / "extra.jsonl"), *mapping, "--index", str(root)]
    if cmd == "add":
        return ["add", str(work / "add.jsonl"), *mapping, "--index", str(root)]
    return ["remove", *REMOVED, "--index", str(root)]


REMOVED: list[str] = []


def expected(cmd: str, base_ids: dict, extra: list[dict], changed: list[dict], base: list[dict]) -> dict:
    """The ids (and content hashes, where known) a completed run leaves."""
    from search import ingest
    from search.models import Article

    if cmd == "remove":
        return {k: v for k, v in base_ids.items() if k not in REMOVED}
    work = WORK / "crash"
    fmap = dict(p.split("=") for p in INDOSUM_MAP.split(","))
    sources = [work / "add.jsonl"] if cmd == "add" else [work / "base.jsonl", work / "extra.jsonl"]
    arts = [a for a in ingest.load(sources, field_map=fmap) if isinstance(a, Article)]
    out = dict(base_ids) if cmd == "add" else {}
    for a in arts:
        out[a.id] = a.content_hash
    return out


if __name__ == "__main__":
    sys.exit(main())
