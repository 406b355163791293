"""Hostile and odd input: every file seen ends in the warehouse or in rejected_reports
with its reason, nothing outside the input folder is read, and no file can take the
machine (a zip bomb costs a rejection, not gigabytes)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import batch, lake, settings, stages
from orchestration.defs.automation import new_reports_sensor
from orchestration.reports.raw import read_report
from orchestration.reports.rejection import RejectedReport
from orchestration.resources import WarehouseResource

SEEDS = settings.REPO_ROOT / "seeds"
GOOD = SEEDS / "000_243677528e629ced.txt"
NO_TITLE = SEEDS / "003_f1304c71a8f18e54.txt"  # metadata finds no title in this one
SECRET = "绝密口令123456"


def write_docx_bomb(path: Path, unpacked_mb: int = 200) -> None:
    """A small .docx whose document.xml unpacks to `unpacked_mb` MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as xml:
            xml.write(b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>')
            chunk = ("法治" * 512).encode() * 64
            for _ in range(unpacked_mb * 2**20 // len(chunk)):
                xml.write(chunk)
            xml.write(b"</w:t></w:r></w:p></w:body></w:document>")


def hostile_folder(root: Path) -> tuple[Path, dict[str, str]]:
    """An input folder with one of each odd case; returns it and {file name: expected reason part}."""
    inbox = root / "inbox"
    inbox.mkdir()
    shutil.copy(GOOD, inbox / "good.txt")
    text = NO_TITLE.read_text(encoding="utf-8")
    (inbox / "no title.txt").write_text(text, encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    (inbox / "no title.html").write_text(f"<html><body><article>{paragraphs}</article></body></html>",
                                         encoding="utf-8")
    write_docx_bomb(inbox / "bomb.docx")
    outside = root / "secret.txt"
    outside.write_text(SECRET * 40, encoding="utf-8")
    (inbox / "secret link.txt").symlink_to(outside)
    (inbox / "broken link.txt").symlink_to(root / "gone.txt")
    (inbox / "inside link.txt").symlink_to(inbox / "good.txt")
    os.mkfifo(inbox / "pipe.txt")
    gbk = "报告二.txt".encode("gbk").decode("utf-8", "surrogateescape")  # a name from a Windows archive
    (inbox / gbk).write_text(GOOD.read_text(encoding="utf-8").replace("关于2023年", "关于2018年", 1),
                             encoding="utf-8")
    expected = {
        "no title.txt": "same text as",  # the page, first in name order, is the one kept
        "bomb.docx": "over the limit",
        "secret link.txt": "outside the input folder",
        "broken link.txt": "broken symbolic link",
        "inside link.txt": "duplicate of",
        "pipe.txt": "not a regular file",
    }
    return inbox, expected


def test_a_docx_bomb_is_rejected_quickly_with_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.docx"
    write_docx_bomb(bomb)
    assert bomb.stat().st_size < 1_000_000
    # VmHWM: this process's peak memory (ru_maxrss would carry pytest's own over the exec).
    code = ("import re, sys, time; from orchestration.reports.raw import read_report\n"
            "start = time.monotonic()\n"
            "try: read_report(sys.argv[1])\n"
            "except Exception as err: print(type(err).__name__, err)\n"
            "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            "print(time.monotonic() - start, peak)")
    result = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True,
                            cwd=settings.REPO_ROOT, check=True)
    reason, figures = result.stdout.strip().splitlines()
    seconds, peak_kb = figures.split()
    assert reason.startswith("RejectedReport") and "200 MB" in reason and "FAZHI_MAX_DOCX_XML_MB" in reason
    assert float(seconds) < 2
    assert int(peak_kb) < 300 * 1024  # the import alone is ~50 MB; unpacking would be gigabytes


def test_limits_can_be_raised(tmp_path, monkeypatch):
    (tmp_path / "big.txt").write_text("法治政府建设。" * 200, encoding="utf-8")
    monkeypatch.setenv("FAZHI_MAX_REPORT_CHARS", "100")
    with pytest.raises(RejectedReport, match="FAZHI_MAX_REPORT_CHARS"):
        read_report(tmp_path / "big.txt")
    monkeypatch.setenv("FAZHI_MAX_REPORT_CHARS", "100000")
    assert read_report(tmp_path / "big.txt").text


def test_every_odd_file_gets_a_reason_and_nothing_outside_is_read(tmp_path):
    inbox, expected = hostile_folder(tmp_path)
    lake_dir = tmp_path / "lake"
    started = time.monotonic()
    stages.load_raw(inbox, lake_dir)
    stages.parse_raw(lake_dir)
    assert time.monotonic() - started < 30
    rejected = {r["file_name"]: r["reason"] for r in lake.read_rows(lake_dir, "rejected_reports")}
    for name, reason in expected.items():
        assert reason in rejected.get(name, ""), (name, rejected)
    parsed = {r["file_name"] for r in lake.read_rows(lake_dir, "parsed_reports")}
    assert {"good.txt", "no title.html"} <= parsed and len(parsed) == 3  # + the GBK-named one
    assert not [r for r in lake.read_rows(lake_dir, "raw_reports") if SECRET in r["text"]]


def test_a_file_vanishing_before_it_is_read_gets_a_reason(tmp_path):
    gone = tmp_path / "gone.txt"
    (row,) = batch.read_all([gone], root=tmp_path)
    assert "file not found (deleted or moved" in row["reason"]


def test_a_name_that_is_not_utf8_does_not_break_the_sensor(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "报告.txt".encode("gbk").decode("utf-8", "surrogateescape")).write_bytes(GOOD.read_bytes())
    os.mkfifo(inbox / "pipe.txt")
    monkeypatch.setenv("FAZHI_INPUT_DIR", str(inbox))
    monkeypatch.setenv("FAZHI_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    context = dg.build_sensor_context(cursor=None, resources={"warehouse": WarehouseResource()})
    assert isinstance(new_reports_sensor(context), dg.RunRequest)


@pytest.mark.slow
def test_a_checkout_under_an_odd_path_builds_from_a_hostile_folder(tmp_path):
    """The whole build, from a copy of the repo under a folder named with ', { and [, over
    the hostile folder: good reports in dim_report, every bad file with its reason."""
    checkout = tmp_path / "it's {odd} [1]" / "fazhi"
    ignore = shutil.ignore_patterns(".venv", ".git", "warehouse", "target", "__pycache__", ".ruff_cache")
    for part in ("orchestration", "dbt_project", "seeds"):
        shutil.copytree(settings.REPO_ROOT / part, checkout / part, ignore=ignore)
    inbox, expected = hostile_folder(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    env["DAGSTER_HOME"] = str(tmp_path / "dagster home")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "build", "--input", str(inbox)],
                            cwd=checkout, env=env, capture_output=True, text=True, timeout=900)
    wall = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"hostile build: {wall:.0f} s wall, peak {peak_mb:.0f} MB")
    database = checkout / "warehouse" / "fazhi.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        loaded = {r[0] for r in con.execute("select file_name from dim_report").fetchall()}
        rejected = dict(con.execute("select file_name, reason from rejected_reports").fetchall())
    assert {"good.txt", "no title.html"} <= loaded and len(loaded) == 3
    for name, reason in expected.items():
        assert reason in rejected.get(name, ""), (name, rejected)
    assert peak_mb < 1024
