"""Step 1 of the pipeline: files -> `Article` records.

`load(paths)` walks files and directories and yields an `Article` (or a `Skipped` with the
reason) per input: .txt (with a `NAME.meta.yaml` sidecar), .md with front matter, .jsonl and
.csv records, saved .html pages. Modules: `load` (walking, dispatch), `document` (.txt/.md and
the metadata merge), `records` (JSONL/CSV), `html` (trafilatura), `clean` (boilerplate) and
`boilerplate` (its rule tables), `extract` (stated metadata), `metafile` (sidecars and front
matter), `fingerprints` (which inputs are unchanged since the last build).
"""
from search.ingest.load import SUPPORTED, iter_sources, load, load_file, total_bytes

__all__ = ["SUPPORTED", "iter_sources", "load", "load_file", "total_bytes"]
