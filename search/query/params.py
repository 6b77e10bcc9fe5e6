"""A search request as plain data: parsing it from query-string arguments within the request
limits (search.settings.Limits), and building the query strings that add or remove one filter
(facet toggles, chips, pages). No Flask here: the web layer passes `request.args` as a mapping
of lists.

Hard limits (repeated values, parameters, per_page, paging depth) are a BadRequest naming the
limit; soft ones (the query's length and its number of words) cut the query and say so in
`notices`, message keys of search.present.i18n.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import quote_plus, urlencode

from search.cache import memoize
from search.errors import BadRequest
from search.settings import Limits

DEFAULT_LIMITS = Limits()

#: The facets a request may filter on; each is its own parameter (`outlet=Kontan&outlet=Antara`).
FILTERS = ("outlet", "date", "editor", "source", "tag")
SORTS = ("relevance", "newest", "oldest")
COLLAPSES = ("story",)  # collapse=story: one result per story (search.stories.clusters)
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_bound(name: str, value: str, end: bool) -> str:
    """'2024', '2024-06' or '2024-06-17' -> the first (or last) day it covers, ISO."""
    m = _DATE_RE.match(value.strip())
    if not m or m.group(1) == "0000":  # no year 0 in the calendar
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


def _values(args: Mapping[str, Sequence[str] | str], name: str) -> list[str]:
    """A parameter's values as given (one string or several), stripped, the empty ones left out."""
    v = args.get(name, ())
    return [x.strip() for x in ([v] if isinstance(v, str) else v) if x and x.strip()]


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
    #: what was cut to fit the limits (message keys: query_cut_chars, query_cut_terms)
    notices: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, Sequence[str] | str],
                  limits: Limits = DEFAULT_LIMITS) -> SearchRequest:
        """Build from query-string style arguments within `limits`; BadRequest says what to fix."""
        _check_counts(args, limits)

        def many(name):
            return tuple(dict.fromkeys(_values(args, name)))

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
        q, notices = clip_query(one("q"), limits)
        req = cls(
            q=q,
            filters={p: many(p) for p in FILTERS if many(p)},
            date_from=one("from"),
            date_to=one("to"),
            sort=sort,
            page=_int("page", one("page"), 1, 1, limits.depth),
            per_page=_int("per_page", one("per_page"), 10, 1, limits.per_page),
            exact=one("exact").lower() in ("1", "true", "on", "yes"),
            collapse=collapse,
            story=story,
            notices=notices,
        )
        if req.page * req.per_page > limits.depth:
            raise BadRequest(f"Results can be paged to the {limits.depth:,}th; page {req.page} of "
                             f"{req.per_page} goes past it. Narrow the search with filters or dates.",
                             key="too_deep", depth=limits.depth, page=req.page)
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

    def suffix(self) -> str:
        """What an address takes to carry this request: `qs()`, or nothing when the request has
        no parameters (a bare address, not one ending in '?')."""
        params = self.params()
        return "?" + urlencode(params) if params else ""

    def range_qs(self) -> Callable[[str, str], str]:
        """(from, to) -> `qs()` of this request narrowed to those days, page 1: the same string,
        with every other parameter encoded once for all the ranges (the histogram's bars: up
        to sixty links a results page)."""
        params = replace(self, date_from="", date_to="", page=1).params()
        cut = next((i for i, (k, _) in enumerate(params) if k != "q" and k not in FILTERS), len(params))
        head, tail = urlencode(params[:cut]), urlencode(params[cut:])
        head, tail = head + "&" if head else "", "&" + tail if tail else ""
        return lambda lo, hi: f"?{head}{_pair('from', lo)}&{_pair('to', hi)}{tail}"

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
        base = self._first_page_qs
        joiner = "&" if base != "?" else ""
        return {v: self.toggle_qs(param, v) if v in selected
                else base + joiner + _pair(param, v) for v in values}

    @cached_property
    def _first_page_qs(self) -> str:
        """`qs()` of this request's first page: the shared head of every toggle link (a results
        page asks for it once per facet and once per result's tags)."""
        return "?" + urlencode(replace(self, page=1).params())

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


def _check_counts(args: Mapping[str, Sequence[str] | str], limits: Limits) -> None:
    """Repeated values of one parameter, and parameters in all, within the limits."""
    total = 0
    for name, v in args.items():
        n = 1 if isinstance(v, str) else len(v)
        total += n
        if n > limits.values_per_param:
            raise BadRequest(f"'{name}' is given {n} times; at most {limits.values_per_param} values "
                             "of one parameter are read.", key="too_many_values", name=name,
                             count=n, limit=limits.values_per_param)
    if total > limits.params:
        raise BadRequest(f"The request has {total} parameters; at most {limits.params} are read.",
                         key="too_many_params", count=total, limit=limits.params)


_WORD = re.compile(r"\S+")


def clip_query(q: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, tuple[str, ...]]:
    """The query cut to `limits.query_chars` characters and `limits.query_terms` words (at a
    space, so no word is cut in two), and the notices saying what was cut."""
    notices = []
    if len(q) > limits.query_chars:
        cut = q[:limits.query_chars]
        if not q[limits.query_chars].isspace() and " " in cut:
            cut = cut[:cut.rindex(" ")]
        q = cut
        notices.append("query_cut_chars")
    words = list(_WORD.finditer(q))
    if len(words) > limits.query_terms:
        q = q[:words[limits.query_terms - 1].end()]
        notices.append("query_cut_terms")
    return q, tuple(notices)


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
    def from_args(cls, args: Mapping[str, Sequence[str] | str],
                  limits: Limits = DEFAULT_LIMITS) -> QuoteRequest:
        """Build from query-string style arguments within `limits`; BadRequest says what to fix."""
        _check_counts(args, limits)

        def one(name):
            vals = _values(args, name)
            return vals[-1] if vals else ""

        return cls(q=clip_query(one("q"), limits)[0], speaker=one("speaker")[:200],
                   page=_int("page", one("page"), 1, 1, limits.depth),
                   per_page=_int("per_page", one("per_page"), 20, 1, limits.per_page))

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
