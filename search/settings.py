"""Every analysis, query-reading and ranking knob, in one frozen object.

A `Settings` is handed to the builder (`search.engine.open_engine`) and to the archive
(`search.query.archive.Archive`); nothing reads these knobs from module globals, and the
archive's caches key on the settings, so two archives with different settings never share a
cached result. Evaluation scripts and tests make their own: `Settings(k1=1.2)`, or
`DEFAULT.with_("k1=1.2,b=0.75")`.

The defaults are the measured best on bench/eval_ir.py (MRR@10 facqa-dev / tydiqa-id); the
figures behind each are in the docstrings of search.engine.whoosh.scoring, search.query.parse and
search.text.questions. `stemmer` decides the index terms, so it is part of the index's schema
version: an index built with one stemmer refuses to open with another.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace

STEMMERS = ("kliping", "snowball", "none")
QUESTIONS = ("phrases", "words", "off")


def _stemmer_from_env() -> str:
    return os.environ.get("KLIPING_STEMMER", "").strip().lower() or "kliping"


@dataclass(frozen=True)
class Limits:
    """What one request may cost: every bound a reader (or a hostile client) meets, in one place.
    README.md ("Limits") documents each; a request beyond a hard bound gets a 400 that says
    which, one beyond a soft bound is served in part with a notice."""

    query_chars: int = 1000  # characters of `q` read; the rest is dropped, with a notice
    query_terms: int = 64  # words (and phrases, patterns) of `q` read; the rest dropped, with a notice
    values_per_param: int = 50  # values of one repeated parameter (outlet=A&outlet=B...): 400 beyond
    params: int = 200  # query-string parameters in all: 400 beyond
    per_page: int = 100  # results per page: 400 beyond
    depth: int = 10_000  # results reachable by paging (page x per_page): 400 beyond
    export: int = 10_000  # articles one export may hold
    #: words one pattern (`presiden*`, `*a*`, and a fuzzy `kata~`) stands for, the first in the
    #: index's alphabetical order; a notice says when a pattern had more
    expansions: int = 128
    expansions_total: int = 512  # words all the patterns of one query stand for together
    #: seconds one search may spend matching, scoring and making snippets before it answers with
    #: what it has (partial results and a notice)
    budget: float = 1.0

    def __post_init__(self):
        for f in fields(self):
            if not getattr(self, f.name) > 0:
                raise ValueError(f"limit {f.name} must be positive; got {getattr(self, f.name)!r}")


@dataclass(frozen=True)
class Settings:
    # -- analysis (decides the index terms; part of the schema version) --
    #: kliping (Kliping's lexicon-checked stemmer), snowball (plain PyStemmer, as Elasticsearch's
    #: `indonesian`) or none (words unchanged). Default: $KLIPING_STEMMER, else kliping.
    stemmer: str = field(default_factory=_stemmer_from_env)

    # -- reading a query (search.query.parse) --
    max_all_terms: int = 3  # up to this many plain words must all occur; more rank by coverage
    coord_scale: float = 0.9  # coordination bonus of a ranked ("any") query
    exact_twins: bool = True  # in a ranked query each word also scores its written form
    #: which question framing is dropped from plain queries: question words and phrases
    #: ("phrases"), question words only ("words"), or nothing ("off")
    questions: str = "phrases"

    # -- ranking (search.engine.whoosh.scoring) --
    b: float = 0.6
    k1: float = 0.9
    proximity: float = 1.0  # weight of the term-proximity bonus; 0 turns it off
    proximity_top: int = 100  # documents, best BM25 first, that get it
    coverage_power: int = 4
    answer_weight: float = 3.0  # a question's answer-type mark: its BM25 times this
    answer_nearness: float = 2.0  # and its idf in the proximity bonus times this
    partial_ratio: int = 4  # a term this many times commoner than the documents asked about
    # is scored for those documents only
    prune_min: int = 2_000  # a ranked OR matching more documents scores only those that can
    # reach the page (MaxScore, search.engine.whoosh.scoring); 0 always, -1 never

    # -- the query language (search.query.build, search.query.archive) --
    prefer_typed: bool = True  # in an all-words query, articles using the words as typed rank first
    fuzzy_max_terms: int = 50  # written words a fuzzy word (`sanski~`) may expand to
    suggest_rare: int = 10  # a word fewer articles hold than this is checked for a correction
    suggest_ratio: int = 10  # a correction is held by at least this many times as many articles

    # -- results --
    snippets_per_result: int = 3
    export_max_rows: int = 10_000  # paragraphs an export writes before it stops with a notice
    feed_entries: int = 20  # newest matches in an Atom feed

    # -- what one request may cost (search.settings.Limits) --
    limits: Limits = field(default_factory=Limits)

    # -- building (search.engine.whoosh.build) --
    #: about how much memory a build or an add may take, in MB, all its processes together; the
    #: indexer's postings get POOL_SHARE of it and go to disk past that (`--memory MB`)
    memory_mb: int = 768
    #: live articles under which an `add`'s segments are merged into every later add's new one
    #: (tier 0 of search.engine.whoosh.merging); tiers above it are this times 10, 100, ...
    merge_floor: int = 1_000

    def __post_init__(self):
        if self.stemmer not in STEMMERS:
            raise ValueError(f"stemmer must be one of {', '.join(STEMMERS)}; got {self.stemmer!r}")
        if self.questions not in QUESTIONS:
            raise ValueError(f"questions must be one of {', '.join(QUESTIONS)}; got {self.questions!r}")

    def with_(self, changes: str = "", **kw) -> Settings:
        """A copy with some knobs changed: keyword arguments, or a string `k1=1.2,b=0.75`."""
        types = {f.name: f.type for f in fields(self)}
        for item in filter(None, (s.strip() for s in changes.split(","))):
            name, _, value = item.partition("=")
            name = name.strip()
            if name not in types:
                raise ValueError(f"unknown setting {name!r}; known: {', '.join(types)}")
            kind = type(getattr(self, name))
            if kind is Limits:
                raise ValueError("limits are changed with Settings(limits=Limits(...)), not in a string")
            kw[name] = (value.strip().lower() in ("1", "on", "true", "yes")) if kind is bool else kind(value)
        return replace(self, **kw)

    def changed(self) -> dict:
        """The knobs that differ from the defaults (for reports)."""
        base = Settings(stemmer=self.stemmer)
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != getattr(base, f.name)}


DEFAULT = Settings()
