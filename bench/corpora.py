"""The corpora of bench/run.py: a size's label (seeds, 3.5k, 35k, 100k, any Nk or Nm) as its
articles (the seeds, IndoSum, or bench/redeal.py's re-deal of IndoSum, made once), and the 100
new articles its `add` is measured with. They go to bench/work/ (WORK, git-ignored), as do the
indexes and the servers' logs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import redeal

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
INDOSUM = ROOT.parent / "shared" / "corpora" / "indosum" / "articles.jsonl"
MAP = "outlet=source,url=source_url,date=date_from_id_timestamp,tags=category"


@dataclass
class Corpus:
    label: str
    sources: list[str]
    field_map: str | None
    articles: int
    ids: list[str] = field(default_factory=list)


def size_n(label: str) -> int:
    if label == "35k":
        return 34630
    if label.endswith("m"):
        return int(float(label[:-1]) * 1_000_000)
    return int(float(label[:-1]) * 1000) if label.endswith("k") else int(label)


def corpus(label: str, repo: Path) -> Corpus:
    if label == "seeds":
        seeds = sorted((repo / "seeds").glob("*.txt"))
        return Corpus(label, [str(repo / "seeds")], None, len(seeds))
    if label in ("3.5k", "indosum"):
        src = INDOSUM
    else:
        n = size_n(label)
        src = redeal.ensure(n, WORK / f"redeal-{label}.jsonl")
    ids = [json.loads(line)["id"] for line in src.open(encoding="utf-8")]
    return Corpus(label, [str(src)], MAP, len(ids), ids)


def add_batch(label: str) -> Path:
    """100 new articles (distinct ids) for `python -m search add`, re-dealt with another seed."""
    out = WORK / f"add100-{label}.jsonl"
    return redeal.ensure(100, out, seed=redeal.SEED + 1, id_tag="add")
