"""Memory of the build's story table (search.stories.storybook.StoryTable): the process's RSS
before and after collecting every article of a corpus, and after linking the quotes.

    python bench/stories_memory.py CORPUS.jsonl    # e.g. bench/work/redeal-35k.jsonl

The table is what a build holds in memory until it writes stories.sqlite (issue 13's memory
target counts it); the rest of the build is not run.
"""
from __future__ import annotations

import gc
import sys
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
    table, n = StoryTable(), 0
    for a in load([Path(sys.argv[1])], field_map=MAP):
        if isinstance(a, Article):
            table.collect(a, an)
            n += 1
    gc.collect()
    collected = round(rss_mb())
    table.quotes.join()
    gc.collect()
    print(f"{n} articles, {len(table.quotes.units)} quotes: RSS {start} MB at start, "
          f"+{collected - start} MB after collecting, +{round(rss_mb()) - start} MB after linking the quotes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
