"""A search request as plain data: parsing it from query-string arguments, and building the
query strings that add or remove one filter (facet toggles, chips, pages). No Flask here: the
web layer passes `request.args` as a mapping of lists.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import quote_plus, urlencode

from search.cache import memoize
from search.errors import BadRequest

#: The facets a request may filter on; each is its own parameter (`outlet=Kontan&outlet=Antara`).
FILTERS = ("outlet", "date", "editor", "source", "tag")
SORTS = ("relevance", "newest", "oldest")
COLLAPSES = ("story",)  # collapse=story: one result per story (search.stories.clusters)
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_bound(name: str, value: str, end: bool) -> str:
    """'2024', '2024-06' or '2024-06-17' -> the first (or last) day it covers, ISO."""
    m = _DATE_RE.match(value.strip())
    if not m:
        raise BadRequest(f"'{name}' must be a date like 2024-06-17 (or 2024-06, or 2024); got '{value}'.",
                         key="bad_date", name=name, value=value)
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if mo is not None and not 1 <= int(mo) <= 12:
        raise BadRequest(f"'{name}': month {mo} does not exist in '{value}'.",
                         key="bad_month", name=name, month=mo, value=value)
    month = int(mo) if mo else (12 if end else 1)
    last = calendar.monthrange(y, month)[1]
    if d is not None and not 1 <= int(d) <= last:
        raise BadRequest(f"'{name}': day {d} does not exist in '{value}'.",
                         key="bad_day", name=name, day=d, value=value)
    day = int(d) if d else (last if end else 1)
    return f"{y:04d}-{month:02d}-{day:02d}"


def _int(name: str, value: str | None, default: int, lo: int, hi: int) -> int:
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number; got '{value}'.",
                         key="bad_number", name=name, value=value) from None
    if not lo <= n <= hi:
        raise BadRequest(f"'{name}' must be between {lo} and {hi}; got {n}.",
                         key="bad_range", name=name, lo=lo, hi=hi, value=n)
    return n


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # param -> values (OR)
    date_from: str = ""  # as given, e.g. '2024-06'
    date_to: str = ""
    sort: str = ""  # '' = relevance with a query, newest without
    page: int = 1
    per_page: int = 10
    exact: bool = False  # `exact=1`: every word matches only the form written (no stemming)
    collapse: str = ""  # "story": one result per story
    story: str = ""  # a story id: that story's articles only

    @classmethod
    def from_args(cls, args: Mapping[str, Sequence[str] | str]) -> SearchRequest:
        """Build from query-string style arguments; BadRequest says what to fix."""
        def many(name):
            v = args.get(name, ())
            vals = [v] if isinstance(v, str) else list(v)
            return tuple(dict.fromkeys(x.strip() for x in vals if x and x.strip()))

        def one(name):
            vals = many(name)
            return vals[-1] if vals else ""

        collapse = one("collapse")
        if collapse and collapse not in COLLAPSES:
            raise BadRequest(f"'collapse' must be one of {', '.join(COLLAPSES)}; got '{collapse}'.",
                             key="bad_collapse", choices=", ".join(COLLAPSES), value=collapse)
        story = one("story")
        if story and not re.fullmatch(r"s[0-9a-f]{6,40}", story):
            raise BadRequest(f"'story' must be a story id like s3f9a0c1b2e; got '{story}'.",
                             key="bad_story", value=story)
        sort = one("sort")
        if sort and sort not in SORTS:
            raise BadRequest(f"'sort' must be one of {', '.join(SORTS)}; got '{sort}'.",
                             key="bad_sort", choices=", ".join(SORTS), value=sort)
        req = cls(
            q=one("q")[:1000],
            filters={p: many(p) for p in FILTERS if many(p)},
            date_from=one("from"),
            date_to=one("to"),
            sort=sort,
            page=_int("page", one("page"), 1, 1, MAX_PAGE),
            per_page=_int("per_page", one("per_page"), 10, 1, MAX_PER_PAGE),
            exact=one("exact").lower() in ("1", "true", "on", "yes"),
            collapse=collapse,
            story=story,
        )
        lo, hi = req.date_range
        if lo and hi and lo > hi:
            raise BadRequest(f"'from' ({req.date_from}) is after 'to' ({req.date_to}).",
                             key="bad_order", lo=req.date_from, hi=req.date_to)
        for value in req.filters.get("date", ()):
            _date_bound("date", value, False)
        return req

    @property
    def date_range(self) -> tuple[str, str]:
        lo = _date_bound("from", self.date_from, False) if self.date_from else ""
        hi = _date_bound("to", self.date_to, True) if self.date_to else ""
        return lo, hi

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q.strip() else "newest")

    def params(self) -> list[tuple[str, str]]:
        out = [("q", self.q)] if self.q else []
        for p in FILTERS:
            out += [(p, v) for v in self.filters.get(p, ())]
        if self.date_from:
            out.append(("from", self.date_from))
        if self.date_to:
            out.append(("to", self.date_to))
        if self.sort:
            out.append(("sort", self.sort))
        if self.exact:
            out.append(("exact", "1"))
        if self.collapse:
            out.append(("collapse", self.collapse))
        if self.story:
            out.append(("story", self.story))
        if self.per_page != 10:
            out.append(("per_page", str(self.per_page)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def qs(self) -> str:
        """The query string for this request, with a leading '?' (or '?' alone)."""
        return "?" + urlencode(self.params())

    def with_filter(self, param: str, value: str, on: bool) -> SearchRequest:
        values = [v for v in self.filters.get(param, ()) if v != value]
        if on:
            values.append(value)
        filters = {k: v for k, v in self.filters.items() if k != param}
        if values:
            filters[param] = tuple(values)
        return replace(self, filters=filters, page=1)

    def toggles(self, param: str, values) -> dict[str, str]:
        """toggle_qs for many values of one parameter, encoding the shared part once."""
        selected = self.filters.get(param, ())
        base = "?" + urlencode(replace(self, page=1).params())
        joiner = "&" if base != "?" else ""
        return {v: self.toggle_qs(param, v) if v in selected
                else base + joiner + _pair(param, v) for v in values}

    def toggle_qs(self, param: str, value: str) -> str:
        on = value not in self.filters.get(param, ())
        return self.with_filter(param, value, on).qs()

    def without_qs(self, param: str) -> str:
        """Query string with a whole parameter (e.g. 'from') removed."""
        if param in ("from", "to"):
            return replace(self, **{"date_" + param: ""}, page=1).qs()
        if param in ("collapse", "story"):
            return replace(self, **{param: ""}, page=1).qs()
        return replace(self, filters={k: v for k, v in self.filters.items() if k != param}, page=1).qs()

    def page_qs(self, page: int) -> str:
        return replace(self, page=page).qs()

    def collapse_qs(self, on: bool) -> str:
        """This search with one result per story (`on`), or every article."""
        return replace(self, collapse="story" if on else "", page=1).qs()


@memoize(4096)
def _pair(name: str, value: str) -> str:
    """`name=value` as urlencode writes it; facet values repeat across requests, so their
    encodings are kept (a results page has about forty toggle links)."""
    return quote_plus(name) + "=" + quote_plus(value)


@dataclass(frozen=True)
class QuoteRequest:
    """A search of the quotes page (/kutipan) and GET /api/quotes: words, a speaker, a page."""

    q: str = ""
    speaker: str = ""
    page: int = 1
    per_page: int = 20

    @classmethod
    def from_args(cls, args: Mapping[str, Sequence[str] | str]) -> QuoteRequest:
        def one(name):
            v = args.get(name, ())
            vals = [v] if isinstance(v, str) else list(v)
            vals = [x.strip() for x in vals if x and x.strip()]
            return vals[-1] if vals else ""

        return cls(q=one("q")[:1000], speaker=one("speaker")[:200],
                   page=_int("page", one("page"), 1, 1, MAX_PAGE),
                   per_page=_int("per_page", one("per_page"), 20, 1, MAX_PER_PAGE))

    def params(self) -> list[tuple[str, str]]:
        out = [("q", self.q)] if self.q else []
        if self.speaker:
            out.append(("speaker", self.speaker))
        if self.per_page != 20:
            out.append(("per_page", str(self.per_page)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def qs(self, **changes) -> str:
        """The query string for this request with `changes` (page resets unless given)."""
        changes.setdefault("page", 1)
        return "?" + urlencode(replace(self, **changes).params())
