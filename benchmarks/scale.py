"""How the pipeline scales with the number of reports (issue 10, item 6).

    python benchmarks/scale.py [--sizes 1000 10000] [--full] [--runs 3] [--build-runs R]
                               [--out benchmarks/results/scale.json] [--keep DIR]

For each size N, in a temporary folder (or --keep DIR), on a synthetic corpus from
benchmarks/corpus.py (for speed only: its facts are meaningless):
  a. parse+extract throughput in this process, in MB per second of wall time and per CPU second
     (one core), on the first --sample reports, and its ratio to a bare regex number scan over the
     same texts in the same process (benchmarks/extraction.py's expression); medians of --runs;
  b. a full `python -m orchestration.cli build --input DIR` into an empty warehouse: wall time,
     CPU time, and peak resident memory: the largest single process (/usr/bin/time -v) and the
     whole process tree (summed RSS, sampled every 0.2 s from /proc);
  c. dbt's share of that build: the wall time of the Dagster steps whose key contains "dbt",
     from the run's step stats in the warehouse's DAGSTER_HOME;
  d. a rerun with nothing changed (median of --build-runs builds);
  e. the latency from dropping one new report into the folder to its facts being queryable: the
     wall time of the build after adding it, checked by finding the report in dim_report with at
     least one fact row (median of --build-runs; each adds another new report, so the k-th sees
     N+k-1 reports already in the warehouse).
The pipeline is driven only through its public command; the warehouse is chosen by
FAZHI_WAREHOUSE_DIR (and DAGSTER_HOME=<warehouse>/dagster_home) set for the child process only.
Prints a table and writes JSON (--out). Wall times depend on what else the machine runs: the JSON
keeps the load average before each measurement and the CPU seconds beside every wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.corpus import NOTICE, report, write_corpus  # noqa: E402
from benchmarks.extraction import BARE  # noqa: E402

FULL_SIZE = 100_000
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------- (a) parse+extract in process

def throughput(corpus: Path, sample: int, runs: int) -> dict:
    """Parse+extract against the bare regex scan, on the same decoded texts, in this process."""
    from orchestration.metrics.facts import extract_facts
    from orchestration.reports.parsed import parse_report
    from orchestration.reports.raw import read_report

    paths = sorted(corpus.iterdir())[:sample]
    raws = [read_report(p) for p in paths]
    megabytes = sum(len(r.text.encode()) for r in raws) / 1e6
    for raw in raws[:20]:  # warm-up: vocabulary, gazetteer and jieba load once per process
        extract_facts(parse_report(raw))

    def bare() -> int:
        return sum(len(BARE.findall(r.text)) for r in raws)

    def full() -> int:
        return sum(len(extract_facts(parse_report(r))) for r in raws)

    def measure(fn) -> tuple[float, float]:
        wall, cpu = [], []
        for _ in range(runs):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        return statistics.median(wall), statistics.median(cpu)

    load = os.getloadavg()[0]
    bare_wall, bare_cpu = measure(bare)
    full_wall, full_cpu = measure(full)
    return {
        "reports": len(raws), "megabytes": round(megabytes, 3), "runs": runs, "load_before": round(load, 2),
        "bare_s": round(bare_wall, 4), "bare_cpu_s": round(bare_cpu, 4),
        "parse_extract_s": round(full_wall, 3), "parse_extract_cpu_s": round(full_cpu, 3),
        "bare_mb_per_s": round(megabytes / bare_wall, 2),
        "parse_extract_mb_per_s": round(megabytes / full_wall, 3),
        "parse_extract_mb_per_cpu_s": round(megabytes / full_cpu, 3),
        "ms_per_report_cpu": round(1000 * full_cpu / len(raws), 1),
        "ratio_wall": round(full_wall / bare_wall, 1),
        "ratio_cpu": round(full_cpu / bare_cpu, 1),
    }


# ---------------------------------------------------------------- (b)-(e) builds

class TreeRss:
    """Summed resident memory of a process and its descendants, sampled from /proc; also each
    process's own peak, to tell which one grows (the build, dbt, ...)."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval, self.peak = pid, interval, 0
        self.processes: dict[int, tuple[str, int]] = {}  # pid -> (command, peak bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def _sample(self) -> int:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    rss = int(fh.read().split()[1]) * PAGE
            except (OSError, IndexError, ValueError):
                continue
            total += rss
            name, peak = self.processes.get(pid) or ("", 0)
            # Read again every time: a child is its parent's copy until it execs its own program.
            self.processes[pid] = (self._command(pid) or name, max(peak, rss))
        return total

    @staticmethod
    def _command(pid: int) -> str:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                words = fh.read().split(b"\0")
        except OSError:
            return ""
        return " ".join(Path(w.decode(errors="replace")).name if i == 0 else w.decode(errors="replace")
                        for i, w in enumerate(words[:4]) if w)[:80]

    def largest(self, count: int = 4) -> list[dict]:
        top = sorted(self.processes.values(), key=lambda item: -item[1])[:count]
        return [{"command": name, "peak_rss_mb": round(peak / 2**20)} for name, peak in top]


