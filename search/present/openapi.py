"""The OpenAPI 3 description of Kliping's JSON API (served at /api/openapi.json).

Built from the same constants the code reads (the filters, orders, metadata fields and the
request limits of search.settings.Limits), so the bounds it states are the ones enforced;
tests/present/test_openapi.py checks that it names every /api route of the app and that real
responses match it, and a schemathesis run against the app tries it with generated requests.
"""
from __future__ import annotations

from search.models import META_FIELDS
from search.present import cite_formats, exports
from search.query.facets import FACET_ORDER
from search.query.params import COLLAPSES, FILTERS, SORTS
from search.settings import Limits

BASES = ("stated", "inferred", "curated", "unknown")
DATE = r"^\s*([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?\s*$"  # empty: no bound


def _nullable(kind: str, **more) -> dict:
    return {"type": kind, "nullable": True, **more}


def _obj(props: dict, required: list[str] | None = None, extra=False) -> dict:
    out = {"type": "object", "properties": props, "required": list(props) if required is None else required}
    if not extra:
        out["additionalProperties"] = False
    return out


_STR = {"type": "string"}
_INT = {"type": "integer"}
_STRS = {"type": "array", "items": _STR}
CSL = {"type": "array", "items": {"type": "object"}, "description": "CSL-JSON items (article-newspaper)"}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _story(articles: bool = False) -> dict:
    """A story (issue 17): the articles of different outlets that carry the same story."""
    props = {"id": _STR, "size": {"type": "integer", "description": "articles in the story"},
             "outlets": _STRS, "unknown_outlets": _INT,
             "url": {"type": "string", "description": "the search page filtered to the story"}}
    if articles:
        props["articles"] = _STRS
    return {"nullable": True, **_obj(props, required=[k for k in props if k != "articles"])}


_APPEARANCE = {"article": _STR, "n": _INT, "outlet": _nullable("string"), "date": _nullable("string"),
               "title": _STR, "url": _STR}
_MATCH = {"type": "string", "enum": ["exact", "partial"],
          "description": "exact, or partial (a part of the quote, or a paraphrase)"}
_KIND = {"type": "string", "enum": ["direct", "reported"]}


def _quotes() -> dict:
    """GET /api/quotes: statements, their speakers and every paragraph that carries them."""
    first = _obj(_APPEARANCE)
    other = _obj({**_APPEARANCE, "match": _MATCH})
    quote = _obj({"id": _STR, "text": _STR, "speaker": _nullable("string"), "kind": _KIND,
                  "first": first, "occurrences": {"type": "array", "items": other}})
    facet_value = _obj({"value": _STR, "count": _INT, "selected": {"type": "boolean"}})
    return _obj({"total": _INT, "page": _INT, "per_page": _INT, "results": {"type": "array", "items": quote},
                 "facets": _obj({"speaker": {"type": "array", "items": facet_value}})})


