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
from flask import Blueprint, Flask, Response, current_app, g, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from search.engine import default_location
from search.errors import BadRequest, KlipingError, NotFound
from search.present import cite_formats, i18n
from search.present.anchors import locate, parse_anchor
from search.present.citations import display_title, paragraph_path
from search.present.jsonview import article_json, error_json, quotes_json, search_json
from search.present.marks import mark_quotes
from search.present.pageview import article_view
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
    view = article_view(article, base_url(), g.lang, dt.date.today())
    paragraphs = [
        dict(p, html=Markup(mark_quotes(p["text"], quotes.get(p["n"], []), parsed.highlight)),
             echoes=[(e, paragraph_path(e.id, e.n)) for e in echoes.get(p["n"], ())],
             quotes=quotes.get(p["n"], []))
        for p in view["paragraphs"]
    ]
    title = display_title(article)
    return render_template("article.html", article=article, title=title, paragraphs=paragraphs,
                           title_html=Markup(highlight(title, parsed.highlight)), q=parsed.text,
                           meta=article.metadata(), view=view, story=archive().story_of(article.id))


@pages.get("/kutipan")
@pages.get("/quotes")
def quotes_page():
    """Who said what, first appearance first: searchable, with a speaker facet."""
    if request.path.endswith("/quotes") and "lang" not in request.args and "lang" not in request.cookies:
        g.lang = "en"  # the English address of the page
    req = QuoteRequest.from_args(request.args.to_dict(flat=False))
    page = archive().quotes(req)
    return render_template("quotes.html", req=req, page=page)


@pages.get("/articles/<article_id>/<anchor>")
def paragraph_permalink(article_id: str, anchor: str):
    """A durable paragraph permalink: a redirect to the paragraph's current anchor, or a page
    saying it was removed (with its last known text) or can no longer be found."""
    parsed = parse_anchor(anchor)
    if parsed is None:
        raise NotFound(f"'{anchor}' is not a paragraph link of article '{article_id}'.",
                       key="bad_permalink", anchor=anchor)
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


def _cited(items, name: str, headers: dict | None = None) -> Response:
    """Items in the format asked (?format=text|csl-json|ris|biblatex, &download=1 to save)."""
    fmt = request.args.get("format", "text")
    if fmt not in cite_formats.FORMATS:
        raise BadRequest(f"'format' must be one of {', '.join(cite_formats.FORMATS)}; got '{fmt}'.",
                         key="bad_format", choices=", ".join(cite_formats.FORMATS), value=fmt)
    body = cite_formats.render(fmt, items, base_url(), dt.date.today(), g.lang)
    resp = Response(body, mimetype=cite_formats.MIMETYPES[fmt].split(";")[0])
    resp.headers["Content-Type"] = cite_formats.MIMETYPES[fmt]
    if request.args.get("download") in ("1", "true", "yes"):
        resp.headers["Content-Disposition"] = (f'attachment; filename="{name}.'
                                               f'{cite_formats.EXTENSIONS[fmt]}"')
    resp.headers.update(headers or {})
    return resp


def _safe_name(article_id: str) -> str:
    return "kliping-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in article_id)[:100]


@api.get("/articles/<article_id>/paragraphs/<int:n>/cite")
def api_cite(article_id: str, n: int):
    article = archive().article(article_id)
    if not 1 <= n <= len(article.paragraphs):
        raise NotFound(f"Article '{article_id}' has paragraphs 1 to {len(article.paragraphs)}; there is no {n}.",
                       key="no_paragraph", id=article_id, count=len(article.paragraphs), n=n)
    return _cited([(article, n)], f"{_safe_name(article.id)}-p{n}")


@api.get("/articles/<article_id>/cite")
def api_cite_article(article_id: str):
    article = archive().article(article_id)
    return _cited([(article, None)], _safe_name(article.id))


@api.get("/search/cite")
def api_cite_search():
    """The current result set, its first cite_formats.SET_MAX articles in the search's order."""
    args = request.args.to_dict(flat=False)
    args["per_page"], args["page"] = [str(cite_formats.SET_MAX)], ["1"]
    resp = archive().search(SearchRequest.from_args(args))
    items = [(archive().article(r.id), None) for r in resp.results]
    return _cited(items, "kliping-search", {"X-Kliping-Cited": str(len(items)),
                                            "X-Kliping-Total": str(resp.total)})


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
