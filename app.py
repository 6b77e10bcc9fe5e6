"""Kliping's web front end: a thin Flask app factory over the core library in search/.

Views only translate HTTP to core calls and render the core's records; the search, facets,
snippets and citations are all in search/, and what the views make of a request's arguments and
of the core's answers that needs no Flask is in search/present/views.py. Routes live in two
blueprints, `pages` and `api` (add a route to one of them); what every response goes through is
`serve()` at the bottom: trusted hosts, security headers, gzip, cache headers of static files and
the JSON-lines access log (what of it needs no Flask is in search/present/web.py). Production
serving is `make serve` (gunicorn, two worker processes per core, the index opened once before
forking; see README "Serving").
"""
from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import sys
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from search.engine import default_location
from search.errors import KlipingError
from search.present import about, cite_formats, exports, i18n, views, web
from search.present.anchors import locate
from search.present.citations import display_title
from search.present.jsonview import article_json, error_json, facet_json, quotes_json, search_json
from search.present.openapi import spec as openapi_spec
from search.present.pageview import article_view
from search.query import export
from search.query.archive import Archive
from search.query.params import QuoteRequest, SearchRequest
from search.query.parse import parse_query
from search.text.provenance import WORD_LISTS

HERE = Path(__file__).resolve().parent
pages = Blueprint("pages", __name__)
api = Blueprint("api", __name__, url_prefix="/api")


def archive() -> Archive:
    return current_app.extensions["kliping"]


def base_url() -> str:
    """Where permalinks and citations point: KLIPING_PUBLIC_URL, else this app's own root on a
    trusted host (TRUSTED_HOSTS: a request naming another host is refused before it gets here)."""
    return current_app.config.get("PUBLIC_URL") or request.url_root


# -- pages ----------------------------------------------------------------------------------------
@pages.get("/")
def search_page():
    req = SearchRequest.from_args(request.args.to_dict(flat=False), archive().settings.limits)
    resp = archive().search(req)
    return render_template("search.html", resp=resp, req=req)


def _facet_values(name: str):
    """The request's search and every value of its facet `name` (404 for an unknown facet)."""
    views.check_facet(name)
    req = SearchRequest.from_args(request.args.to_dict(flat=False), archive().settings.limits)
    facet = archive().facet(req, name)
    return req, (facet.values if facet else [])


@pages.get("/facets/<name>")
def facet_page(name: str):
    """Every value of one facet for a search, views.FACET_PAGE at a time (a facet's "more" link)."""
    req, values = _facet_values(name)
    shown, page, pages_ = views.facet_slice(values, request.args.get("fpage", 1, type=int))
    return render_template("facet.html", req=req, name=name, values=shown, total=len(values),
                           page=page, pages=pages_)


@pages.get("/feed")
def feed():
    """An Atom feed of the newest matches of a search: any search can be followed."""
    req = SearchRequest.from_args(request.args.to_dict(flat=False), archive().settings.limits)
    title, qs, entries = views.feed_parts(req, archive().newest(req, archive().settings.feed_entries))
    here = request.host_url.rstrip("/")
    body = exports.atom(title, here + url_for("pages.feed") + qs, here + url_for("pages.search_page") + qs,
                        entries, base_url().rstrip("/"))
    return Response(body, mimetype="application/atom+xml; charset=utf-8")


@pages.get("/articles/<article_id>")
def article_page(article_id: str):
    article = archive().article(article_id)
    echoes = archive().echoes(article.id)
    quotes = archive().article_quotes(article.id)
    parsed = parse_query(request.args.get("q", ""), settings=archive().settings)
    view = article_view(article, base_url(), g.lang, dt.date.today())
    back = views.search_back(request.args.to_dict(flat=False))
    return render_template("article.html", article=article, **views.article_text(article, view, echoes, quotes, parsed),
                           meta=article.metadata(), view=view, back=back, story=archive().story_of(article.id))


@pages.get("/kutipan")
@pages.get("/quotes")
def quotes_page():
    """Who said what, first appearance first: searchable, with a speaker facet."""
    if request.path.endswith("/quotes") and "lang" not in request.args and "lang" not in request.cookies:
        g.lang = "en"  # the English address of the page
    req = QuoteRequest.from_args(request.args.to_dict(flat=False), archive().settings.limits)
    page = archive().quotes(req)
    return render_template("quotes.html", req=req, page=page)


@pages.get("/articles/<article_id>/<anchor>")
def paragraph_permalink(article_id: str, anchor: str):
    """A durable paragraph permalink: a redirect to the paragraph's current anchor, or a page
    saying it was removed (with its last known text) or can no longer be found."""
    parsed = views.permalink_anchor(article_id, anchor)
    article = archive().article(article_id)
    found = locate(article, *parsed)
    page = url_for("pages.article_page", article_id=article.id)
    if found.kind == "here":
        return redirect(f"{page}#p{found.n}", code=302)
    status = 410 if found.kind == "gone" else 404
    return render_template("paragraph.html", article=article, title=display_title(article),
                           found=found, article_url=page), status


