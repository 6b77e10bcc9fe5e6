"""The command line: build, add, remove, optimize, query, stats, stem and analyze.

Every domain error becomes one line on stderr saying what to do next, and a non-zero exit
status; never a traceback. It speaks English, or Indonesian when LANG (LANGUAGE, LC_ALL,
LC_MESSAGES) says so: its words are the catalog's (search/present/words/cli.py); argparse's
own few words ("the following arguments are required") stay English.

This module owns the parser (subcommands, flags, help in the command line's language) and
`main`, which runs a command and turns its errors into that one line and an exit status. The
commands are in search.cli_ingest (those that write) and search.cli_query (those that read);
what they share, in search.cli_common.
"""
from __future__ import annotations

import argparse
import sys

from search.cli_common import message, say
from search.cli_ingest import cmd_add, cmd_build, cmd_optimize, cmd_postgres_init, cmd_remove
from search.cli_query import cmd_analyze, cmd_query, cmd_stats, cmd_stem
from search.errors import KlipingError
from search.present import i18n
from search.settings import DEFAULT


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, message("cli_usage") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the command line's language: the usage line, section titles, -h, errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = message("cli_positionals")
        self._optionals.title = message("cli_options")
        self.add_argument("-h", "--help", action="help", help=message("cli_help"))

    def error(self, problem):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message('cli_error', message=problem)}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m search", description=message("cli_description"))
    sub = p.add_subparsers(dest="command", required=True)

    def with_index(sp):
        sp.add_argument("--index", metavar=message("cli_dir_var"), help=message("cli_index"))
        sp.add_argument("--engine", metavar=message("cli_location_var"), help=message("cli_engine"))
        return sp

    def writes(sp, report: str = "cli_report_opt"):
        sp.add_argument("--wait", type=float, default=0.0, metavar=message("cli_seconds_var"), help=message("cli_wait"))
        sp.add_argument("--report", metavar=message("cli_file_var"), help=message(report))
        return sp

    b = writes(with_index(sub.add_parser("build", help=message("cli_build"), description=message("cli_build"))))
    b.add_argument("sources", nargs="*", metavar=message("cli_source_var"))
    b.add_argument("--map", action="append", metavar=message("cli_map_var"), help=message("cli_map"))
    b.add_argument("--verbose", "-v", action="store_true", help=message("cli_verbose"))
    b.add_argument("--if-missing", action="store_true", help=message("cli_if_missing"))
    b.add_argument("--quiet", "-q", action="store_true", help=message("cli_quiet"))
    b.add_argument("--memory", type=int, metavar="MB", help=message("cli_memory", mb=DEFAULT.memory_mb))
    b.set_defaults(func=cmd_build)

    ad = writes(with_index(sub.add_parser("add", help=message("cli_add"), description=message("cli_add"))))
    ad.add_argument("sources", nargs="+", metavar=message("cli_source_var"))
    ad.add_argument("--map", action="append", metavar=message("cli_map_var"), help=message("cli_map"))
    ad.add_argument("--verbose", "-v", action="store_true", help=message("cli_verbose"))
    ad.add_argument("--memory", type=int, metavar="MB", help=message("cli_memory", mb=DEFAULT.memory_mb))
    ad.set_defaults(func=cmd_add)

    rm = writes(with_index(sub.add_parser("remove", help=message("cli_remove"), description=message("cli_remove"))),
                "cli_remove_report")
    rm.add_argument("ids", nargs="+", metavar="ID")
    rm.set_defaults(func=cmd_remove)

    op = with_index(sub.add_parser("optimize", help=message("cli_optimize"), description=message("cli_optimize")))
    op.add_argument("--wait", type=float, default=0.0, metavar=message("cli_seconds_var"), help=message("cli_wait"))
    op.set_defaults(func=cmd_optimize)

    q = with_index(sub.add_parser("query", help=message("cli_query"), description=message("cli_query")))
    q.add_argument("text", nargs="?", default="")
    for facet in ("outlet", "editor", "tag", "source"):
        q.add_argument("--" + facet, action="append")
    q.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    q.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    q.add_argument("--sort", choices=("relevance", "newest", "oldest"))
    q.add_argument("--page", type=int, default=1)
    q.add_argument("--per-page", type=int, default=10)
    q.add_argument("--exact", action="store_true", help=message("cli_exact"))
    q.add_argument("--json", action="store_true", help=message("cli_json"))
    q.set_defaults(func=cmd_query)

    s = with_index(sub.add_parser("stats", help=message("cli_stats"), description=message("cli_stats")))
    s.add_argument("--json", action="store_true", help=message("cli_stats_json"))
    s.set_defaults(func=cmd_stats)

    pg = sub.add_parser("postgres", help=message("cli_postgres"), description=message("cli_postgres"))
    pgsub = pg.add_subparsers(dest="action", required=True)
    pi = pgsub.add_parser("init", help=message("cli_postgres_init"), description=message("cli_postgres_init"))
    pi.add_argument("--dsn", required=True, metavar="COORDINATOR", help=message("cli_pg_dsn"))
    pi.add_argument("--shard", action="append", metavar="DSN", help=message("cli_pg_shard"))
    pi.set_defaults(func=cmd_postgres_init)

    st = sub.add_parser("stem", help=message("cli_stem"), description=message("cli_stem"))
    st.add_argument("words", nargs="*")
    st.set_defaults(func=cmd_stem)

    an = sub.add_parser("analyze", help=message("cli_analyze"), description=message("cli_analyze"))
    an.add_argument("text")
    an.set_defaults(func=cmd_analyze)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KlipingError as e:
        say(message("cli_error", message=i18n.error_message(e, i18n.env_lang())), err=True)
        return 2 if e.status < 500 else 3
    except KeyboardInterrupt:
        say(message("cli_interrupted"), err=True)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # a disk failure outside the writers' own handling: still one line
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        print(f"error: {e.strerror or e}{where}. Nothing already indexed was changed.", file=sys.stderr)
        return 3
