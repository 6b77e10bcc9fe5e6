"""The JSON shapes of the public API, built from the core's records (shared by the web API and
`python -m search query --json`). An article's `paragraphs[].url` is the paragraph's durable
permalink (search.present.anchors); `anchor` is today's `#p<n>`, `fragment` the same with a text
fragment, `original` the publisher's address with one (or null)."""
from __future__ import annotations

from search.models import Article, Echo
from search.present.citations import fragment_path, original_fragment, paragraph_path, permalink_path
from search.query.archive import SearchResponse


def search_json(resp: SearchResponse, base_url: str = "") -> dict:
    base = base_url.rstrip("/")
    return {
        "query": resp.request.q,
        "read_as": resp.query.describe(),
        "mode": resp.query.mode,
        "answer_type": resp.query.answer,  # "angka", "waktu" or null (search.answers)
        "notes": list(resp.query.notes),
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
                "paragraphs": [{"n": p.n, "html": p.html, "url": base + p.url} for p in r.paragraphs],
            }
            for r in resp.results
        ],
        "facets": {
            f.name: [{"value": v.value, "count": v.count, "selected": v.selected} for v in f.values]
            for f in resp.facets
        },
        "facets_truncated": {f.name: f.truncated for f in resp.facets},
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