def _schemas() -> dict:
    paragraph_hit = _obj({"n": _INT, "html": _STR, "url": _STR})
    result = _obj({
        "id": _STR, "title": _STR, "outlet": _nullable("string"), "date": _nullable("string"),
        "url": _nullable("string"), "score": {"type": "number"}, "source": _nullable("string"),
        "editors": _STRS, "tags": _STRS, "article_url": _STR,
        "matching_paragraphs": {"type": "integer", "description": "paragraphs of the article that hold the query"},
        "paragraphs": {"type": "array", "items": paragraph_hit},
        "story": _story(),
    })
    facet_value = _obj({"value": _STR, "count": _INT, "selected": {"type": "boolean"}})
    search = _obj({
        "query": _STR, "read_as": {"type": "string", "description": "how the query was read, in words"},
        "read_as_terms": {"type": "string", "description": "the same in the index's terms (stems)"},
        "partial_matches": {"type": "boolean", "description": "no article holds every word: the best partial "
                                                              "matches are shown"},
        "did_you_mean": {"nullable": True, **_obj({"query": _STR, "url": _STR})},
        "ignored": _STRS,
        "histogram": _obj({"unit": _nullable("string"), "buckets": {"type": "array", "items": _obj(
            {"start": _STR, "end": _STR, "count": _INT})}, "undated": _INT}, required=["unit", "buckets"]),
        "mode": {"type": "string", "enum": ["browse", "all", "any"]},
        "answer_type": _nullable("string"), "notes": _STRS, "exact": {"type": "boolean"},
        "expansions": {"type": "array", "items": _obj({"from": _STR, "to": _STRS})},
        "total": _INT, "page": _INT, "per_page": _INT, "pages": _INT,
        "sort": {"type": "string", "enum": list(SORTS)},
        "results": {"type": "array", "items": result},
        "facets": {"type": "object", "additionalProperties": {"type": "array", "items": facet_value}},
        "facets_truncated": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "partial": {"type": "boolean", "description": "the time budget ran out: the results may be incomplete"},
        "notices": {"type": "array", "items": _obj({"code": _STR, "message": _STR}),
                    "description": "what the request limits changed (a query cut, a pattern capped, a partial answer)"},
        "took_ms": {"type": "number"},
        "collapse": _nullable("string", description="story: one result per story"),
        "stories": _nullable("integer", description="with collapse=story: how many stories the matches make"),
    })
    meta = {"type": "object", "required": ["value", "basis"], "additionalProperties": False,
            "properties": {"value": {"nullable": True, "oneOf": [_STR, _STRS]},
                           "basis": {"type": "string", "enum": list(BASES)}, "note": _STR}}
    echo = _obj({"id": _STR, "n": _INT, "outlet": _nullable("string"), "date": _nullable("string"),
                 "title": _STR, "similarity": {"type": "number"}, "url": _STR})
    article = _obj({
        "id": _STR, **{name: {"$ref": "#/components/schemas/Metadata"} for name in META_FIELDS},
        "paragraphs": {"type": "array", "items": _obj({
            "n": _INT, "text": _STR, "url": {"type": "string", "description": "the durable permalink"},
            "anchor": {"type": "string", "description": "today's /articles/<id>#p<n>"},
            "fragment": {"type": "string", "description": "the anchor with a text fragment"},
            "original": _nullable("string", description="the publisher's address with a text fragment")})},
        "echoes": {"type": "object", "additionalProperties": {"type": "array", "items": echo},
                   "description": "paragraph number -> passages of other outlets' articles nearly the same"},
        "quotes": {"type": "object", "additionalProperties": {"type": "array", "items": _obj({
            "id": _STR, "speaker": _nullable("string"), "kind": _KIND, "text": _STR,
            "first": _obj(_APPEARANCE), "others": {"type": "array", "items": _obj({**_APPEARANCE, "match": _MATCH})}})},
                   "description": "paragraph number -> the quotes it carries, their first and other appearances"},
        "story": _story(articles=True),
    })
    error = _obj({"error": _obj({"code": _STR, "message": _STR})})
    health = _obj({"status": {"type": "string", "enum": ["ok", "unavailable"]}, "articles": _INT,
                   "generation": _STR, "error": _obj({"code": _STR, "message": _STR})}, required=["status"])
    stats = {"type": "object", "required": ["articles", "paragraphs", "outlets", "dates", "versions", "licences"],
             "properties": {"articles": _INT, "paragraphs": _INT,
                            "outlets": {"type": "array", "items": {"type": "object"}},
                            "dates": {"type": "object"}, "versions": {"type": "object"},
                            "built_at": _nullable("string"), "updated_at": _nullable("string"),
                            "licences": {"type": "object"}}}
    return {"Stats": stats, "SearchResponse": search, "QuotesResponse": _quotes(),
            "Article": article, "Metadata": meta, "Error": error,
            "Health": health}


