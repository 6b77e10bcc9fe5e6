"""What every HTTP response of Kliping shares that needs no Flask (app.py `serve` installs it):
the security headers; gzip (what may be gzipped, and the entity tags of gzipped bodies); static
files' versions (their sha1) and for how long they are cached; the hosts a request may name and
the checked public URL that permalinks and citations use; and the JSON-lines access log (a WSGI
middleware, one line per request once its response was sent)."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
GZIP_TYPES = ("text/html", "text/plain", "text/css", "text/javascript", "application/json",
              "application/javascript", "image/svg+xml")
GZIP_MIN_BYTES = 1024  # smaller bodies gain less than the header costs
STATIC_MAX_AGE = 365 * 24 * 3600  # a static URL carries its file's hash (?v=), so it never goes stale
LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1", "[::1]"]
GZ_TAG = "-gz"  # the entity tag of a gzipped body is its plain body's, marked


def file_version(path: str | Path) -> str:
    """The first hex digits of a file's sha1 (a static URL's `?v=`), or "" when it cannot be read."""
    try:
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


def cache_static(cache_control, fresh: bool) -> None:
    """A static file's Cache-Control (werkzeug's ResponseCacheControl): public; a year and
    immutable when its URL names its current version (`fresh`), else five minutes."""
    cache_control.no_cache = None
    cache_control.public = True
    cache_control.max_age = STATIC_MAX_AGE if fresh else 300
    if fresh:
        cache_control.immutable = True


def compress(resp, static: bool, method: str, accepts_gzip: Callable[[], bool]):
    """gzip a complete 200 body of a textual type (a werkzeug Response, changed in place and
    returned) for a client that accepts it; `static`: a static file (read whole even if it would
    be streamed: they are small). `accepts_gzip` reads the request's Accept-Encoding, only for a
    body that could be gzipped (not for a redirect, an export's stream or a HEAD)."""
    if (resp.status_code != 200 or (resp.is_streamed and not static) or "Content-Encoding" in resp.headers
            or resp.mimetype not in GZIP_TYPES or method == "HEAD"):
        return resp
    resp.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return resp
    resp.direct_passthrough = False  # a static file: read it
    data = resp.get_data()
    if len(data) < GZIP_MIN_BYTES:
        return resp
    resp.set_data(gzip.compress(data, compresslevel=5, mtime=0))
    resp.headers["Content-Encoding"] = "gzip"
    resp.headers.pop("Accept-Ranges", None)
    etag, weak = resp.get_etag()
    if etag:
        resp.set_etag(etag + GZ_TAG, weak)
    return resp


def plain_tags(if_none_match: str) -> str:
    """An If-None-Match header naming the plain bodies' tags where it names gzipped ones (a
    revalidation of a gzipped static file: send_file checks the plain file's tag)."""
    return if_none_match.replace(GZ_TAG + '"', '"')


def trusted_hosts(public_url: str | None, listed: str | None) -> list[str]:
    """The hosts a request may name: KLIPING_TRUSTED_HOSTS (comma-separated; `.example.org`
    takes subdomains too), else this machine's own names; and KLIPING_PUBLIC_URL's host."""
    hosts = [h.strip() for h in (listed or "").split(",") if h.strip()] or list(LOCAL_HOSTS)
    if public_url:
        hosts.append(urlsplit(public_url).hostname or "")
    return [h for h in dict.fromkeys(hosts) if h]


def public_url(value: str | None) -> str | None:
    """KLIPING_PUBLIC_URL, checked: an http(s) URL with a host, else a clear startup error."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"KLIPING_PUBLIC_URL must be an http(s) URL such as https://kliping.example.org; "
                         f"got {value!r}")
    return value.strip().rstrip("/") + "/"


class AccessLog:
    """WSGI middleware: one JSON object a line for every request, written when its response has
    been sent: time, client, method, path, query, status, bytes, milliseconds, user agent."""

    def __init__(self, wsgi_app, log: logging.Logger):
        self.wsgi_app, self.log = wsgi_app, log

    def __call__(self, environ, start_response):
        started, seen = time.perf_counter(), {}

        def start(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, start)
        return self._logged(body, environ, started, seen)

    def _logged(self, body, environ, started, seen):
        size = 0
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            self.log.info(json.dumps({
                "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                "remote": environ.get("REMOTE_ADDR"),
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                "query": environ.get("QUERY_STRING", ""),
                "status": seen.get("status"),
                "bytes": size,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "ua": environ.get("HTTP_USER_AGENT", ""),
                "pid": os.getpid(),
            }, ensure_ascii=False))


def access_logger(target: str | None) -> logging.Logger | None:
    """KLIPING_ACCESS_LOG: `-` (standard error, the default; also `on`), a file path, or `off`."""
    target = (target or "-").strip()
    switch = target.lower()
    if switch in ("off", "none", "0", "false", "no"):
        return None
    if switch in ("on", "1", "true", "yes", "stderr"):  # a switch, not a file named "on"
        target = "-"
    log = logging.getLogger(f"kliping.access.{target}")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr) if target == "-" else logging.FileHandler(target, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log
