"""The fence around Whoosh 2.7.4's internals: what Kliping uses of them, checked once at import.

Three modules go past Whoosh's public API for speed: writer.py (FastWriter: its own term pool,
run files, streaming merges and posting-block writer), postings.py (a term's whole extent read and decoded at once) and
matching.py (prefix and wildcard expansion through `_btexts`). Every private name they use is
listed below and checked when this module is first imported:
- the version: Whoosh 2.7.4 exactly (VERSION);
- NAMES: classes, functions, methods and constants in Whoosh's modules;
- HOOKS: Whoosh code that must still call what Kliping overrides or replaces (FastWriter's
  `_flush_segment`, its term pool's `add` and `cleanup`, the field writer's attributes);
- LIVE: attributes of live objects of a two-document index written in memory by Whoosh's own
  SegmentWriter (writer, field writer after `start_field`, reader, term info), the order of
  W3TermInfo's constructor arguments, and the W3 block format of a posting list (header,
  signed length, 6-tuple info, pickled id deltas / weights / values).
`check(version, modules, live)` takes what it inspects as arguments and returns the differences.
The whole check costs about 8 ms, once per process.

FAST tells whether the fast path is in use, REASON why not ("" when it is); SUPPORTED and
PROBLEMS are the check's verdict. When something differs, one warning says what and that
Kliping falls back to Whoosh's public, slower path, and every module takes it:
- writer.open_writer returns Whoosh's own writer (`ix.writer()`);
- postings.read reads every posting through the leaf reader's matcher (`leaf.postings`);
- matching expands prefixes and wildcards with `q.simplify(reader)`;
- scoring uses no internals: it reads postings through postings.read on either path.
Results are the same on both paths (tests/test_whoosh_compat.py); only speed differs (and
postings.read lists deleted documents only on the fast path; its callers drop them).

Forcing the public path, for tests and A/B benchmarks (bench/ab_whoosh.py):
- `KLIPING_WHOOSH_PUBLIC=1` in the environment, read once at import;
- `use_public(True)` / `use_public(False)` at run time, process-wide; as a context manager it
  restores the state it found (`with compat.use_public(): ...`). The fast path cannot be turned
  on where the check failed. A writer keeps the path it was opened with.
The private names the three modules import come from here (stand-ins when Whoosh lacks them),
so importing them never fails.
"""
from __future__ import annotations

import importlib
import os
import pickle
import warnings
import zlib
from io import BytesIO
from itertools import accumulate

import whoosh

VERSION = (2, 7, 4)
ENV = "KLIPING_WHOOSH_PUBLIC"

W3 = "whoosh.codec.whoosh3"
# (module, name, who uses it): names that must exist.
NAMES = (
    (W3, "WHOOSH3_HEADER_MAGIC", "writer, postings"),
    (W3, "W3FieldWriter.start_field", "writer"),
    (W3, "W3FieldWriter.finish_field", "writer"),
    (W3, "W3FieldWriter.add_postings", "writer"),
    (W3, "W3FieldWriter.close", "writer"),
    (W3, "W3TermInfo.set_extent", "writer"),
    (W3, "W3TermInfo.to_bytes", "writer"),
    (W3, "W3TermInfo.extent", "postings"),
    (W3, "W3TermInfo.is_inlined", "postings"),
    (W3, "W3TermsReader.term_info", "postings"),
    (W3, "W3TermsReader.items_from", "writer (merges)"),
    (W3, "W3TermsReader.indexed_field_names", "writer (merges)"),
    (W3, "W3TermsReader.matcher", "writer (merges)"),
    (W3, "W3TermInfo.inlined_postings", "writer (merges)"),
    ("whoosh.writing", "SegmentWriter.write_per_doc", "writer (merges)"),
    ("whoosh.reading", "SegmentReader.segment", "writer (merges)"),
    ("whoosh.system", "pack_int", "writer"),
    ("whoosh.system", "pack_ushort", "writer"),
    ("whoosh.system", "unpack_int", "postings"),
    ("whoosh.util.numeric", "length_to_byte", "writer"),
    ("whoosh.writing", "SegmentWriter._check_state", "writer"),
    ("whoosh.writing", "SegmentWriter._doc_boost", "writer"),
    ("whoosh.writing", "SegmentWriter._field_boost", "writer"),
    ("whoosh.writing", "SegmentWriter._check_fields", "writer"),
    ("whoosh.writing", "SegmentWriter.per_document_reader", "writer"),
    ("whoosh.writing", "SegmentWriter._flush_segment", "writer"),
    ("whoosh.query", "Prefix._btexts", "matching"),
    ("whoosh.query", "Wildcard._btexts", "matching"),
)
# (module, function, names its code must use, why)
HOOKS = (
    ("whoosh.writing", "SegmentWriter._finalize_segment", ("_flush_segment",),
     "FastWriter overrides _flush_segment"),
    ("whoosh.writing", "SegmentWriter._close_segment", ("pool", "cleanup"),
     "FastWriter's term pool replaces Whoosh's pool"),
    ("whoosh.writing", "SegmentWriter.add_postings_to_pool", ("pool", "add"),
     "merges go through the term pool"),
    (W3, "W3FieldWriter.start_field", ("_fieldid", "_format"), "the bulk writer reads them"),
)
# (object, attribute path, type name or None): attributes of live objects (live_objects()).
LIVE = (
    ("writer", "schema", None),
    ("writer", "docnum", "int"),
    ("writer", "pool", None),
    ("writer", "_added", "bool"),
    ("writer", "codec.length_stats", None),
    ("writer", "fieldwriter", "W3FieldWriter"),
    ("writer", "perdocwriter.start_doc", None),
    ("writer", "perdocwriter.add_field", None),
    ("writer", "perdocwriter.add_column_value", None),
    ("writer", "perdocwriter.finish_doc", None),
    ("writer", "perdocwriter._fieldlengths", None),
    ("writer", "_tempstorage.folder", "str"),
    ("fieldwriter", "_codec._compression", "int"),
    ("fieldwriter", "_codec._blocklimit", "int"),
    ("fieldwriter", "_postfile.file.write", None),
    ("fieldwriter", "_postfile.file.tell", None),
    ("fieldwriter", "_tindex.add", None),
    ("fieldwriter", "_fieldid", "int"),
    ("fieldwriter", "_format.fixed_value_size", None),
    ("reader", "leaf_readers", None),
    ("reader", "_terms", "W3TermsReader"),
    ("reader", "_terms._postfile.get", None),
    ("terminfo", "extent", None),
    ("terminfo", "is_inlined", None),
)
_MISSING = object()


