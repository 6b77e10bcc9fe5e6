"""The Flask-free half of app.py's views: what a page or an API response is made of once the
request's arguments are read and the core has answered, and the checks that turn a bad argument
into a domain error (search.errors), so that app.py only translates HTTP. Plain data, apart from
the article page's and help page's HTML, which is made safe here (marks.py escapes the text;
nh3 cleans the rendered Markdown) and marked so with markupsafe."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlencode

import markdown as md
import nh3
from markupsafe import Markup

from search.errors import BadRequest, KlipingError, NotFound
from search.models import Article
from search.present import cite_formats, i18n
from search.present.anchors import parse_anchor
from search.present.citations import article_path, display_title, paragraph_path, web_link
from search.present.marks import mark_quotes
from search.present.words import ui
from search.query.explain import explain
from search.query.facets import FACET_ORDER
from search.query.params import SearchRequest
from search.query.parse import ParsedQuery
from search.query.snippets import highlight

FACET_PAGE = 50  # values per page of a facet's "more" list
EXPORT_MIMETYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
INDEX_UNREADABLE = "The index cannot be read. Rebuild it with: python -m search build"


def checked_format(fmt: str, formats: Sequence[str]) -> str:
    """`fmt` when it is one of `formats` (?format= of an export or a citation), else a 400."""
    if fmt not in formats:
        raise BadRequest(f"'format' must be one of {', '.join(formats)}; got '{fmt}'.",
                         key="bad_format", choices=", ".join(formats), value=fmt)
    return fmt


def search_back(args: dict[str, list[str]]) -> str:
    """The search an article page was reached from (its query string carries it), as the
    search page's query string: "back to results" returns to the same page of the same search."""
    try:
        req = SearchRequest.from_args(args)
    except KlipingError:  # a hand-made link with a bad parameter: keep what can be kept
        req = SearchRequest(q=(args.get("q") or [""])[0][:1000])
    return req.suffix()


# -- pages ----------------------------------------------------------------------------------------
def check_facet(name: str) -> None:
    """A 404 unless `name` is a facet (of a facet's page and GET /api/search/facets/<name>)."""
    if name not in FACET_ORDER:
        raise NotFound(f"There is no facet '{name}'.", key="no_facet", name=name)