def child_env(warehouse: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FAZHI_DUCKDB_PATH", "FAZHI_LAKE_DIR", "FAZHI_INPUT_DIR", "DAGSTER_HOME")}
    env["FAZHI_WAREHOUSE_DIR"] = str(warehouse)
    env["DAGSTER_HOME"] = str(warehouse / "dagster_home")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


TIME_FIELDS = {
    "max_rss_kb": "Maximum resident set size (kbytes)",
    "user_s": "User time (seconds)",
    "system_s": "System time (seconds)",
}


def run_ids(warehouse: Path) -> set[str]:
    home = warehouse / "dagster_home"
    if not (home / "dagster.yaml").exists():
        return set()
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {run.run_id for run in instance.get_runs()}


def dbt_seconds(warehouse: Path, before: set[str]) -> dict:
    """Wall time covered by the dbt steps of the runs this build made (their union, should
    several overlap), and every step's seconds, from Dagster's step stats."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(warehouse / "dagster_home")) as instance:
        new = [run for run in instance.get_runs() if run.run_id not in before]
        steps = [(run.run_id, s) for run in new for s in instance.get_run_step_stats(run.run_id)]
    spans = sorted((s.start_time, s.end_time) for _, s in steps
                   if "dbt" in s.step_key and s.start_time and s.end_time)
    covered, end = 0.0, None
    for start, stop in spans:
        if end is None or start > end:
            covered += stop - start
            end = stop
        elif stop > end:
            covered += stop - end
            end = stop
    per_step: dict[str, float] = {}
    for _, s in steps:
        if s.start_time and s.end_time:
            per_step[s.step_key] = round(per_step.get(s.step_key, 0.0) + s.end_time - s.start_time, 2)
    return {"runs": len(new), "dbt_s": round(covered, 2) if spans else None, "steps_s": per_step}


DBT_FINISHED = re.compile(r"Finished running .* in .*?\(([\d.]+)s\)")


def dbt_cli_seconds(warehouse: Path) -> float | None:
    """dbt's own figure for its run, when the build leaves dbt's log where it does today."""
    log = warehouse / "dbt_build.log"
    if not log.exists():
        return None
    found = DBT_FINISHED.findall(log.read_text(encoding="utf-8", errors="replace"))
    return float(found[-1]) if found else None


DBT_STEP = re.compile(r"dbt step: (.*)$", re.M)
DBT_STEP_PART = re.compile(r"(?:\d+ )?([a-z][a-z ]*?) ([\d.]+) s")


def dbt_step_parts(log_text: str) -> dict[str, float]:
    """Where the dbt step's time went, from its log line (orchestration/defs/dbt.py's Clock):
    the starting file (spare, copy or empty), dbt itself, table metadata, publish, events."""
    found = DBT_STEP.findall(log_text)
    return {name: float(s) for name, s in DBT_STEP_PART.findall(found[-1])} if found else {}


def build(corpus: Path, warehouse: Path, label: str) -> dict:
    """One `fazhi build`, timed, with its memory and its dbt steps."""
    before = run_ids(warehouse)
    log = warehouse.parent / f"build-{label}.log"
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "orchestration.cli", "build", "--input", str(corpus)]
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env(warehouse), stdout=out,
                                stderr=subprocess.STDOUT)
        with TreeRss(proc.pid) as tree:
            rc = proc.wait()
    wall = time.perf_counter() - t0
    text = log.read_text(encoding="utf-8", errors="replace")
    result = {"label": label, "rc": rc, "wall_s": round(wall, 2), "load_before": round(load, 2),
              "tree_peak_rss_mb": round(tree.peak / 2**20), "largest_processes": tree.largest()}
    for key, name in TIME_FIELDS.items():
        found = re.findall(rf"{re.escape(name)}:\s*([\d.]+)", text)
        if found:
            result[key] = float(found[-1])
    if "max_rss_kb" in result:
        result["max_process_rss_mb"] = round(result.pop("max_rss_kb") / 1024)
    result["cpu_s"] = round(result.get("user_s", 0) + result.get("system_s", 0), 2)
    if rc != 0:
        tail = "\n".join(text.splitlines()[-15:])
        raise SystemExit(f"build {label} failed (exit {rc}); its log: {log}\n{tail}")
    result.update(dbt_seconds(warehouse, before))
    result["dbt_cli_s"] = dbt_cli_seconds(warehouse)
    result["dbt_step_parts_s"] = dbt_step_parts(text)
    return result


def marts(con) -> tuple[str, list[str]]:
    """The schema holding dim_report (a *marts* one if several) and its fact tables."""
    rows = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    schemas = sorted({s for s, t in rows if t == "dim_report"}, key=lambda s: ("marts" not in s, s))
    if not schemas:
        raise SystemExit("the warehouse has no dim_report table")
    schema = schemas[0]
    return schema, sorted(t for s, t in rows if s == schema and t.startswith("fact_"))


def queryable(warehouse: Path, file_name: str) -> dict:
    """The report's row in dim_report and its number of fact rows, read-only."""
    import duckdb

    with duckdb.connect(str(warehouse / "fazhi.duckdb"), read_only=True) as con:
        schema, facts = marts(con)
        found = con.execute(f'select report_id from "{schema}".dim_report where file_name = ?',
                            [file_name]).fetchall()
        if not found:
            return {"in_dim_report": False, "facts": 0}
        rid = found[0][0]
        count = sum(con.execute(f'select count(*) from "{schema}"."{t}" where report_id = ?', [rid]).fetchone()[0]
                    for t in facts)
        reports = con.execute(f'select count(*) from "{schema}".dim_report').fetchone()[0]
    return {"in_dim_report": True, "facts": count, "reports_in_warehouse": reports}


