"""Citation formats of a paragraph, an article or a set of articles: plain text (Indonesian or
English), CSL-JSON (`article-newspaper`), RIS (`TY  - NEWS`) and BibLaTeX (`@article` with
`entrysubtype = {newspaper}`).

`render(fmt, items, base_url, accessed, lang)` takes (article, paragraph number or None) pairs and
returns (text, mimetype). What is unknown is left out of the structured formats' fields and
said in their note ("author unknown; date unknown"), never filled in. A paragraph's URL is its
durable permalink (search.present.anchors); the publisher's address, when known, goes in the note
(RIS `N1`, CSL `note`, BibLaTeX `addendum`), as the archived copy's source. A result set is
cited up to `SET_MAX` articles (the API says how many of how many it cited).
"""
from __future__ import annotations

import datetime as dt
import json
import re

from search.models import Article
from search.present.citations import article_path, cite, cite_title, permalink_path
from search.present.i18n import t

FORMATS = ("text", "csl-json", "ris", "biblatex")
MIMETYPES = {
    "text": "text/plain; charset=utf-8",
    "csl-json": "application/vnd.citationstyles.csl+json; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "biblatex": "application/x-bibtex; charset=utf-8",
}
EXTENSIONS = {"text": "txt", "csl-json": "json", "ris": "ris", "biblatex": "bib"}
#: The most articles one result-set citation holds (the first SET_MAX results, in the search's order).
SET_MAX = 100

Item = tuple[Article, "int | None"]


def render(fmt: str, items: list[Item], base_url: str, accessed: dt.date | None = None,
           lang: str = "id") -> str:
    """Every item in one format (see the module docstring); fmt is one of FORMATS."""
    accessed = accessed or dt.date.today()
    if fmt == "text":
        return "\n\n".join(cite(a, n, base_url, accessed, lang) for a, n in items) + "\n"
    if fmt == "csl-json":
        return json.dumps([csl(a, n, base_url, accessed, lang) for a, n in items],
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "ris":
        return "".join(ris(a, n, base_url, accessed, lang) for a, n in items)
    if fmt == "biblatex":
        return "\n".join(biblatex(a, n, base_url, accessed, lang) for a, n in items)
    raise ValueError(f"unknown citation format {fmt!r}")


def url_of(article: Article, n: int | None, base_url: str) -> str:
    return base_url.rstrip("/") + (permalink_path(article, n) if n else article_path(article.id))


def note(article: Article, n: int | None, lang: str) -> str:
    """Paragraph, wire source, original address and what is unknown, in words."""
    parts = []
    if n:
        parts.append(f"{t('paragraph', lang)} {n}")
    if article.source:
        parts.append(f"{t('wire', lang)}: {article.source}")
    if article.editors:
        parts.append(f"{t('editor', lang)}: {', '.join(article.editors)}")
    unknown = [t(key, lang) for key, known in (("author_unknown", article.authors),
                                                ("outlet_unknown", article.outlet),
                                                ("date_unknown", article.date)) if not known]
    parts += unknown
    if article.url:
        parts.append(f"{t('original', lang)}: {article.url}")
    return ". ".join(p[0].upper() + p[1:] for p in parts) + ("." if parts else "")


def _date_parts(iso: str) -> list[int]:
    return [int(x) for x in iso.split("-")]


def item_id(article: Article, n: int | None) -> str:
    return article.id + (f"-p{n}" if n else "")


# -- CSL-JSON -----------------------------------------------------------------------------------
def csl(article: Article, n: int | None, base_url: str, accessed: dt.date, lang: str = "id") -> dict:
    """One CSL-JSON item of type article-newspaper (names as literals: Indonesian names have no
    family-name convention). Editors are named in the note: a newspaper item has no editor in
    CSL, and styles would put an editor in the author's place."""
    out: dict = {"id": item_id(article, n), "type": "article-newspaper",
                 "title": cite_title(article)}
    if article.authors:
        out["author"] = [{"literal": name} for name in article.authors]
    if article.outlet:
        out["container-title"] = article.outlet
    if article.date:
        out["issued"] = {"date-parts": [_date_parts(article.date)]}
    out["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    out["URL"] = url_of(article, n, base_url)
    out["language"] = "id"
    out["archive"] = "Kliping"
    if article.tags:
        out["keyword"] = ", ".join(article.tags)
    text = note(article, n, lang)
    if text:
        out["note"] = text
    return out


# -- RIS ----------------------------------------------------------------------------------------
def ris(article: Article, n: int | None, base_url: str, accessed: dt.date, lang: str = "id") -> str:
    """One RIS record, TY  - NEWS (authors AU, editors A2, outlet T2, access date Y2)."""
    lines = [("TY", "NEWS"), ("ID", item_id(article, n))]
    lines += [("AU", name) for name in article.authors]
    lines += [("A2", name) for name in article.editors]
    lines.append(("TI", cite_title(article)))
    if article.outlet:
        lines.append(("T2", article.outlet))
    if article.date:
        y, m, d = article.date.split("-")
        lines += [("PY", y), ("DA", f"{y}/{m}/{d}/")]
    lines += [("UR", url_of(article, n, base_url)), ("Y2", accessed.strftime("%Y/%m/%d/")),
              ("LA", "id"), ("DB", "Kliping")]
    lines += [("KW", tag) for tag in article.tags]
    text = note(article, n, lang)
    if text:
        lines.append(("N1", text))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}".rstrip() + "\n" for tag, value in lines) + "\n"


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


# -- BibLaTeX -----------------------------------------------------------------------------------
_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
        "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_TEX_RE = re.compile(r"[\\{}&%$#_~^]")


def tex(value: str) -> str:
    """Text escaped for a BibLaTeX field."""
    return _TEX_RE.sub(lambda m: _TEX[m.group(0)], _one_line(value))


def bib_key(article: Article, n: int | None) -> str:
    return re.sub(r"[^A-Za-z0-9_:.-]", "-", item_id(article, n))


def biblatex(article: Article, n: int | None, base_url: str, accessed: dt.date, lang: str = "id") -> str:
    """One @article entry with entrysubtype = {newspaper}; each name braced whole."""
    fields = [("entrysubtype", "newspaper"), ("title", tex(cite_title(article)))]
    if article.authors:
        fields.append(("author", " and ".join("{" + tex(a) + "}" for a in article.authors)))
    if article.editors:
        fields.append(("editor", " and ".join("{" + tex(a) + "}" for a in article.editors)))
    if article.outlet:
        fields.append(("journaltitle", tex(article.outlet)))
    if article.date:
        fields.append(("date", article.date))
    fields += [("url", url_of(article, n, base_url).replace("{", "%7B").replace("}", "%7D")),
               ("urldate", accessed.isoformat()), ("langid", "indonesian")]
    if n:
        fields.append(("note", tex(f"{t('paragraph', lang)} {n}")))
    rest = note(article, None, lang)
    if rest:
        fields.append(("addendum", tex(rest)))
    if article.tags:
        fields.append(("keywords", tex(", ".join(article.tags))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{bib_key(article, n)},\n{body},\n}}\n"
