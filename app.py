"""Kliping's web front end: a thin Flask app factory over the core library in search/.

Views only translate HTTP to core calls and render the core's records; the search, facets,
snippets and citations are all in search/.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import markdown as md
import nh3
from flask import Blueprint, Flask, Response, current_app, g, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from search.engine import default_location
from search.errors import KlipingError, NotFound
from search.present import i18n
from search.present.citations import cite, display_title, paragraph_path
from search.present.jsonview import article_json, error_json, quotes_json, search_json
from search.present.marks import mark_quotes
from search.query.archive import Archive
from search.query.params import QuoteRequest, SearchRequest
from search.query.parse import parse_query
from search.query.snippets import highlight

HERE = Path(__file__).resolve().parent
pages = Blueprint("pages", __name__)
api = Blueprint("api", __name__, url_prefix="/api")


def archive() -> Archive:
    return current_app.extensions["kliping"]


def base_url() -> str:
    """Where permalinks and citations point: KLIPING_PUBLIC_URL, else this app's own root."""
    return current_app.config.get("PUBLIC_URL") or request.url_root


# -- pages ----------------------------------------------------------------------------------------
@pages.get("/")
def search_page():
    req = SearchRequest.from_args(request.args.to_dict(flat=False))
    resp = archive().search(req)
    return render_template("search.html", resp=resp, req=req)


@pages.get("/articles/<article_id>")
def article_page(article_id: str):
    article = archive().article(article_id)
    echoes = archive().echoes(article.id)
    quotes = archive().article_quotes(article.id)
    parsed = parse_query(request.args.get("q", ""), settings=archive().settings)
    today = dt.date.today()
    paragraphs = [
        {
            "n": n,
            "html": Markup(mark_quotes(text, quotes.get(n, []), parsed.highlight)),
            "permalink": base_url().rstrip("/") + paragraph_path(article.id, n),
            "citation": cite(article, n, base_url(), today, g.lang),
            "echoes": [(e, paragraph_path(e.id, e.n)) for e in echoes.get(n, ())],
            "quotes": quotes.get(n, []),
        }
        for n, text in enumerate(article.paragraphs, 1)
    ]
    title = display_title(article)
    return render_template("article.html", article=article, title=title, paragraphs=paragraphs,
                           title_html=Markup(highlight(title, parsed.highlight)), q=parsed.text,
                           meta=article.metadata(), story=archive().story_of(article.id))


@pages.get("/kutipan")
@pages.get("/quotes")
def quotes_page():
    """Who said what, first appearance first: searchable, with a speaker facet."""
    if request.path.endswith("/quotes") and "lang" not in request.args and "lang" not in request.cookies:
        g.lang = "en"  # the English address of the page
    req = QuoteRequest.from_args(request.args.to_dict(flat=False))
    page = archive().quotes(req)
    return render_template("quotes.html", req=req, page=page)


@pages.get("/help")
def help_page():
    path = HERE / "templates" / f"help.{g.lang}.md"
    html = nh3.clean(md.markdown(path.read_text(encoding="utf-8"), extensions=["tables"]))
    return render_template("help.html", body=Markup(html))


# -- JSON API -----------------------------------------------------------------------------------
@api.get("/search")
def api_search():
    req = SearchRequest.from_args(request.args.to_dict(flat=False))
    return jsonify(search_json(archive().search(req), base_url()))


@api.get("/articles/<article_id>")
def api_article(article_id: str):
    article = archive().article(article_id)
    return jsonify(article_json(article, base_url(), archive().echoes(article.id),
                                archive().article_quotes(article.id), archive().story_of(article.id)))


@api.get("/quotes")
def api_quotes():
    req = QuoteRequest.from_args(request.args.to_dict(flat=False))
    return jsonify(quotes_json(archive().quotes(req), base_url(), req.speaker))


@api.get("/articles/<article_id>/paragraphs/<int:n>/cite")
def api_cite(article_id: str, n: int):
    article = archive().article(article_id)
    if not 1 <= n <= len(article.paragraphs):
        raise NotFound(f"Article '{article_id}' has paragraphs 1 to {len(article.paragraphs)}; there is no {n}.",
                       key="no_paragraph", id=article_id, count=len(article.paragraphs), n=n)
    text = cite(article, n, base_url(), dt.date.today(), g.lang)
    return Response(text + "\n", mimetype="text/plain; charset=utf-8")


# -- errors -----------------------------------------------------------------------------------
def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_domain_error(err: KlipingError):
    if _wants_json():
        return jsonify(error_json(err.code, err.message)), err.status
    message = i18n.error_message(err, g.get("lang", i18n.DEFAULT_LANG))
    return render_template("error.html", status=err.status, code=err.code, message=message), err.status


def handle_http_error(err: HTTPException):
    message = i18n.t("page_not_found", g.get("lang", "id")) if err.code == 404 else err.description
    if _wants_json():
        return jsonify(error_json(err.name.lower().replace(" ", "_"), err.description)), err.code
    return render_template("error.html", status=err.code, code=err.name, message=message), err.code


def handle_unexpected(err: Exception):
    current_app.logger.exception("Unexpected error on %s", request.path)
    message = "An unexpected error occurred; it has been logged. Nothing in the archive was changed."
    if _wants_json():
        return jsonify(error_json("internal", message)), 500
    return render_template("error.html", status=500, code="internal", message=message), 500


# -- language ---------------------------------------------------------------------------------
def choose_language():
    asked = request.args.get("lang")
    cookie = request.cookies.get("lang")
    g.lang = asked if asked in i18n.LANGS else cookie if cookie in i18n.LANGS else i18n.DEFAULT_LANG
    g.set_lang_cookie = asked in i18n.LANGS


def remember_language(resp):
    if g.get("set_lang_cookie"):
        resp.set_cookie("lang", g.lang, max_age=365 * 24 * 3600, samesite="Lax")
    resp.headers.setdefault("Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    return resp


def template_helpers():
    lang = g.get("lang", i18n.DEFAULT_LANG)

    def lang_url(code: str) -> str:
        args = request.args.to_dict(flat=False)
        args["lang"] = [code]
        from urllib.parse import urlencode
        return request.script_root + request.path + "?" + urlencode(args, doseq=True)

    def href(path: str) -> str:
        """An app-relative path of the core (/articles/...) under the app's mount point."""
        return request.script_root + path

    def para(article_id: str, n: int) -> str:
        """A paragraph's page address (/articles/ID#pN) under the app's mount point."""
        return request.script_root + paragraph_path(article_id, n)

    def search_url(qs: str) -> str:
        """The search page with a query string of the core (?q=...&outlet=...)."""
        return url_for("pages.search_page") + qs

    return {
        "t": lambda key, **kw: i18n.t(key, lang, **kw),
        "lang": lang,
        "fdate": lambda v: i18n.format_date(v, lang),
        "lang_url": lang_url,
        "href": href,
        "para": para,
        "search_url": search_url,
    }


def create_app(config: dict | None = None) -> Flask:
    """The app factory. Config key INDEX_DIR (the index's location) defaults to
    $KLIPING_ENGINE, else $KLIPING_INDEX, else index/."""
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config.from_mapping(
        INDEX_DIR=default_location(),
        PUBLIC_URL=os.environ.get("KLIPING_PUBLIC_URL"),
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["kliping"] = Archive(app.config["INDEX_DIR"])
    if app.config.get("WARM", True):
        app.extensions["kliping"].warm()  # open the index now, not on the first request
    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.before_request(choose_language)
    app.after_request(remember_language)
    app.context_processor(template_helpers)
    app.register_error_handler(KlipingError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    return app