@pages.get("/help")
def help_page():
    return render_template("help.html", body=views.help_html(HERE / "templates", g.lang))


@pages.get("/about")
def about_page():
    cov = archive().coverage()
    return render_template("about.html", cov=cov, bars=about.bars(cov.months), word_lists=WORD_LISTS)


# -- JSON API -----------------------------------------------------------------------------------
@api.get("/search")
def api_search():
    req = SearchRequest.from_args(request.args.to_dict(flat=False), archive().settings.limits)
    return jsonify(search_json(archive().search(req), base_url(),
                               request.host_url.rstrip("/") + url_for("pages.search_page")))


@api.get("/search/export")
def api_export():
    """Every matching paragraph as CSV or JSON Lines, streamed, capped at export_max_rows."""
    fmt = views.checked_format(request.args.get("format", "csv"), exports.FORMATS)
    req = SearchRequest.from_args(request.args.to_dict(flat=False), archive().settings.limits)
    base = base_url().rstrip("/")
    rows = export.rows(archive(), req)
    body = exports.as_csv(rows, base) if fmt == "csv" else exports.as_jsonl(rows, base)
    resp = Response(stream_with_context(body), mimetype=views.EXPORT_MIMETYPES[fmt])
    resp.headers.update(views.export_headers(fmt, archive().settings.export_max_rows))
    return resp


@api.get("/search/facets/<name>")
def api_facet(name: str):
    """Every value of one facet for a search, with counts."""
    _, values = _facet_values(name)
    return jsonify(facet_json(name, values))


@api.get("/stats")
def api_stats():
    return jsonify(about.stats_json(archive().coverage()))


@api.get("/articles/<article_id>")
def api_article(article_id: str):
    article = archive().article(article_id)
    return jsonify(article_json(article, base_url(), archive().echoes(article.id),
                                archive().article_quotes(article.id), archive().story_of(article.id)))


@api.get("/quotes")
def api_quotes():
    req = QuoteRequest.from_args(request.args.to_dict(flat=False), archive().settings.limits)
    return jsonify(quotes_json(archive().quotes(req), base_url(), req.speaker))


def _cited(items, name: str, headers: dict | None = None) -> Response:
    """Items in the format asked (?format=text|csl-json|ris|biblatex, &download=1 to save)."""
    fmt = views.checked_format(request.args.get("format", "text"), cite_formats.FORMATS)
    body = cite_formats.render(fmt, items, base_url(), dt.date.today(), g.lang)
    resp = Response(body, mimetype=cite_formats.MIMETYPES[fmt].split(";")[0])
    resp.headers.update(views.cite_headers(fmt, name, request.args.get("download")))
    resp.headers.update(headers or {})
    return resp


@api.get("/articles/<article_id>/paragraphs/<int:n>/cite")
def api_cite(article_id: str, n: int):
    article = archive().article(article_id)
    views.check_paragraph(article_id, len(article.paragraphs), n)
    return _cited([(article, n)], f"{views.safe_name(article.id)}-p{n}")


@api.get("/articles/<article_id>/cite")
def api_cite_article(article_id: str):
    article = archive().article(article_id)
    return _cited([(article, None)], views.safe_name(article.id))


@api.get("/search/cite")
def api_cite_search():
    """The current result set, its first cite_formats.SET_MAX articles in the search's order."""
    args = views.cited_set_args(request.args.to_dict(flat=False))
    resp = archive().search(SearchRequest.from_args(args, archive().settings.limits))
    items = [(archive().article(r.id), None) for r in resp.results]
    return _cited(items, "kliping-search", {"X-Kliping-Cited": str(len(items)),
                                            "X-Kliping-Total": str(resp.total)})


@api.get("/openapi.json")
def api_openapi():
    return jsonify(openapi_spec(archive().settings.limits))


@pages.get("/healthz")
def healthz():
    """200 with the status, article count and index generation; 503 when the index cannot be
    read (its error says what to run)."""
    try:
        return jsonify({"status": "ok", **archive().health()})
    except KlipingError as err:
        return jsonify({"status": "unavailable", **error_json(err.code, err.message)}), 503
    except Exception as err:  # a corrupt index: unreadable, whatever the exception
        current_app.logger.warning("healthz: the index cannot be read: %r", err)
        return jsonify({"status": "unavailable", **error_json("index_unreadable", views.INDEX_UNREADABLE)}), 503


# -- errors -----------------------------------------------------------------------------------
def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_domain_error(err: KlipingError):
    if _wants_json():
        return jsonify(error_json(err.code, err.message)), err.status
    message = i18n.error_message(err, g.get("lang", i18n.DEFAULT_LANG))
    return render_template("error.html", status=err.status, code=err.code, message=message), err.status


