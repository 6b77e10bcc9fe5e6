"""Step 2 of the pipeline: the index, behind one seam (search.engine.base).

`open_engine(location, settings)` gives the engine of a location: a directory is a Whoosh index
(search.engine.whoosh, the embedded default, no server needed). Only search/engine/whoosh/
imports Whoosh. `bm25` holds the ranking formula every engine shares.
"""
from __future__ import annotations

import os
from pathlib import Path

from search.engine.base import Engine
from search.settings import DEFAULT, Settings


def default_location() -> str:
    """$KLIPING_ENGINE, else $KLIPING_INDEX, else the repository's index/ directory."""
    return (os.environ.get("KLIPING_ENGINE") or os.environ.get("KLIPING_INDEX")
            or str(Path(__file__).resolve().parents[2] / "index"))


def open_engine(location: str | Path | None = None, settings: Settings = DEFAULT, **options) -> Engine:
    """The engine for `location` (default: `default_location()`)."""
    from search.engine.whoosh.engine import WhooshEngine

    return WhooshEngine(location or default_location(), settings, **options)
