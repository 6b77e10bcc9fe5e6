"""The PostgreSQL engine's tables, their version, and an Article as a row.

Kliping's own analysis decides the terms (search.text.analysis); PostgreSQL's parsers and stemmers
are never used. Each article is one row of `kliping_docs_<gen>` whose `terms` tsvector holds, at
the article's own positions (Kliping's position + 1; paragraphs PARA_GAP apart, so a phrase never
spans two):
- each stem of the body (the Whoosh engine's `body`), as it is: `sanksi`;
- each word as written (`exact`), prefixed with EXACT_MARK: `=sanksi-sanksi`;
- each answer-type mark (search.text.answers, `answer`), prefixed with ANSWER_MARK: `?angka`;
- each stem of the headline (the Whoosh engine's `title`, `judul:`), prefixed with TITLE_MARK:
  `^sanksi` (`tlen`, `tblen`: the headline's length, and as Whoosh stores it).
One tsvector and one GIN index answer any boolean query over the three fields. A tsvector keeps
at most 256 positions of a lexeme and positions up to 16,383 (PostgreSQL's limits): a word used
more than 256 times in one article counts 256 times, and phrases past the 16,383rd position of a
very long article are read there. `len` is the body's length in words (a split compound counts
once: Analyzer.word_count, as the Whoosh engine stores it); `blen` that length as
Whoosh stores it (search.engine.bm25.stored_length), so BM25 agrees with the Whoosh engine.

Per generation (a build makes a new one and publishes it by one update of `kliping_meta`):
docs (sharded: hash-partitioned on `id` across the shards' servers through postgres_fdw),
lexicon (document frequency of every lexeme: idf, wildcards), echoes (search.stories.echoes'
links, one row each), files and parts (search.stories.storybook's SQLite files, the echo store
and the stories' file, search.stories.storystore: each a list of content-addressed parts per
commit, search.engine.postgres.files), prints (input fingerprints, search.ingest.fingerprints).
All but docs live on the coordinator.
"""
from __future__ import annotations

import json
from bisect import bisect_right

from search.engine.bm25 import stored_length
from search.models import Article
from search.present.citations import display_title
from search.settings import Settings
from search.text import answers
from search.text.analysis import PARA_GAP, PARA_SHIFT, PARA_SPAN, Analyzer, analyzer, join_paragraphs

#: Bumped on any change to these tables, to how an article becomes a row, or to what a stored
#: Article holds (2: authors, paragraph anchors; credit lines leave the body; 3: compounds, the
#: `authors` and `paras` columns, echoes kept as search.stories.echostore's file; 4: `len` and `tlen`
#: count a split compound as one word, search.text.analysis.Analyzer.word_count; 5: the files
#: table also keeps search.stories.storybook's: judged echoes, stories, quotes; 6: a stored Article
#: holds its paragraphs' fingerprints, `Article.prints`; 7: the stories' file is
#: search.stories.storystore's rows, `stories.sqlite`, and files are kept in parts, FILE_PART;
#: 8: files are lists of content-addressed parts per commit, search.engine.postgres.files).
SCHEMA_FORMAT = 8
EXACT_MARK, ANSWER_MARK, TITLE_MARK = "=", "?", "^"
MAX_POSITION, MAX_POSITIONS = 16383, 256
META = "kliping_meta"
SHARDS = "kliping_shards"
KINDS = ("docs", "lexicon", "echoes", "files", "parts", "prints")  # a generation's tables
DOC_COLUMNS = ("id", "seq", "hash", "article", "outlet", "source", "day", "month", "editors", "tags",
               "authors", "label", "len", "blen", "tlen", "tblen", "paras", "terms")


def schema_version(settings: Settings) -> str:
    return f"pg{SCHEMA_FORMAT}+{analyzer(settings).version}"


def table(kind: str, gen: int) -> str:
    """kliping_docs_7, kliping_lexicon_7, ... (names are made here only, from integers)."""
    assert kind in KINDS
    return f"kliping_{kind}_{int(gen)}"


DOCS_COLUMNS_SQL = """
    id text NOT NULL, seq bigint NOT NULL, hash text NOT NULL, article text NOT NULL,
    outlet text, source text, day text, month text, editors text[] NOT NULL, tags text[] NOT NULL,
    authors text[] NOT NULL, label text NOT NULL, len integer NOT NULL, blen double precision NOT NULL,
    tlen integer NOT NULL, tblen double precision NOT NULL,
    paras integer[] NOT NULL, terms tsvector NOT NULL
"""


def docs_ddl(name: str) -> str:
    return f"CREATE TABLE {name} ({DOCS_COLUMNS_SQL})"


def docs_indexes(name: str) -> list[str]:
    """Made after the rows are loaded (faster than keeping them up to date while loading)."""
    return [f"ALTER TABLE {name} ADD PRIMARY KEY (id)",
            f"CREATE INDEX {name}_terms ON {name} USING gin (terms)",
            f"CREATE INDEX {name}_day ON {name} (day, seq)"]