def spec(limits: Limits | None = None) -> dict:
    """The OpenAPI 3.0 document, its bounds those of `limits`."""
    limits = limits or Limits()
    many = {"type": "array", "items": {"type": "string"}, "maxItems": limits.values_per_param}
    params = [
        {"name": "q", "in": "query", "schema": {"type": "string"},
         "description": f"the query (words, \"phrases\", AND/OR/NOT, -word, prefix*); read up to "
                        f"{limits.query_chars} characters and {limits.query_terms} words"},
        *({"name": f, "in": "query", "schema": many, "style": "form", "explode": True,
           "description": f"keep results with this {f} (repeat for OR; at most {limits.values_per_param})"}
          for f in FILTERS),
        {"name": "from", "in": "query", "schema": {"type": "string", "pattern": DATE, "example": "2024-06"},
         "description": "first day (YYYY, YYYY-MM or YYYY-MM-DD)"},
        {"name": "to", "in": "query", "schema": {"type": "string", "pattern": DATE, "example": "2024-06-30"},
         "description": "last day (YYYY, YYYY-MM or YYYY-MM-DD), not before `from`"},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
        {"name": "page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": limits.depth, "default": 1},
         "description": f"page x per_page may not pass {limits.depth}"},
        {"name": "per_page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": limits.per_page, "default": 10}},
        {"name": "exact", "in": "query", "schema": {"type": "string", "example": "1"},
         "description": "1, true, on or yes: match every word only in the form written"},
        {"name": "collapse", "in": "query", "schema": {"type": "string", "enum": list(COLLAPSES)},
         "description": "story: one result per story, with how many outlets also carry it"},
        {"name": "story", "in": "query", "schema": {"type": "string", "pattern": "^s[0-9a-f]{6,40}$"},
         "description": "a story id: only that story's articles"},
    ]
    for p in params:  # an empty value is no value (as a form sends an empty field)
        p["allowEmptyValue"] = True
    lang = {"name": "lang", "in": "query", "schema": {"type": "string", "example": "en"},
            "description": "id (the default) or en: the language of citations and messages"}
    aid = {"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"}}
    cite_params = [
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": list(cite_formats.FORMATS),
                                                     "default": "text"}},
        {"name": "download", "in": "query", "schema": {"type": "string", "example": "1"},
         "description": "1, true or yes: sent as a file to save"}]

    def cited(description: str) -> dict:
        return {"description": description,
                "content": {cite_formats.MIMETYPES[f].split(";")[0]: {"schema": CSL if f == "csl-json" else _STR}
                            for f in cite_formats.FORMATS}}

    unavailable = _error("the index is missing, of another version, or cannot be read; the message says what to run")
    return {
        "openapi": "3.0.3",
        "info": {"title": "Kliping", "version": "1",
                 "description": "Search an archive of Indonesian-language news, read its articles and cite "
                                "their paragraphs. Errors are JSON: {\"error\": {\"code\", \"message\"}}."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search, filter and page the archive", "operationId": "search",
                "parameters": [*params, lang],
                "responses": {"200": _json("#/components/schemas/SearchResponse", "a page of results"),
                              "400": _error("a parameter is malformed or beyond a limit; the message names it"),
                              "503": unavailable}}},
            "/api/stats": {"get": {
                "summary": "What the archive holds and how it was made (the about page's figures)",
                "operationId": "stats",
                "responses": {"200": _json("#/components/schemas/Stats", "articles, paragraphs, outlets, dates, "
                                                                        "versions and licences"),
                              "503": unavailable}}},
            "/api/articles/{article_id}": {"get": {
                "summary": "One article: metadata with bases, paragraphs and echoes", "operationId": "article",
                "parameters": [aid],
                "responses": {"200": _json("#/components/schemas/Article", "the article"),
                              "404": _error("no article with this id"), "503": unavailable}}},
            "/api/articles/{article_id}/paragraphs/{n}/cite": {"get": {
                "summary": "A citation of one paragraph", "operationId": "cite",
                "parameters": [aid, {"name": "n", "in": "path", "required": True,
                                     "schema": {"type": "integer", "minimum": 0}}, *cite_params, lang],
                "responses": {"200": cited("the citation"), "400": _error("an unknown format"),
                              "404": _error("no such article or paragraph"), "503": unavailable}}},
            "/api/articles/{article_id}/cite": {"get": {
                "summary": "A citation of a whole article", "operationId": "cite_article",
                "parameters": [aid, *cite_params, lang],
                "responses": {"200": cited("the citation"), "400": _error("an unknown format"),
                              "404": _error("no article with this id"), "503": unavailable}}},
            "/api/search/cite": {"get": {
                "summary": f"Citations of a result set: its first {cite_formats.SET_MAX} articles in the "
                           f"search's order (paging is ignored)", "operationId": "cite_search",
                "parameters": [*(p for p in params if p["name"] not in ("page", "per_page")), *cite_params, lang],
                "responses": {"200": cited("the citations; headers X-Kliping-Cited and X-Kliping-Total say "
                                           "how many of how many results"),
                              "400": _error("a parameter is malformed or beyond a limit, or an unknown format"),
                              "503": unavailable}}},
            "/api/search/export": {"get": {
                "summary": "Every matching paragraph, streamed as CSV or JSON Lines", "operationId": "export",
                "parameters": [*(p for p in params if p["name"] not in ("page", "per_page")),
                               {"name": "format", "in": "query",
                                "schema": {"type": "string", "enum": list(exports.FORMATS), "default": "csv"}}],
                "responses": {"200": {"description": "one row per matching paragraph, capped (header "
                                                     "X-Kliping-Export-Limit), then a notice row",
                                      "content": {"text/csv": {"schema": _STR},
                                                  "application/x-ndjson": {"schema": _STR}}},
                              "400": _error("a parameter is malformed or beyond a limit, or an unknown format"),
                              "503": unavailable}}},
            "/api/search/facets/{name}": {"get": {
                "summary": "Every value of one facet for a search, with counts", "operationId": "facet",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": list(FACET_ORDER)}},
                               *(p for p in params if p["name"] not in ("page", "per_page"))],
                "responses": {"200": {"description": "the facet's values",
                                      "content": {"application/json": {"schema": _obj({
                                          "facet": _STR, "total": _INT, "values": {"type": "array", "items": _obj(
                                              {"value": _STR, "count": _INT, "selected": {"type": "boolean"}})}})}}},
                              "400": _error("a parameter is malformed or beyond a limit"),
                              "404": _error("no such facet"), "503": unavailable}}},
            "/api/quotes": {"get": {
                "summary": "Who said what: quotes matching words and a speaker, first appearance first",
                "operationId": "quotes",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
                     "description": f"words of the quote or its speaker; read up to {limits.query_chars} characters"},
                    {"name": "speaker", "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
                     "description": "only this speaker's quotes (a value of the speaker facet)"},
                    {"name": "page", "in": "query", "allowEmptyValue": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": limits.depth, "default": 1}},
                    {"name": "per_page", "in": "query", "allowEmptyValue": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": limits.per_page, "default": 20}}],
                "responses": {"200": _json("#/components/schemas/QuotesResponse", "a page of quotes"),
                              "400": _error("a parameter is malformed or beyond a limit; the message names it"),
                              "503": unavailable}}},
            "/api/openapi.json": {"get": {
                "summary": "This description", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.0",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/healthz": {"get": {
                "summary": "Whether the index can be read", "operationId": "health",
                "responses": {"200": _json("#/components/schemas/Health", "serving"),
                              "503": _json("#/components/schemas/Health", "the index cannot be read")}}},
        },
        "components": {"schemas": _schemas()},
    }
