"""The builder: Article records in, a new Whoosh index generation out (lunr-style: building is
separate from the read-only index in search.archive).

A build writes a fresh generation directory and publishes it atomically when it is complete;
a killed build leaves the served index untouched.
"""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from search.engine.base import BuildReport
from search.engine.whoosh import store
from search.engine.whoosh.schema import schema, schema_version
from search.engine.whoosh.writer import open_writer
from search.errors import IngestError
from search.indexing.parallel import Background
from search.ingest import fingerprints
from search.models import Article, Skipped
from search.settings import DEFAULT, Settings
from search.stories import echoes, storybook
from search.text.analysis import analyzer, join_paragraphs


def document(article: Article) -> dict:
    """The Whoosh document for one article."""
    texts = ([article.title] if article.title else []) + list(article.paragraphs)
    record = article.record()
    facets = [article.outlet, article.date, article.editors, article.source, article.tags, article.dateline]
    text = join_paragraphs(texts)
    return {
        "id": article.id,
        "body": text,
        "exact": text,  # the same words unstemmed (search.schema)
        "answer": text,  # its answer-type marks (search.answers)
        "facets": json.dumps(facets, ensure_ascii=False).encode("utf-8"),
        "hash": article.content_hash,
        "article": json.dumps(record, ensure_ascii=False),
    }


def build(items: Iterable[Article | Skipped], root: str | Path, *, sources: list[str] | None = None,
          on_item: Callable[[Article | Skipped], None] | None = None, wait: float = 0.0,
          allow_empty: bool = True, settings: Settings = DEFAULT) -> BuildReport:
    """Index every Article from `items` into a new generation under `root` and publish it.

    With allow_empty=False, a build that indexed nothing (say, a mistyped path) is not
    published: IngestError says so, and the served index stays as it was."""
    root = Path(root)
    started = time.perf_counter()
    report = BuildReport(index_dir=str(root))
    with store.writer_lock(root, wait=wait):
        gen = store.new_generation(root)
        ix = whoosh_index.create_in(str(gen), schema(settings))
        an = analyzer(settings)
        writer = open_writer(ix)
        echo_table = echoes.EchoTable()
        story_table = storybook.StoryTable()  # quotes, paragraph features, headlines
        echo_step = None
        try:
            for item in items:
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                else:
                    doc = document(item)
                    writer.add_document(**doc)
                    # The body was just analysed for the index: echoes reuse that analysis.
                    echo_table.collect(item, an.paragraph_stems(doc["body"], skip=1 if item.title else 0,
                                                                count=len(item.paragraphs)))
                    story_table.collect(item, an)
                    report.added += 1
                    report.removals += len(item.removed)
                if on_item:
                    on_item(item)
            if not report.added and not allow_empty:
                reasons = "; ".join(f"{s.origin}: {s.reason}" for s in report.skipped[:3])
                raise IngestError(f"Nothing to index ({len(report.skipped)} input(s) skipped"
                                  + (f": {reasons}" if reasons else "")
                                  + f"). The index in {root} is unchanged.")
            # The echo join, its judge, stories and quotes run in a forked child while this
            # process commits (search.indexing.parallel).
            stamp = writer.generation  # the index commit this build makes
            echo_step = Background(lambda: storybook.finish_build(echo_table, story_table, gen, stamp),
                                   "echoes and stories")
            writer.commit(optimize=True)
            echo_step.wait()
            fingerprints.save_build(gen, ix, items)  # what `add` checks inputs against
        except BaseException:
            if echo_step is not None:
                echo_step.cancel()
            writer.cancel()
            shutil.rmtree(gen, ignore_errors=True)
            raise
        store.write_manifest(gen, {
            "schema_version": schema_version(settings),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "articles": report.added,
            "sources": [str(s) for s in (sources or [])],
        })
        store.publish(root, gen)
    report.seconds = time.perf_counter() - started
    return report
