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
from search.engine.whoosh.writer import open_writer, pool_work
from search.errors import IngestError
from search.indexing.licences import licences
from search.indexing.parallel import Background
from search.indexing.progress import Progress, Quiet
from search.ingest import fingerprints
from search.models import Article, Skipped
from search.settings import DEFAULT, Settings
from search.stories import echoes
from search.text.analysis import analyzer, join_paragraphs


def document(article: Article) -> dict:
    """The Whoosh document for one article."""
    texts = ([article.title] if article.title else []) + list(article.paragraphs)
    record = article.record()
    facets = [article.outlet, article.date, article.editors, article.source, article.tags, article.dateline,
              len(article.paragraphs), article.authors]  # count: the archive's coverage; authors: `penulis:`
    text = join_paragraphs(texts)
    return {
        "id": article.id,
        "body": text,
        "exact": text,  # the same words unstemmed (search.schema)
        "answer": text,  # its answer-type marks (search.answers)
        "title": article.title or "",  # the headline alone (`judul:`)
        "facets": json.dumps(facets, ensure_ascii=False).encode("utf-8"),
        "hash": article.content_hash,
        "article": json.dumps(record, ensure_ascii=False),
    }


def build(items: Iterable[Article | Skipped], root: str | Path, *, sources: list[str] | None = None,
          on_item: Callable[[Article | Skipped], None] | None = None, wait: float = 0.0,
          allow_empty: bool = True, settings: Settings = DEFAULT, progress: Progress | None = None) -> BuildReport:
    """Index every Article from `items` into a new generation under `root` and publish it.

    With allow_empty=False, a build that indexed nothing (say, a mistyped path) is not
    published: IngestError says so, and the served index stays as it was. `progress` (phases
    search.indexing.progress.BUILD) hears of the commit's postings and the echo join's groups;
    the caller reports the reading and indexing, which it feeds."""
    root = Path(root)
    started = time.perf_counter()
    report = BuildReport(index_dir=str(root))
    progress = progress or Quiet()
    with store.writer_lock(root, wait=wait):
        gen = store.new_generation(root)
        ix = whoosh_index.create_in(str(gen), schema(settings))
        an = analyzer(settings)
        writer = open_writer(ix)
        echo_table = echoes.EchoTable()
        echo_step = None
        look_at = 256
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
                    report.added += 1
                    report.removals += len(item.removed)
                    if report.added >= look_at:  # how much the commit and the join will have
                        look_at = max(report.added + 1024, int(report.added * 1.25))
                        _expect(progress, writer, echo_table)
                if on_item:
                    on_item(item)
            if not report.added and not allow_empty:
                reasons = "; ".join(f"{s.origin}: {s.reason}" for s in report.skipped[:3])
                raise IngestError(f"Nothing to index ({len(report.skipped)} input(s) skipped"
                                  + (f": {reasons}" if reasons else "")
                                  + f"). The index in {root} is unchanged.",
                                  key="nothing_to_index", n=len(report.skipped), root=str(root),
                                  reasons=f": {reasons}" if reasons else "")
            # The echo join runs in a forked child while this process commits (search.parallel).
            stamp = writer.generation  # the index commit this build makes
            _expect(progress, writer, echo_table)
            progress.finish("index")
            echo_step = Background(lambda tell: echoes.finish_build(echo_table, gen, stamp, tell), "echoes",
                                   on_progress=lambda done, total: progress.update("echoes", done, total))
            progress.concurrent = echo_step.pid is not None  # else the join runs at wait()
            progress.start("commit")
            if progress.concurrent:
                progress.start("echoes")

            def committing(done: int, total: int) -> None:
                progress.update("commit", done, total)
                echo_step.poll()

            writer.on_progress = committing
            writer.commit(optimize=True)
            progress.finish("commit")
            echo_step.wait(tick=progress.tick)
            progress.finish("echoes")
            progress.start("publish")
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
            "licences": licences(sources or []),
        })
        store.publish(root, gen)
    progress.finish("publish")
    report.seconds = time.perf_counter() - started
    return report


def _expect(progress: Progress, writer, echo_table: echoes.EchoTable) -> None:
    """How much the commit and the join will have: postings and paragraph groups grow with the
    articles, new terms about as the 0.6th power of them (Heaps' law; 0.55 to 0.61 on IndoSum)."""
    work = pool_work(writer)
    if work is not None:
        postings, terms = work
        progress.expect("commit", (postings, 1.0), (terms, 0.6))
    progress.expect("echoes", (echo_table.join_work(), 1.0))
