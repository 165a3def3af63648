"""The command line, the reader's front door: `python -m util list|run|trace|services|db|telnet`.

    python -m util list [CHAPTER]         every listing: number, caption, section, needs
    python -m util run N.M [ARGS...]      start what N.M needs, run it, stop what was started
        --latency MS                      ... with Postgres and the stand-in MS ms away (also
                                          for trace and services up)
    python -m util trace N.M [ARGS...]    the same run under a tracer: trace file, timeline PNG
    python -m util services up|down|status
    python -m util db reset [DATABASE]    make the book's databases again, fully loaded
    python -m util telnet [HOST] PORT     a line client sending CR LF, as the book's telnet
        --lf                              ... ending lines with LF alone (8.13's chat server)
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from util.tools import listing_index, stop_signals
from util.tools.errors import ReaderError
from util.tools.processes import exit_status
from util.tools.run_environment import RunEnvironment, to_stderr


def list_listings(chapter_text: str | None, russian: bool = False) -> int:
    chapter = None if chapter_text is None else listing_index.chapter_number(chapter_text)
    found = listing_index.discover(chapter)
    if not found:
        print(f"no listings found{f' in chapter {chapter}' if chapter else ''}", file=sys.stderr)
        return 1
    width = max(len(info.id) for info in found)
    for info in found:
        needs = ", ".join(str(need) for need in info.needs) or "nothing"
        line = (f"{info.id:<{width}}  {info.caption}  [section {info.section or '?'}; "
                f"needs {needs}]")
        if russian:
            from util.tools import russian_edition

            found_ru = russian_edition.section(info.section)
            line += f"  — {found_ru}" if found_ru else ""
        print(line)
    return 0


def run_listing(listing_id: str | None, args: list[str], latency: str | None = None) -> int:
    if listing_id is None:
        raise ReaderError("which listing? write it like `python -m util run 2.9`")
    found, args = leading_options(args, ("--latency",))
    latency_ms = _milliseconds(found.get("--latency", latency))
    info = listing_index.find(listing_id)
    # from here on SIGTERM and SIGHUP unwind as Ctrl-C does: what was started is stopped
    with (stop_signals.raised(),
          RunEnvironment.for_listing(info, to_stderr, latency_ms) as started):
        command = [sys.executable, "-m", info.module, *args]
        environ = os.environ | started.env
        with stop_signals.forwarded_to(lambda: subprocess.Popen(command, env=environ)) as child:
            returncode = child.wait()
        started.remind()
        if returncode == 0:
            started.listing_succeeded()
    return exit_status(returncode)


def leading_options(args: list[str], names: tuple[str, ...]) -> tuple[dict[str, str], list[str]]:
    """util's own options (`NAME VALUE` or `NAME=VALUE`) right after the listing's number, as in
    `util run 5.8 --latency 1`: {NAME: VALUE}, and the listing's arguments after them."""
    found = {}
    while args and (name := args[0].partition("=")[0]) in names:
        if "=" in args[0]:
            found[name], args = args[0].partition("=")[2], args[1:]
        elif len(args) > 1:
            found[name], args = args[1], args[2:]
        else:
            raise ReaderError(f"{name} needs a value, e.g. `{name} 1`")
    return found, args


def _milliseconds(text: str | None) -> float | None:
    if text is None:
        return None
    from util.tools.latency import milliseconds

    return milliseconds(text)


DATABASE_NAMES = ("products", "cart", "favorites")  # book_databases' names (imported when used)


def reset_databases(book_names: list[str]) -> int:
    """Drop and make again, fully loaded, the book's databases that the project made."""
    import asyncio

    from util.tools.book_databases import BOOK_DATABASES, reset

    postgres = (listing_index.Need("postgres"),)
    with stop_signals.raised(), RunEnvironment(postgres, "util.db", to_stderr) as started:
        for name in book_names:
            ran = asyncio.run(reset(started.server, name))
            print(f"database {BOOK_DATABASES[name].configured_name!r}: made again as the book "
                  f"has it ({', '.join(ran)})")
    return 0


def build_parser():
    """The whole command line, as `python -m util --help` shows it."""
    import argparse  # with its imports, 25 ms: only when more than `run N.M` is asked for

    parser = argparse.ArgumentParser(prog="python -m util", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("list", help="list the listings")
    show.add_argument("chapter", nargs="?")
    show.add_argument("--ru", action="store_true",
                      help="with the Russian edition's section title and page")
    run = commands.add_parser("run", help="run a listing with what it needs")
    latency = {"metavar": "MS", "help": "Postgres and the example.com stand-in MS ms away, "
               "through a latency proxy (also accepted right after the listing's number)"}
    run.add_argument("--latency", **latency)
    run.add_argument("listing", nargs="?", help="the book's number, e.g. 2.9")
    run.add_argument("args", nargs=argparse.REMAINDER)
    traced = commands.add_parser("trace", help="run a listing under a tracer, draw its timeline")
    traced.add_argument("--seconds", help="stop the listing after this long (30)")
    traced.add_argument("--latency", **latency)
    traced.add_argument("listing", help="the book's number, e.g. 2.9")
    traced.add_argument("args", nargs=argparse.REMAINDER)
    service = commands.add_parser("services", help="keep the services running")
    service.add_argument("action", choices=["up", "down", "status"])
    service.add_argument("--latency", metavar="MS", help="with `up`: a latency proxy in front "
                         "of Postgres and the stand-in (it prints the variables to set)")
    database = commands.add_parser("db", help="the book's databases")
    database.add_argument("action", choices=["reset"])
    database.add_argument("database", nargs="?", choices=DATABASE_NAMES,
                          help="one of them (all three if none is named)")
    talk = commands.add_parser("telnet", help="talk to a server line by line, as telnet does")
    talk.add_argument("--lf", action="store_true",
                      help="end lines with LF alone, as plain nc does (8.13's chat server)")
    talk.add_argument("address", nargs="+", metavar="[HOST] PORT")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["run"] and len(argv) > 1 and not argv[1].startswith("-"):
            # what the parser makes of `run N.M ARGS...`, without building it (start-up)
            return run_listing(argv[1], argv[2:])
        options = build_parser().parse_args(argv)
        if options.command == "list":
            return list_listings(options.chapter, options.ru)
        if options.command == "run":
            return run_listing(options.listing, options.args, options.latency)
        if options.command == "trace":
            from util.tools import trace

            found, args = leading_options(options.args, ("--seconds", "--latency"))
            seconds = found.get("--seconds", options.seconds)
            return trace.main(options.listing, args, seconds and trace.parse_seconds(seconds),
                              _milliseconds(found.get("--latency", options.latency)))
        if options.command == "telnet":
            from util.tools import telnet

            return telnet.main(options.address, options.lf)
        if options.command == "db":
            names = [options.database] if options.database else list(DATABASE_NAMES)
            return reset_databases(names)
        from util.tools import background_services

        latency_ms = _milliseconds(options.latency)
        if latency_ms is not None and options.action != "up":
            raise ReaderError("--latency goes with `services up` (`down` stops the proxy too)")
        if options.action == "up":
            background_services.up(latency_ms=latency_ms)
        else:
            getattr(background_services, options.action)()
        return 0
    except ReaderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `util list | head`: the reader has read enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 128 + signal.SIGPIPE  # as a program SIGPIPE ended
    except stop_signals.Stopped as stopped:
        return stopped.exit_status
