"""`fazhi parse` and `fazhi extract`: JSON Lines with the keys the scorer and users read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from orchestration.settings import REPO_ROOT

SAMPLES = REPO_ROOT / "seeds"

REPORT_KEYS = {"file", "title", "issuer", "issuer_kind", "province", "city", "county", "admin_code",
               "report_year", "publish_date", "doc_number"}
FACT_KEYS = {"file", "domain", "measure", "kind", "value", "unit", "approx", "year", "scope", "quote",
             "start", "end"}


def fazhi(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("fazhi")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=True)


def test_parse_prints_one_report_per_line():
    rows = [json.loads(line) for line in fazhi("parse", str(SAMPLES)).stdout.splitlines()]
    assert len(rows) == 5
    assert all(row.keys() >= REPORT_KEYS for row in rows)


def test_extract_prints_traceable_facts():
    rows = [json.loads(line) for line in fazhi("extract", *map(str, sorted(SAMPLES.glob("*.txt")))).stdout.splitlines()]
    assert rows and all(row.keys() >= FACT_KEYS for row in rows)
    assert {row["file"] for row in rows} == {p.name for p in SAMPLES.glob("*.txt")}


def test_a_bad_file_is_reported_and_the_rest_go_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = fazhi("parse", str(tmp_path / "empty.txt"), str(SAMPLES / "000_243677528e629ced.txt"))
    assert len(result.stdout.splitlines()) == 1
    assert "empty.txt" in result.stderr


def test_nothing_usable_is_an_error():
    exe = Path(sys.executable).with_name("fazhi")
    result = subprocess.run([str(exe), "parse", "/nonexistent/report.txt"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "file not found" in result.stderr and "Traceback" not in result.stderr


def test_a_closed_pipe_is_not_an_error():
    exe = Path(sys.executable).with_name("fazhi")
    result = subprocess.run(f"'{exe}' extract '{SAMPLES}' | head -1", shell=True, capture_output=True, text=True)
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_stage_progress_bars_count_only_when_turned_on(tmp_path, capsys):
    """`fazhi build` turns the bars on in a terminal; runs from the UI or a pipe never see them."""
    import shutil

    from orchestration import stages

    inbox = tmp_path / "in"
    inbox.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt"))[:2]:
        shutil.copy(sample, inbox)
    stages.load_raw(inbox, tmp_path / "quiet")
    stages.parse_raw(tmp_path / "quiet")
    assert capsys.readouterr().err == ""
    with stages.progress_bars(True):
        stages.load_raw(inbox, tmp_path / "lake")
        stages.parse_raw(tmp_path / "lake")
        stages.extract_parsed(tmp_path / "lake")
    err = capsys.readouterr().err
    for stage in ("read", "parse", "extract"):
        assert f"{stage}: 100%" in err and "2/2" in err, err