def coordinator_ddl(gen: int) -> list[str]:
    return [
        f"CREATE TABLE {table('lexicon', gen)} (term text PRIMARY KEY, field \"char\" NOT NULL, df integer NOT NULL)",
        f"CREATE TABLE {table('echoes', gen)} (article_id text NOT NULL, n integer NOT NULL, rank integer NOT NULL,"
        " other_id text NOT NULL, m integer NOT NULL, sim real NOT NULL)",
        f"CREATE INDEX {table('echoes', gen)}_article ON {table('echoes', gen)} (article_id)",
        f"CREATE TABLE {table('files', gen)} (name text NOT NULL, commit integer NOT NULL, size bigint NOT NULL,"
        " digests bytea NOT NULL, PRIMARY KEY (name, commit))",
        f"CREATE TABLE {table('parts', gen)} (digest bytea PRIMARY KEY, data bytea NOT NULL)",
        f"CREATE TABLE {table('prints', gen)} (id text PRIMARY KEY, fp text NOT NULL)",
    ]


def lexeme_field(lexeme: str) -> str:
    return {EXACT_MARK: "e", ANSWER_MARK: "a", TITLE_MARK: "t"}.get(lexeme[:1], "b")


def lexemes(an: Analyzer, article: Article) -> tuple[dict[str, list[int]], int, str, list[int], int]:
    """{lexeme: positions (1-based)} of an article, its body length, the joined body text,
    where each paragraph starts (see `positions`), and its headline's length."""
    texts = ([article.title] if article.title else []) + list(article.paragraphs)
    text = join_paragraphs(texts)
    terms = an.index_terms(text)
    at, starts = positions(terms, len(texts))
    out: dict[str, list[int]] = {}
    titled = bool(article.title)
    for stem, surface, pos in terms:
        p = at[pos]
        out.setdefault(stem, []).append(p)
        out.setdefault(EXACT_MARK + surface, []).append(p)
        if titled and pos < PARA_SPAN:  # paragraph 0 is the headline
            out.setdefault(TITLE_MARK + stem, []).append(p)
    for mark, found in answers.marks(terms).items():
        out[ANSWER_MARK + mark] = [at[p] for p in found]
    tlen = an.word_count(text, PARA_SPAN) if titled else 0  # lengths in words, as the Whoosh engine's
    return out, an.word_count(text), text, starts, tlen


def positions(terms: list[tuple[str, str, int]], paragraphs: int) -> tuple[dict[int, int], list[int]]:
    """Kliping's positions (paragraph k from k * PARA_SPAN, search.text.analysis) packed below
    the tsvector's 16,383: the n-th term of the article, in paragraph k, at 1 + n + k * PARA_GAP,
    so a phrase still never spans two paragraphs. Returns {Kliping position: packed} and the
    packed position where each paragraph starts (the `paras` column; `unpack` reads one back)."""
    at: dict[int, int] = {}
    starts: list[int] = []
    for n, (_, _, pos) in enumerate(terms):
        k = pos >> PARA_SHIFT
        while len(starts) <= k:
            starts.append(1 + n + len(starts) * PARA_GAP)
        at.setdefault(pos, 1 + n + k * PARA_GAP)
    while len(starts) < paragraphs:
        starts.append(1 + len(terms) + len(starts) * PARA_GAP)
    return at, starts


def unpack(packed: int, starts: list[int]) -> int:
    """A packed tsvector position back in Kliping's numbering (paragraph k at k * PARA_SPAN)."""
    k = max(0, bisect_right(starts, packed) - 1)
    return (k << PARA_SHIFT) + packed - (starts[k] if starts else 1)


def tsvector_text(found: dict[str, list[int]]) -> str:
    """The tsvector's input form: 'lexeme':1,5 ... (quotes doubled, backslashes escaped)."""
    parts = []
    for lex, positions in found.items():  # positions ascend, each once (lexemes() makes them so)
        if len(positions) > MAX_POSITIONS or positions[-1] > MAX_POSITION:
            positions = sorted({min(p, MAX_POSITION) for p in positions})[:MAX_POSITIONS]
        if "'" in lex or "\\" in lex:
            lex = lex.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{lex}':{','.join(map(str, positions))}")
    return " ".join(parts)


def row(an: Analyzer, article: Article, seq: int) -> tuple[tuple, dict[str, list[int]], str]:
    """The docs row of an article (DOC_COLUMNS), its lexemes, and its body as analysed."""
    found, length, text, starts, tlen = lexemes(an, article)
    date = article.date or None
    record = article.record()
    return ((article.id, seq, article.content_hash, json.dumps(record, ensure_ascii=False),
             article.outlet or None, article.source or None, date, date[:7] if date else None,
             list(article.editors or ()), list(article.tags or ()), list(article.authors or ()),
             display_title(article), length, float(stored_length(length)), tlen, float(stored_length(tlen)),
             starts, tsvector_text(found)),
            found, text)


def article_from_json(data: str) -> Article:
    record = json.loads(data)
    record.pop("removed", None)
    return Article(**record)
