"""What every command of the command line shares (search.cli, search.cli_ingest,
search.cli_query): the catalog's words in the command line's language, printing them, and
the engine that --index or --engine (or the environment) names."""
from __future__ import annotations

import sys

from search.engine import default_location, open_engine
from search.engine.base import Engine
from search.present import i18n
from search.settings import DEFAULT


def message(key: str, **kw) -> str:
    """A catalog message in the command line's language (i18n.env_lang)."""
    return i18n.t(key, i18n.env_lang(), **kw)


def say(*parts: str, err: bool = False) -> None:
    print(*parts, file=sys.stderr if err else sys.stdout)


def engine_of(args) -> Engine:
    memory = getattr(args, "memory", None)
    location = getattr(args, "engine", None) or args.index or default_location()
    return open_engine(location, DEFAULT.with_(memory_mb=memory) if memory else DEFAULT)
