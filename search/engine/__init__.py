"""Step 2 of the pipeline: the index, behind one seam (search.engine.base).

`open_engine(location, settings)` gives the engine of a location: a directory is a Whoosh index
(search.engine.whoosh, the embedded default, no server needed); a postgresql:// DSN is a
PostgreSQL archive (search.engine.postgres: one server, or a coordinator with shards, and read
replicas from KLIPING_PG_READ). Only search/engine/whoosh/ imports Whoosh, and only
search/engine/postgres/ the PostgreSQL driver. `bm25` holds the ranking formula every engine shares.
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
    location = location or default_location()
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        from search.engine.postgres.engine import PostgresEngine

        return PostgresEngine(location, settings, **options)
    from search.engine.whoosh.engine import WhooshEngine

    return WhooshEngine(location, settings, **options)
