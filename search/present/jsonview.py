"""The JSON shapes of the public API, built from the core's records (shared by the web API and
`python -m search query --json`). An article's `paragraphs[].url` is the paragraph's durable
permalink (search.present.anchors); `anchor` is today's `#p<n>`, `fragment` the same with a text
fragment, `original` the publisher's address with one (or null)."""
from __future__ import annotations

from search.models import Article, Echo
from search.present.citations import fragment_path, original_fragment, paragraph_path, permalink_path
from search.present.i18n import t
from search.query.archive import SearchResponse
from search.query.explain import explain


def histogram_json(resp: SearchResponse) -> dict:
    h = resp.histogram
    if h is None:
        return {"unit": None, "buckets": []}
    return {"unit": h.unit, "buckets": [{"start": b.start, "end": b.end, "count": b.count} for b in h.buckets],
            "undated": h.undated}


def search_json(resp: SearchResponse, base_url: str = "", search_url: str = "/") -> dict:
    """`search_url` is where the search page is served (for did-you-mean's link)."""
    base = base_url.rstrip("/")
    dym = resp.did_you_mean
    return {
        "query": resp.request.q,
        "read_as": explain(resp.query.query, "en"),  # in the user's words
        "read_as_terms": resp.query.describe(),  # in the index's terms (stems)
        "mode": resp.query.mode,
        "partial": resp.partial,  # the time budget ran out (see "notices")
        "partial_matches": resp.partial_matches,  # no article holds every word: the best partial ones
        "did_you_mean": {"query": dym.q, "url": search_url + dym.qs()} if dym else None,
        "answer_type": resp.query.answer,  # "angka", "waktu" or null (search.answers)
        "notes": list(resp.query.notes),
        "ignored": list(resp.query.ignored),
        "exact": resp.request.exact,
        "expansions": [{"from": typed, "to": list(alts)} for typed, alts in resp.query.expansions],
        "total": resp.total,
        "page": resp.page.page,
        "per_page": resp.page.per_page,
        "pages": resp.page.pages,
        "sort": resp.sort,
        "results": [
            {
                "id": r.id,
                "title": r.title,
                "outlet": r.outlet,
                "date": r.date,
                "url": r.url,
                "score": r.score,
                "source": r.source,
                "editors": r.editors,
                "tags": r.tags,
                "article_url": base + r.article_url,
                "matching_paragraphs": r.matching,
                "paragraphs": [{"n": p.n, "html": p.html, "url": base + p.url} for p in r.paragraphs],
            }
            for r in resp.results
        ],
        "facets": {
            f.name: [{"value": v.value, "count": v.count, "selected": v.selected} for v in f.values]
            for f in resp.facets
        },
        "facets_truncated": {f.name: f.truncated for f in resp.facets},
        "notices": [{"code": n.key, "message": t(n.key, "en", **n.kwargs())} for n in resp.notices],
        "histogram": histogram_json(resp),
        "took_ms": round(resp.took_ms, 2),
    }


def article_json(article: Article, base_url: str = "",
                 echoes: dict[int, list[Echo]] | None = None) -> dict:
    base = base_url.rstrip("/")
    out = {"id": article.id}
    out.update(article.metadata())
    out["paragraphs"] = [
        {"n": n, "text": text, "url": base + permalink_path(article, n),
         "anchor": base + paragraph_path(article.id, n), "fragment": base + fragment_path(article, n),
         "original": original_fragment(article, n)}
        for n, text in enumerate(article.paragraphs, 1)
    ]
    out["echoes"] = {
        str(n): [{"id": e.id, "n": e.n, "outlet": e.outlet, "date": e.date,
                  "similarity": e.similarity} for e in lst]
        for n, lst in sorted((echoes or {}).items())
    }
    return out


def error_json(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}