def modules() -> dict:
    """The installed Whoosh modules that NAMES and HOOKS refer to (None if one is missing)."""
    out = {}
    for name in {m for m, *_ in NAMES + HOOKS}:
        try:
            out[name] = importlib.import_module(name)
        except ImportError:
            out[name] = None
    return out


def _get(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            break
    return obj


def check(version, mods: dict, live: dict | None = None) -> list[str]:
    """What differs between the Whoosh described by `version` (a tuple like whoosh.__version__),
    `mods` ({module name: module or any object with those attributes}) and `live` (from
    live_objects(), or None to skip) and what Kliping's fast path relies on."""
    problems = []
    if tuple(version) != VERSION:
        problems.append(f"Whoosh {'.'.join(map(str, version)) or '(no version)'} is installed; "
                        f"Kliping's fast path is written for {'.'.join(map(str, VERSION))}")
    for module, name, user in NAMES:
        if _get(mods.get(module), name) is _MISSING:
            problems.append(f"{module}.{name} is missing (used by {user})")
    for module, name, needed, why in HOOKS:
        code = getattr(_get(mods.get(module), name), "__code__", None)
        if code is None:
            problems.append(f"{module}.{name} is missing ({why})")
        elif not set(needed) <= set(code.co_names):
            problems.append(f"{module}.{name} no longer uses {', '.join(needed)} ({why})")
    if live is not None:
        problems += _check_live(live)
    return problems


def _check_live(live: dict) -> list[str]:
    if "error" in live:
        return [f"a two-document index in memory could not be probed: {live['error']}"]
    problems = []
    for label, path, kind in LIVE:
        value = _get(live.get(label), path)
        if value is _MISSING:
            problems.append(f"the {label} has no attribute {path}")
        elif kind and type(value).__name__ != kind:
            problems.append(f"the {label}'s {path} is {type(value).__name__}, not {kind}")
    ti = live.get("new_terminfo")
    got = tuple(_call(ti, m) for m in ("weight", "doc_frequency", "min_length", "max_length",
                                       "max_weight", "min_id", "max_id"))
    if got != _TERMINFO_ARGS:
        problems.append(f"W3TermInfo{_TERMINFO_ARGS} reads back as {got}")
    problems += check_postings(live.get("postings"))
    return problems


def _call(obj, method: str):
    try:
        return getattr(obj, method)()
    except Exception as e:  # a missing or changed method
        return repr(e)


_TERMINFO_ARGS = (1.5, 2, 1, 3, 1.0, 0, 1)  # weight, df, min/max length, max weight, min/max id


def check_postings(data) -> list[str]:
    """Differences between `data`, the posting list of a term in documents 0 and 1 (once each),
    and the W3 block format that writer.py writes and postings.py decodes."""
    try:
        if data[:4] != b"W3Bl":
            return [f"a posting list starts with {data[:4]!r}, not the W3 header"]
        size = int.from_bytes(data[4:8], "big", signed=True)
        if -size != len(data) - 8:
            return [f"a one-block posting list's length is {size}, not -{len(data) - 8}"]
        f = BytesIO(data[8:])
        info = pickle.load(f)
        block = data[8 + f.tell():]
        deltas, weights, values = pickle.loads(zlib.decompress(block) if info[3] else block)
        if (len(info), info[0], info[1]) != (6, 2, 1) or list(accumulate(deltas)) != [0, 1] \
                or weights is not None or len(values) != 2:
            return [f"a posting block reads as {info!r}, {(deltas, weights, values)!r}"]
    except Exception as e:
        return [f"a posting list is not in the W3 block format: {e!r}"]
    return []


def live_objects() -> dict:
    """Live objects for LIVE: Whoosh's SegmentWriter writes documents 0 and 1 (`kata` in both)
    to an index in memory; then a second writer, its field writer after start_field, a reader,
    the term info and posting bytes of `kata`, and a W3TermInfo made from _TERMINFO_ARGS.
    {"error": ...} if that fails."""
    try:
        from whoosh.fields import TEXT, Schema
        from whoosh.filedb.filestore import RamStorage
        from whoosh.writing import SegmentWriter

        ix = RamStorage().create_index(Schema(t=TEXT))
        w = SegmentWriter(ix)
        w.add_document(t="kata satu")
        w.add_document(t="kata dua")
        w.commit()
        w = SegmentWriter(ix)
        fw = w.fieldwriter
        fw.start_field("t", ix.schema["t"])
        out = {"writer": w, "fieldwriter": fw}
        fw.finish_field()
        w.cancel()
        reader = out["reader"] = ix.reader()
        try:
            terms = reader._terms
            ti = out["terminfo"] = terms.term_info("t", b"kata")
            offset, length = ti.extent()
            out["postings"] = terms._postfile.get(offset, length[0] if isinstance(length, tuple) else length)
        finally:
            reader.close()
        out["new_terminfo"] = importlib.import_module(W3).W3TermInfo(*_TERMINFO_ARGS)
        return out
    except Exception as e:
        return {"error": repr(e)}


def _run_check(mods: dict) -> tuple[str, ...]:
    try:
        version = getattr(whoosh, "__version__", ())
        problems = check(version, mods)
        if not problems:  # the names are there: probe live objects too
            problems = check(version, mods, live_objects())
        return tuple(problems)
    except Exception as e:  # the check itself must never break an import
        return (f"the check failed: {e!r}",)


def message(problems) -> str:
    """The one warning given when the check finds differences."""
    return ("Kliping falls back to Whoosh's public, slower path (same results, slower): the "
            "installed Whoosh differs from what its fast path relies on: " + "; ".join(problems))


class use_public:
    """use_public(True) forces Whoosh's public path, use_public(False) goes back to the fast one
    (where supported); process-wide. Used with `with`, it restores the previous state on exit."""

    def __init__(self, on: bool = True, why: str = "forced by compat.use_public()"):
        self._before = (FAST, REASON)
        _set(not on, why)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        global FAST, REASON
        FAST, REASON = self._before


def _set(fast: bool, why: str) -> None:
    global FAST, REASON
    FAST = fast and SUPPORTED
    REASON = "" if FAST else (why if SUPPORTED else message(PROBLEMS))


_MODS = modules()
PROBLEMS: tuple[str, ...] = _run_check(_MODS)
SUPPORTED: bool = not PROBLEMS
FAST: bool = SUPPORTED
REASON: str = ""
if PROBLEMS:
    _set(False, "")
    warnings.warn(message(PROBLEMS), RuntimeWarning, stacklevel=2)
elif os.environ.get(ENV, "").strip() not in ("", "0"):
    _set(False, f"forced by {ENV}={os.environ[ENV]}")


def _private(module: str, name: str, standin=None):
    """A private Whoosh name for the three modules, or a stand-in when it is missing (FAST is
    then False, so the stand-in is never used for real)."""
    found = _get(_MODS.get(module), name)
    return standin if found is _MISSING else found


WHOOSH3_HEADER_MAGIC = _private(W3, "WHOOSH3_HEADER_MAGIC")
W3FieldWriter = _private(W3, "W3FieldWriter", type("W3FieldWriterMissing", (), {}))
W3TermInfo = _private(W3, "W3TermInfo")
W3TermsReader = _private(W3, "W3TermsReader", type("W3TermsReaderMissing", (), {}))
pack_int = _private("whoosh.system", "pack_int")
pack_ushort = _private("whoosh.system", "pack_ushort")
unpack_int = _private("whoosh.system", "unpack_int")
length_to_byte = _private("whoosh.util.numeric", "length_to_byte")
