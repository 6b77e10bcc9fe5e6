"""Domain errors. Each carries an HTTP-like status, a stable code and a message saying what to do.

The message is English, for logs and the command line. An error raised about something a reader
did (an unknown article, a bad date) also carries `key` and `params`: the interface catalog's
message (search.present.i18n) for the page and the JSON, in the reader's language.
"""
from __future__ import annotations


class KlipingError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 key: str | None = None, **params):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.key = key  # a message key of search.present.i18n, with `params` to fill it
        self.params = params


class BadRequest(KlipingError):
    status, code = 400, "bad_request"


class NotFound(KlipingError):
    status, code = 404, "not_found"


class IndexMissing(KlipingError):
    status, code = 503, "index_missing"


class IndexVersionMismatch(KlipingError):
    status, code = 503, "index_version"


class IndexUnreadable(KlipingError):
    """The index's files are there but cannot be read (corrupt, truncated, unreadable)."""

    status, code = 503, "index_unreadable"


class StorageError(KlipingError):
    """The index's folder cannot be written (read-only, full disk, no permission); nothing
    already indexed was changed."""

    status, code = 507, "storage"


class IndexBusy(KlipingError):
    status, code = 409, "index_busy"


class IngestError(KlipingError):
    """A single input cannot be read; the caller records it as Skipped and goes on."""

    status, code = 422, "ingest"
