"""Domain errors. Each carries an HTTP-like status, a stable code and a message saying what to do."""
from __future__ import annotations


class KlipingError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class BadRequest(KlipingError):
    status, code = 400, "bad_request"


class NotFound(KlipingError):
    status, code = 404, "not_found"


class IndexMissing(KlipingError):
    status, code = 503, "index_missing"


class IndexVersionMismatch(KlipingError):
    status, code = 503, "index_version"


class IndexBusy(KlipingError):
    status, code = 409, "index_busy"


class IngestError(KlipingError):
    """A single input cannot be read; the caller records it as Skipped and goes on."""

    status, code = 422, "ingest"
