"""Start the explorer: Streamlit on 127.0.0.1, no usage statistics, nothing fetched from outside.

  python -m orchestration.app [--port 8501] [--database PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from orchestration import settings

MAIN = Path(__file__).with_name("main.py")
HOST = "127.0.0.1"


def streamlit_args(port: int) -> list[str]:
    """`streamlit run` with every option that keeps it local and quiet."""
    return [
        sys.executable, "-m", "streamlit", "run", str(MAIN),
        "--server.address", HOST,
        "--server.port", str(port),
        "--server.headless", "true",  # no browser opened, no e-mail prompt
        "--browser.serverAddress", HOST,
        "--browser.gatherUsageStats", "false",  # no telemetry leaves the machine
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--client.showErrorDetails", "true",
        "--theme.base", "light",
    ]


def environment(database: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if database is not None:
        env["FAZHI_DUCKDB_PATH"] = str(Path(database).resolve())
    # The app imports orchestration.*, wherever it is started from.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(settings.REPO_ROOT), env.get("PYTHONPATH")) if p)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fazhi app", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--database", help=f"the DuckDB file (default: $FAZHI_DUCKDB_PATH or {settings.duckdb_path()})")
    args = parser.parse_args(argv)
    database = Path(args.database) if args.database else None
    print(f"fazhi explorer on http://{HOST}:{args.port}  (warehouse, read-only: "
          f"{database.resolve() if database else settings.duckdb_path()})", flush=True)
    command = streamlit_args(args.port)
    os.execve(command[0], command, environment(database))


if __name__ == "__main__":
    sys.exit(main())
