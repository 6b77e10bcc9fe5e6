"""The JSON shapes of the public API, built from the core's records (shared by the web API and
`python -m search query --json`). An article's `paragraphs[].url` is the paragraph's durable
permalink (search.present.anchors); `anchor` is today's `#p<n>`, `fragment` the same with a text
fragment, `original` the publisher's address with one (or null)."""
from __future__ import annotations

from search.models import Article, Echo, FacetValue, QuoteAppearance, QuoteMark, QuotePage, Story
from search.present.citations import article_path, fragment_path, original_fragment, paragraph_path, permalink_path
from search.present.i18n import t
from search.query.archive import SearchResponse
from search.query.explain import explain


def story_json(story: Story | None, base: str = "") -> dict | None:
    """A result's story: its id, how many articles carry it, their known outlets, and the link
    to all of them (the search page filtered to the story)."""
    if story is None:
        return None
    return {"id": story.id, "size": story.size, "outlets": list(story.outlets),
            "unknown_outlets": story.unknown, "url": f"{base}/?story={story.id}"}


def appearance_json(a: QuoteAppearance, base: str = "", match: bool = True) -> dict:
    out = {"article": a.article, "n": a.n, "outlet": a.outlet, "date": a.date, "title": a.title,
           "url": base + paragraph_path(a.article, a.n)}
    if match:
        out["match"] = a.match
    return out


def quotes_json(page: QuotePage, base_url: str = "", speaker: str = "") -> dict:
    """GET /api/quotes: {"total", "results": [{"id", "text", "speaker", "first", "occurrences"}],
    "facets": {"speaker": [{"value", "count", "selected"}]}}."""
    base = base_url.rstrip("/")
    return {
        "total": page.total, "page": page.page, "per_page": page.per_page,
        "results": [{"id": r.id, "text": r.text, "speaker": r.speaker, "kind": r.kind,
                     "first": appearance_json(r.first, base, match=False),
                     "occurrences": [appearance_json(o, base) for o in r.occurrences]}
                    for r in page.results],
        "facets": {"speaker": [{"value": v, "count": n, "selected": v.casefold() == speaker.casefold()}
                               for v, n in page.speakers]},
    }


def histogram_json(resp: SearchResponse) -> dict:
    h = resp.histogram
    if h is None:
        return {"unit": None, "buckets": []}
    return {"unit": h.unit, "buckets": [{"start": b.start, "end": b.end, "count": b.count} for b in h.buckets],
            "undated": h.undated}


def facet_value_json(v: FacetValue) -> dict:
    """One value of a facet, as a search and the facet's own endpoint both give it."""
    return {"value": v.value, "count": v.count, "selected": v.selected}


def facet_json(name: str, values: list[FacetValue]) -> dict:
    """GET /api/search/facets/<name>: every value of one facet for a search, with counts."""
    return {"facet": name, "total": len(values), "values": [facet_value_json(v) for v in values]}


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
                "story": story_json(r.story, base),
            }
            for r in resp.results
        ],
        "collapse": resp.request.collapse or None,
        "stories": resp.stories,
        "facets": {f.name: [facet_value_json(v) for v in f.values] for f in resp.facets},
        "facets_truncated": {f.name: f.truncated for f in resp.facets},
        "notices": [{"code": n.key, "message": t(n.key, "en", **n.kwargs())} for n in resp.notices],
        "histogram": histogram_json(resp),
        "took_ms": round(resp.took_ms, 2),
    }


def article_json(article: Article, base_url: str = "",
                 echoes: dict[int, list[Echo]] | None = None,
                 quotes: dict[int, list[QuoteMark]] | None = None, story: Story | None = None) -> dict:
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
        str(n): [{"id": e.id, "n": e.n, "outlet": e.outlet, "date": e.date, "title": e.title,
                  "similarity": e.similarity, "url": base + paragraph_path(e.id, e.n)} for e in lst]
        for n, lst in sorted((echoes or {}).items())
    }
    out["quotes"] = {
        str(n): [{"id": q.quote, "speaker": q.speaker, "kind": q.kind,
                  "text": " … ".join(article.paragraphs[n - 1][s:e] for s, e in q.spans),
                  "first": appearance_json(q.first, base, match=False),
                  "others": [appearance_json(o, base) for o in q.others]} for q in lst]
        for n, lst in sorted((quotes or {}).items())
    }
    out["story"] = story_json(story, base)
    if story is not None:
        out["story"]["articles"] = [base + article_path(a) for a in story.members]
    return out


def error_json(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}