def facet_slice(values: list, asked: int | None) -> tuple[list, int, int]:
    """One page of a facet's values, FACET_PAGE a page: (the values shown, the page, how many
    pages); a page asked for out of range (or not a number: None) is the nearest one."""
    pages = max(1, -(-len(values) // FACET_PAGE))
    page = min(max(1, asked or 1), pages)
    return values[(page - 1) * FACET_PAGE:page * FACET_PAGE], page, pages


def feed_parts(req: SearchRequest, entries: Iterable[tuple[Article, str]]) -> tuple[str, str, list]:
    """An Atom feed of a search: its title, the search's query string (for the feed's and the
    search page's addresses) and its entries as (article, text, the article page's path; with
    the query, so that the page highlights it)."""
    title = f"Kliping: {req.q}" if req.q else "Kliping"
    query = "?" + urlencode({"q": req.q}) if req.q else ""
    return title, req.suffix(), [(a, text, article_path(a.id) + query) for a, text in entries]


def article_text(article: Article, view: dict, echoes: Mapping, quotes: Mapping, parsed: ParsedQuery) -> dict:
    """The article page's title and paragraphs (pageview.article_view's, each with its HTML:
    its quotes and the query's terms marked; its echoes with their paragraph's path; its
    quotes), as keyword arguments of the template."""
    paragraphs = [
        dict(p, html=Markup(mark_quotes(p["text"], quotes.get(p["n"], []), parsed.highlight)),
             echoes=[(e, paragraph_path(e.id, e.n)) for e in echoes.get(p["n"], ())],
             quotes=quotes.get(p["n"], []))
        for p in view["paragraphs"]
    ]
    title = display_title(article)
    return {"title": title, "paragraphs": paragraphs, "title_html": Markup(highlight(title, parsed.highlight)),
            "q": parsed.text}


def permalink_anchor(article_id: str, anchor: str) -> tuple[int, str]:
    """A paragraph permalink's anchor read (anchors.parse_anchor), or a 404 when it is none."""
    parsed = parse_anchor(anchor)
    if parsed is None:
        raise NotFound(f"'{anchor}' is not a paragraph link of article '{article_id}'.",
                       key="bad_permalink", anchor=anchor)
    return parsed


def help_html(templates: Path, lang: str) -> Markup:
    """The help page's body: templates/help.<lang>.md as HTML, cleaned."""
    text = (templates / f"help.{lang}.md").read_text(encoding="utf-8")
    return Markup(nh3.clean(md.markdown(text, extensions=["tables"])))


# -- JSON API and files ---------------------------------------------------------------------------
def export_headers(fmt: str, limit: int) -> dict[str, str]:
    """An export's headers beside its type: a file to save, and the cap on its rows."""
    return {"Content-Disposition": f'attachment; filename="kliping.{fmt}"', "X-Kliping-Export-Limit": str(limit)}


def safe_name(article_id: str) -> str:
    """A file name for what is saved of an article."""
    return "kliping-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in article_id)[:100]


def check_paragraph(article_id: str, count: int, n: int) -> None:
    """A 404 unless `n` is a paragraph of the article `article_id` (it has `count`)."""
    if not 1 <= n <= count:
        raise NotFound(f"Article '{article_id}' has paragraphs 1 to {count}; there is no {n}.",
                       key="no_paragraph", id=article_id, count=count, n=n)


def cited_set_args(args: dict[str, list[str]]) -> dict[str, list[str]]:
    """A search's arguments for citing its result set: its first cite_formats.SET_MAX articles in
    the search's order (its paging is ignored)."""
    return {**args, "per_page": [str(cite_formats.SET_MAX)], "page": ["1"]}


def cite_headers(fmt: str, name: str, download: str | None) -> dict[str, str]:
    """A citation's type with its charset and, when ?download= asks for a file, its name."""
    headers = {"Content-Type": cite_formats.MIMETYPES[fmt]}
    if download in ("1", "true", "yes"):
        headers["Content-Disposition"] = f'attachment; filename="{name}.{cite_formats.EXTENSIONS[fmt]}"'
    return headers


# -- errors and language --------------------------------------------------------------------------
def error_code(name: str) -> str:
    """The JSON error code of an HTTP error (its name: "Method Not Allowed" → method_not_allowed)."""
    return name.lower().replace(" ", "_")


def http_error_message(status: int, lang: str) -> str:
    """What the error page of an HTTP error says."""
    return i18n.t("page_not_found", lang) if status == 404 else i18n.t("http_error", lang, status=status)


def choose_language(asked: str | None, cookie: str | None) -> tuple[str, bool]:
    """The language of a request: ?lang=, else its cookie's, else the default; and whether to
    remember it in the cookie (it was asked for)."""
    lang = asked if asked in i18n.LANGS else cookie if cookie in i18n.LANGS else i18n.DEFAULT_LANG
    return lang, asked in i18n.LANGS


def language_helpers(lang: str) -> dict:
    """What every template is given in its language (app.py adds the helpers that make addresses)."""
    return {
        "t": lambda key, **kw: i18n.t(key, lang, **kw),
        "lang": lang,
        "fdate": lambda v: i18n.format_date(v, lang),
        "fdatetime": lambda v: i18n.format_datetime(v, lang),
        "fnum": lambda n: i18n.format_number(n, lang),
        "script_words": {key: i18n.t(key, lang) for key in ui.SCRIPT},
        "web_link": web_link,
        "explain": lambda node: explain(node, lang),
    }


def address_helpers(script_root: str, path: str, args) -> dict:
    """What templates make addresses with under the app's mount point (`script_root`), on the
    page at `path` asked with `args` (a werkzeug MultiDict); app.py adds `search_url`."""

    def lang_url(code: str) -> str:
        """This page in language `code`."""
        return script_root + path + "?" + urlencode({**args.to_dict(flat=False), "lang": [code]}, doseq=True)

    def href(app_path: str) -> str:
        """An app-relative path of the core (/articles/...) under the app's mount point."""
        return script_root + app_path

    def para(article_id: str, n: int) -> str:
        """A paragraph's page address (/articles/ID#pN) under the app's mount point."""
        return script_root + paragraph_path(article_id, n)

    return {"lang_url": lang_url, "href": href, "para": para}
