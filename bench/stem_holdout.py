"""The fixed, seeded hold-out of the spaCy silver lemma table, shared by the lexicon build and
the stemming evaluation so that the evaluated 3,000 words never feed the lexicon."""
from __future__ import annotations

import os
import random
from pathlib import Path

SHARED = Path(os.environ.get("KLIPING_SHARED") or Path(__file__).resolve().parents[2] / "shared")  # ../shared beside the repo

SHARED_STEM = SHARED / "eval/stem"
SPACY_TSV = SHARED_STEM / "spacy_lookups_id_lemma_SILVER.tsv"
SEED = 20240611
HELDOUT_SIZE = 3000


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """`word<TAB>root` lines, lowercased, in file order."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            word, root = line.split("\t", 1)
            pairs.append((word.strip().lower(), root.strip().lower()))
    return pairs


def spacy_split(path: Path = SPACY_TSV) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, heldout) from the single-token entries of the spaCy table (multi-word entries such
    as "teradu domba" are not tokens and are left out). The held-out sample is fixed by SEED."""
    pairs = [p for p in read_pairs(path) if " " not in p[0]]
    held_idx = set(random.Random(SEED).sample(range(len(pairs)), HELDOUT_SIZE))
    train = [p for i, p in enumerate(pairs) if i not in held_idx]
    heldout = [p for i, p in enumerate(pairs) if i in held_idx]
    return train, heldout
