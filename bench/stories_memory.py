"""Memory and CPU of the build's story table (search.stories.storybook.StoryTable): the
process's RSS before and after collecting every article of a corpus, and after linking the
quotes, with the CPU time of the collecting.

    python bench/stories_memory.py CORPUS.jsonl [--dict]   # e.g. bench/work/redeal-35k.jsonl

By default the table is the build's (`StoryTable.spooled`: its per-article rows go to a file in
a temporary folder as they are collected); `--dict` holds it all in plain dicts, as builds did
before. The rest of the build is not run.
"""
from __future__ import annotations

import gc
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.engine.whoosh.update import analyzer
from search.indexing.parallel import rss_mb
from search.ingest import load
from search.models import Article
from search.settings import DEFAULT
from search.stories.storybook import StoryTable

MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}


def main() -> int:
    an = analyzer(DEFAULT)
    an.term_set("pemanasan")  # the stemmer and its caches loaded before the first figure
    start = round(rss_mb())
    folder = tempfile.mkdtemp()
    table, n = (StoryTable() if "--dict" in sys.argv else StoryTable.spooled(Path(folder))), 0
    cpu = time.process_time()
    for a in load([Path(sys.argv[1])], field_map=MAP):
        if isinstance(a, Article):
            table.collect(a, an)
            n += 1
    cpu = time.process_time() - cpu
    gc.collect()
    collected = round(rss_mb())
    table.quotes.join()
    gc.collect()
    print(f"{'dict' if table.spool is None else 'spooled'}: {n} articles, {len(table.quotes.units)} quotes: "
          f"RSS {start} MB at start, +{collected - start} MB after collecting ({cpu:.1f} s CPU), "
          f"+{round(rss_mb()) - start} MB after linking the quotes")
    table.settle()
    shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