def median_of(results: list[dict], key: str) -> float | None:
    values = [r[key] for r in results if r.get(key) is not None]
    return round(statistics.median(values), 2) if values else None


def one_size(n: int, args: argparse.Namespace, root: Path, result: dict, save) -> None:
    """Fill `result` for size n, calling save() after every figure (a 100k run takes hours)."""
    corpus, warehouse = root / "corpus", root / "warehouse"
    for path in (corpus, warehouse):
        shutil.rmtree(path, ignore_errors=True)
    t0 = time.perf_counter()
    size = write_corpus(corpus, n, args.seed)
    say(f"N={n}: corpus {size / 1e6:.1f} MB written in {time.perf_counter() - t0:.1f} s ({NOTICE})")
    result.update(n=n, corpus_mb=round(size / 1e6, 2))

    say(f"N={n}: (a) parse+extract against the bare scan, {min(n, args.sample)} reports x {args.runs} runs")
    result["throughput"] = throughput(corpus, args.sample, args.runs)
    save()

    say(f"N={n}: (b, c) full build into an empty warehouse")
    result["full_build"] = build(corpus, warehouse, "full")
    say(f"N={n}:   {result['full_build']['wall_s']} s")
    save()

    reruns = []
    for k in range(args.build_runs):
        say(f"N={n}: (d) rerun with nothing changed {k + 1}/{args.build_runs}")
        reruns.append(build(corpus, warehouse, f"rerun{k + 1}"))
        say(f"N={n}:   {reruns[-1]['wall_s']} s")
        result["rerun"] = {"runs": reruns, "median_wall_s": median_of(reruns, "wall_s"),
                           "median_dbt_s": median_of(reruns, "dbt_s")}
        save()

    latencies = []
    for k in range(args.build_runs):
        name, text, _ = report(n + k, args.seed)
        say(f"N={n}: (e) one new report ({name}) {k + 1}/{args.build_runs}")
        (corpus / name).write_text(text, encoding="utf-8")
        measured = build(corpus, warehouse, f"new{k + 1}")
        measured.update(file_name=name, **queryable(warehouse, name))
        if not measured["in_dim_report"] or not measured["facts"]:
            raise SystemExit(f"the new report {name} is not queryable after its build: {measured}")
        latencies.append(measured)
        say(f"N={n}:   {measured['wall_s']} s, {measured['facts']} facts")
        result["new_report"] = {"runs": latencies, "median_wall_s": median_of(latencies, "wall_s"),
                                "median_dbt_s": median_of(latencies, "dbt_s")}
        save()


