"""`fazhi`: the pipeline from a terminal.

  fazhi parse PATH...    one JSON line per report: its metadata
  fazhi extract PATH...  one JSON line per fact
  fazhi build            raw -> parsed -> metrics -> dbt marts in warehouse/fazhi.duckdb, via Dagster
  fazhi dev              dagster dev on 127.0.0.1 with DAGSTER_HOME=warehouse/dagster_home
  fazhi app              the explorer on http://127.0.0.1:8501, reading the warehouse read-only
  fazhi watch            fetch new and republished reports from government sites into a folder

parse and extract run the same code as the Dagster assets, without Dagster or a warehouse.
Files that cannot be used are reported on stderr with their reason; the others go on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from orchestration import batch, settings
from orchestration.reports.parsed import ParsedReport


def expand(paths: Iterable[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        yield from batch.discover(path) if path.is_dir() else [path]


def parsed_reports(paths: list[str]) -> Iterator[ParsedReport]:
    raws = (item for item in batch.read_all(expand(paths)) if not _reported(item))
    for item in batch.parse_all(raws):
        if not _reported(item):
            yield item


def _count(items: Iterator, counter: list[int]) -> Iterator:
    for item in items:
        counter[0] += 1
        yield item


def _reported(item) -> bool:
    """Rejection rows go to stderr; True when `item` was one."""
    if isinstance(item, dict):
        print(f"rejected {item['path']} ({item['stage']}): {item['reason']}", file=sys.stderr)
        return True
    return False


def emit(row: dict) -> None:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def cmd_parse(args: argparse.Namespace) -> int:
    read = [0]
    for report in _count(parsed_reports(args.paths), read):
        emit(report.metadata())
    return 0 if read[0] else _nothing_read()


def _nothing_read() -> int:
    print("fazhi: no usable report among the paths given (reasons above)", file=sys.stderr)
    return 1


def cmd_extract(args: argparse.Namespace) -> int:
    from orchestration.metrics.facts import extract_facts

    read = [0]
    for report in _count(parsed_reports(args.paths), read):
        try:
            facts = extract_facts(report)
        except Exception as err:  # one report's failure must not stop the others
            _reported(batch.rejection(report.path, "extract", f"unexpected error: {err!r}", report.report_id))
            continue
        for fact in facts:
            emit(fact.as_row())
    return 0 if read[0] else _nothing_read()


def cmd_build(args: argparse.Namespace) -> int:
    from orchestration.build import build_warehouse

    return build_warehouse(input_dir=Path(args.input).resolve() if args.input else None, verbose=args.verbose)


def cmd_dev(args: argparse.Namespace) -> int:
    from orchestration.build import dagster_home

    dagster_home()
    dagster = str(Path(sys.executable).with_name("dagster"))
    os.execv(dagster, [dagster, "dev", "-h", "127.0.0.1", "-p", str(args.port)])


def cmd_app(args: argparse.Namespace) -> int:
    from orchestration.app.launch import main as app_main

    return app_main(["--port", str(args.port), *(["--database", args.database] if args.database else [])])


def cmd_watch(args: argparse.Namespace) -> int:
    """Exit 0: every URL fetched or unchanged; 1: some failed (the rest were done; reasons on
    stderr and in <inbox>/.watcher/failures.jsonl); 2: the channel file or inbox is unusable."""
    import logging

    from orchestration.watcher import ConfigError, InboxError, load_config, watch

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        config = load_config(args.config)
        inbox = Path(args.inbox).expanduser().resolve()
        inbox.mkdir(parents=True, exist_ok=True)
        result = watch(config, inbox)
    except (ConfigError, InboxError, OSError) as err:
        print(f"fazhi watch: {err}", file=sys.stderr)
        return 2
    for outcome in result.downloaded:
        print(f"{outcome.outcome}\t{outcome.path}\t{outcome.url}")
    print(result.summary(), file=sys.stderr)
    return 1 if result.failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fazhi", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, func, help_text in (
        ("parse", cmd_parse, "print each report's metadata as JSON Lines"),
        ("extract", cmd_extract, "print each extracted fact as JSON Lines"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("paths", nargs="+", help="report files or folders")
        sub.set_defaults(func=func)
    build = commands.add_parser("build", help="build the warehouse and print what it holds")
    build.add_argument("--input", help=f"folder of reports (default: $FAZHI_INPUT_DIR or {settings.input_dir()})")
    build.add_argument("-v", "--verbose", action="store_true", help="show dbt's log (default: in warehouse/dbt_build.log)")
    build.set_defaults(func=cmd_build)
    dev = commands.add_parser("dev", help="the Dagster UI on 127.0.0.1, with a persistent run history")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(func=cmd_dev)
    app = commands.add_parser("app", help="the explorer (trends, compare, reports with their facts highlighted, "
                                          "exports) on 127.0.0.1, reading the warehouse read-only")
    app.add_argument("--port", type=int, default=8501)
    app.add_argument("--database", help=f"the DuckDB file (default: $FAZHI_DUCKDB_PATH or {settings.duckdb_path()})")
    app.set_defaults(func=cmd_app)
    watch = commands.add_parser("watch", help="fetch new and republished reports from the channels' listing "
                                              "pages into a folder (see config/channels.example.yaml)")
    watch.add_argument("--config", required=True, help="the channel file (YAML)")
    watch.add_argument("--inbox", required=True, help="folder the reports are downloaded into (e.g. $FAZHI_INPUT_DIR)")
    watch.add_argument("--quiet", action="store_true", help="log failures only")
    watch.set_defaults(func=cmd_watch)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `fazhi extract ... | head`: the reader has what it wanted
        # Python would complain again flushing stdout at exit: point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