def handle_http_error(err: HTTPException):
    if _wants_json():
        return jsonify(error_json(views.error_code(err.name), err.description)), err.code
    if request_ctx.url_adapter is None:  # a Host outside TRUSTED_HOSTS: no page can link anywhere
        return Response(f"{err.code} {err.name}: {err.description}\n", err.code, mimetype="text/plain")
    message = views.http_error_message(err.code, g.get("lang", i18n.DEFAULT_LANG))
    return render_template("error.html", status=err.code, code=err.name, message=message), err.code


def handle_unexpected(err: Exception):
    current_app.logger.exception("Unexpected error on %s", request.path)
    if _wants_json():
        return jsonify(error_json("internal", i18n.t("internal_error", "en"))), 500
    message = i18n.t("internal_error", g.get("lang", i18n.DEFAULT_LANG))
    return render_template("error.html", status=500, code="internal", message=message), 500


# -- language ---------------------------------------------------------------------------------
def choose_language():
    g.lang, g.set_lang_cookie = views.choose_language(request.args.get("lang"), request.cookies.get("lang"))


def remember_language(resp):
    if g.get("set_lang_cookie"):
        resp.set_cookie("lang", g.lang, max_age=365 * 24 * 3600, samesite="Lax")
    return resp


def template_helpers():
    def search_url(qs: str) -> str:
        """The search page with a query string of the core (?q=...&outlet=...)."""
        return url_for("pages.search_page") + qs

    return {**views.language_helpers(g.get("lang", i18n.DEFAULT_LANG)),
            **views.address_helpers(request.script_root, request.path, request.args), "search_url": search_url}


# -- serving: what every response goes through ------------------------------------------------
def static_version(app: Flask, filename: str) -> str:
    """A static file's version (web.file_version), read once per process."""
    versions = app.extensions.setdefault("static_versions", {})
    if filename not in versions:
        versions[filename] = web.file_version(Path(app.static_folder, filename))
    return versions[filename]


def version_static_urls(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        v = static_version(current_app, values["filename"])
        if v:
            values["v"] = v


def finish_response(resp: Response) -> Response:
    """Security headers on everything; cache headers on static files; gzip where it pays."""
    for name, value in web.SECURITY_HEADERS.items():
        resp.headers.setdefault(name, value)
    static = request.endpoint == "static"
    if static and resp.status_code in (200, 304):
        fresh = request.args.get("v") == static_version(current_app, request.view_args.get("filename", ""))
        web.cache_static(resp.cache_control, fresh)
    return web.compress(resp, static, request.method, lambda: bool(request.accept_encodings["gzip"]))


def plain_etags() -> None:
    """A revalidation of a gzipped static file names the plain file's tag (send_file checks it)."""
    tags = request.environ.get("HTTP_IF_NONE_MATCH")
    if tags and request.endpoint == "static":
        request.environ["HTTP_IF_NONE_MATCH"] = web.plain_tags(tags)
        request.__dict__.pop("if_none_match", None)


def serve(app: Flask) -> None:
    """Install what every response goes through (see the module docstring)."""
    app.config["TRUSTED_HOSTS"] = web.trusted_hosts(app.config["PUBLIC_URL"], app.config.get("TRUSTED_HOSTS_LIST"))
    app.url_defaults(version_static_urls)
    app.before_request(plain_etags)
    app.after_request(finish_response)
    log = web.access_logger(app.config.get("ACCESS_LOG"))
    if log is not None:
        app.wsgi_app = web.AccessLog(app.wsgi_app, log)


def create_app(config: dict | None = None) -> Flask:
    """The app factory. Config key ENGINE (an index directory or a postgresql:// DSN) defaults
    to INDEX_DIR, which defaults to $KLIPING_ENGINE, else $KLIPING_INDEX, else index/."""
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config.from_mapping(
        INDEX_DIR=default_location(),
        ENGINE=None,
        PUBLIC_URL=os.environ.get("KLIPING_PUBLIC_URL"),
        TRUSTED_HOSTS_LIST=os.environ.get("KLIPING_TRUSTED_HOSTS"),
        ACCESS_LOG=os.environ.get("KLIPING_ACCESS_LOG", "-"),
    )
    if config:
        app.config.update(config)
    app.config["PUBLIC_URL"] = web.public_url(app.config["PUBLIC_URL"])
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["kliping"] = Archive(app.config["ENGINE"] or app.config["INDEX_DIR"])
    if app.config.get("WARM", True):
        app.extensions["kliping"].warm()  # open the index now, not on the first request
        if "gunicorn" in sys.modules:  # `make serve` loads the app once, before forking workers
            # What loading and warming made lives as long as the server: left out of cyclic
            # collection, a worker's first full collection no longer walks it (a 33 to 41 ms
            # pause on one cold request at 3.5k) nor copies the pages it shares with the
            # others. A new index generation unfreezes it (search.query.archive).
            gc.freeze()
    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.before_request(choose_language)
    app.after_request(remember_language)
    app.context_processor(template_helpers)
    app.register_error_handler(KlipingError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    serve(app)
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    return app