# ---------------------------------------------------------------- report

def say(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def commit() -> str | None:
    with contextlib.suppress(Exception):
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    return None


def table(results: list[dict]) -> str:
    rows = [("", *[f"N={r['n']:,}" for r in results])]

    def add(label: str, get) -> None:
        values = []
        for r in results:
            try:
                value = get(r)
            except (KeyError, TypeError):
                value = None
            values.append("-" if value is None else str(value))
        rows.append((label, *values))

    add("corpus MB", lambda r: r["corpus_mb"])
    add("parse+extract MB/s (wall, 1 process)", lambda r: r["throughput"]["parse_extract_mb_per_s"])
    add("parse+extract MB per CPU-s (per core)", lambda r: r["throughput"]["parse_extract_mb_per_cpu_s"])
    add("bare regex scan MB/s", lambda r: r["throughput"]["bare_mb_per_s"])
    add("ratio parse+extract / bare (CPU)", lambda r: f"{r['throughput']['ratio_cpu']}x")
    add("full build wall s", lambda r: r["full_build"]["wall_s"])
    add("full build CPU s", lambda r: r["full_build"]["cpu_s"])
    add("full build peak RSS MB, largest process", lambda r: r["full_build"]["max_process_rss_mb"])
    add("full build peak RSS MB, process tree", lambda r: r["full_build"]["tree_peak_rss_mb"])
    add("dbt step(s) wall s (Dagster)", lambda r: r["full_build"]["dbt_s"])
    add("  of which dbt's own run s", lambda r: r["full_build"]["dbt_cli_s"])
    add("no-change rerun wall s (median)", lambda r: r["rerun"]["median_wall_s"])
    add("  its CPU s (median)", lambda r: median_of(r["rerun"]["runs"], "cpu_s"))
    add("one new report -> queryable s (median)", lambda r: r["new_report"]["median_wall_s"])
    add("  its CPU s (median)", lambda r: median_of(r["new_report"]["runs"], "cpu_s"))
    add("  its dbt step wall s (first)", lambda r: r["new_report"]["runs"][0]["dbt_s"])
    add("  of which dbt's own run s", lambda r: r["new_report"]["runs"][0]["dbt_cli_s"])
    add("load average before the full build", lambda r: r["full_build"]["load_before"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                               enumerate(zip(row, widths, strict=True))) for row in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--full", action="store_true", help=f"add N={FULL_SIZE:,} (a corpus of about 1.5 GB)")
    ap.add_argument("--runs", type=int, default=3, help="runs of the in-process throughput figures (median)")
    ap.add_argument("--build-runs", type=int, help="builds for the rerun and new-report figures (median; "
                    "default: --runs)")
    ap.add_argument("--sample", type=int, default=200, help="reports for the throughput figures (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results" / "scale.json")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep corpora, warehouses and logs")
    args = ap.parse_args(argv)
    args.build_runs = args.build_runs or args.runs
    sizes = [*args.sizes, *([FULL_SIZE] if args.full and FULL_SIZE not in args.sizes else [])]
    if not Path("/usr/bin/time").exists():
        raise SystemExit("needs /usr/bin/time (Debian: apt-get install time)")

    print(NOTICE, file=sys.stderr)
    meta = {"date": f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}", "commit": commit(),
            "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs",
            "python": platform.python_version(), "runs": args.runs, "build_runs": args.build_runs,
            "sample": args.sample, "seed": args.seed, "corpus": NOTICE}
    results: list[dict] = []

    def save() -> None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({**meta, "results": results}, ensure_ascii=False, indent=2) + "\n")

    for n in sizes:
        results.append({"n": n})
        if args.keep:
            root = args.keep / f"n{n}"
            root.mkdir(parents=True, exist_ok=True)
            one_size(n, args, root, results[-1], save)
        else:
            with tempfile.TemporaryDirectory(prefix=f"fazhi-scale-{n}-") as tmp:
                one_size(n, args, Path(tmp), results[-1], save)
    print(f"\n{meta['date']}  commit {meta['commit']}  {meta['machine']}")
    print(table(results))
    print(f"\nJSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
