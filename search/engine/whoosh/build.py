"""The builder: Article records in, a new Whoosh index generation out (lunr-style: building is
separate from the read-only index in search.archive).

A build writes a fresh generation directory and publishes it atomically when it is complete;
a killed build leaves the served index untouched.

Memory (bench/proctree.py on the 100k re-deal: 602 MB for the whole process tree, against the
default budget of 768 MB, `Settings.memory_mb`):
- the inputs are read line by line in a forked reading child (search.indexing.reading);
- the writer's postings go to run files past POOL_SHARE of the budget, and the segment is
  assembled from them at commit (search.engine.whoosh.writer);
- echoes keep only the distinct passages in memory (search.stories.echoes);
- the story table's per-article rows (search.stories.storybook: metadata, headline terms,
  paragraph features, quotes) go into the new stories file as they are read; what stays in
  memory is what the quotes' join needs across articles (distinct quotes' members, links and
  term postings) and, when the echo step runs, the stories' clustering;
- each article's input fingerprint is taken from the reader as it arrives and spooled to a
  file, then written out streaming after the commit (search.ingest.fingerprints);
- the echo join runs in a child beside the commit, and the quotes are linked and written here
  meanwhile, only when two of this process fit the budget; else both after the commit, here.
"""
from __future__ import annotations

import contextlib
import json
import marshal
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from search.engine.base import BuildReport
from search.engine.whoosh import store
from search.engine.whoosh.schema import schema, schema_version
from search.engine.whoosh.writer import open_writer, pool_work, release_pool
from search.errors import IngestError
from search.indexing.licences import licences
from search.indexing.parallel import Background, rss_mb, trim
from search.indexing.progress import Progress, Quiet
from search.indexing.reading import prepared
from search.ingest import fingerprints
from search.models import Article, Skipped
from search.settings import DEFAULT, Settings
from search.stories import echoes, storybook
from search.text.analysis import analyzer, join_paragraphs

POOL_SHARE = 0.4  # of Settings.memory_mb: the writer's postings in memory before a run is written


def document(article: Article) -> dict:
    """The Whoosh document for one article."""
    texts = ([article.title] if article.title else []) + list(article.paragraphs)
    record = article.record()
    facets = [article.outlet, article.date, article.editors, article.source, article.tags, article.dateline,
              len(article.paragraphs), article.authors, article.id]  # count: the archive's coverage;
    # authors: `penulis:`; id: which article a document number is (stories, search.engine.whoosh.facets)
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
        writer = echo_step = None
        look_at = 256
        prints = _Prints(items)
        try:
            ix = whoosh_index.create_in(str(gen), schema(settings))
            an = analyzer(settings)
            writer = open_writer(ix, memory=int(settings.memory_mb * POOL_SHARE) << 20)
            echo_table = echoes.EchoTable(an)
            story_table = storybook.StoryTable.spooled(gen)  # quotes, paragraph features, headlines
            for item in items:
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                else:
                    prints.take(item.id)
                    doc = document(item)
                    writer.add_document(**doc)
                    ahead = prepared(items, item.id)  # what the reading child worked out, if it did
                    # The body was just analysed for the index: echoes reuse that analysis.
                    echo_table.collect(item, an.paragraph_stems(doc["body"], skip=1 if item.title else 0,
                                                                count=len(item.paragraphs)),
                                       ahead and ahead.compounds)
                    story_table.collect(item, an, ahead)
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
            # The echo join, its judge, stories and quotes run in a forked child while this
            # process commits (search.indexing.parallel), when the memory budget allows.
            stamp = writer.generation  # the index commit this build makes
            _expect(progress, writer, echo_table)
            progress.finish("index")
            release_pool(writer)  # not inherited by the echo join's child
            trim()
            # Side by side only when two of this process fit the memory budget: a forked child
            # soon owns most of the pages it shares (as the tables are read), so the pair would
            # take about twice this. Else the step runs after the commit (a 100k build: 1,061 MB
            # side by side, against a 768 MB budget).
            side = 2 * rss_mb() <= settings.memory_mb
            story_table.settle(shared=side)  # its file closed: each process opens it again
            tables = [echo_table]
            del echo_table
            echo_step = Background(lambda tell: storybook.join_echoes(*tables, story_table, gen, stamp, tell),
                                   "echoes",  # the join and its judge; the quotes and stories are written here
                                   on_progress=lambda done, total: progress.update("echoes", done, total),
                                   fork=side)
            if echo_step.pid is not None:  # the child has the echo table: its pages become its alone
                tables.clear()
                trim()
            progress.concurrent = echo_step.pid is not None  # else the join runs at wait()
            progress.start("commit")
            if progress.concurrent:
                progress.start("echoes")

            def committing(done: int, total: int) -> None:
                progress.update("commit", done, total)
                echo_step.poll()

            writer.on_progress = committing
            writer.commit(optimize=True)
            writer = None
            progress.finish("commit")
            # The quotes need no echoes: linked and written here while the child joins them.
            quotes = storybook.finish_quotes(story_table, gen) if progress.concurrent else None
            echo_step.wait(tick=progress.tick)
            if quotes is None:
                quotes = storybook.finish_quotes(story_table, gen)
            storybook.finish_stories(story_table, quotes, gen, stamp)
            progress.finish("echoes")
            progress.start("publish")
            prints.save(gen, ix)  # what `add` checks inputs against
            store.write_manifest(gen, {
                "schema_version": schema_version(settings),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "articles": report.added,
                "commit": ix.latest_generation(),
                "sources": [str(s) for s in (sources or [])],
                "licences": licences(sources or []),
            })
            store.publish(root, gen)
        except BaseException:
            # Nothing of this build stays unless it was published (a failed publish is swept).
            if echo_step is not None:
                echo_step.cancel()
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cancel()
            if store.served_name(root) != gen.name:
                shutil.rmtree(gen, ignore_errors=True)
            raise
        finally:
            prints.close()
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


class _Prints:
    """The input fingerprints of a build from `ingest.load` (search.ingest.fingerprints): each
    article's is taken from the reader's `prints.seen` as the article arrives (so the reader
    forgets it) and spooled to a temporary file, read back once when the file is written."""

    def __init__(self, items):
        prints = getattr(items, "prints", None)  # a Loaded, or a reading.Prefetched one
        self._items = items
        self._buf: list = []
        # closed by close(), after save()
        self._file = tempfile.TemporaryFile() if isinstance(prints, fingerprints.Prints) else None  # noqa: SIM115

    def take(self, article_id: str) -> None:
        if self._file is None:
            return
        seen = self._seen()
        fp = seen.pop(article_id, None)
        if fp is not None:
            self._buf.append((article_id, fp))
            if len(self._buf) >= 4096:
                self._flush()

    def _seen(self) -> dict:
        return self._items.prints.seen  # a Prefetched's may be replaced at the reader's end

    def _flush(self) -> None:
        if self._buf:
            self._file.write(marshal.dumps(self._buf))
            self._buf = []

    def save(self, gen: Path, ix) -> None:
        if self._file is None:
            return
        left = self._seen()  # recorded but not taken (none, unless ids were not in items)
        self._buf.extend(left.items())
        left.clear()
        self._flush()
        self._file.seek(0)
        fingerprints.write_stream(gen, ix, self._pairs())

    def _pairs(self):
        while True:
            try:
                yield from marshal.load(self._file)
            except EOFError:
                return

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
