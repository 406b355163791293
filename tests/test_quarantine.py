"""One broken file never stops the batch: bad files land in rejected_reports with a reason."""

from __future__ import annotations

import random
import shutil

from orchestration import batch, lake, settings, stages

GOOD = settings.REPO_ROOT / "seeds" / "000_243677528e629ced.txt"
HOSTILE_NAMES = [
    "name with spaces.txt",
    "quote's \"double\".txt",
    "semi;colon.txt",
    "'; DROP TABLE raw_reports;--.txt",
    "威海市 报告（2023）.txt",
]


def test_bad_files_are_rejected_with_reasons_and_good_ones_processed(tmp_path):
    inbox, lake_dir = tmp_path / "in", tmp_path / "lake"
    inbox.mkdir()
    shutil.copy(GOOD, inbox / "a_good.txt")
    shutil.copy(GOOD, inbox / "b_duplicate.txt")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "noise.txt").write_bytes(random.Random(0).randbytes(4096))
    (inbox / "table.xlsx").write_bytes(b"PK\x03\x04 not really")
    for n, name in enumerate(HOSTILE_NAMES):
        # Another year's report of the same issuer for each: none duplicates another.
        text = GOOD.read_text(encoding="utf-8").replace("关于2023年", f"关于{2010 + n}年", 1)
        (inbox / name).write_text(text, encoding="utf-8")

    read = stages.load_raw(inbox, lake_dir)
    parsed = stages.parse_raw(lake_dir)
    stages.extract_parsed(lake_dir)

    assert read.written == parsed.written == 1 + len(HOSTILE_NAMES)
    rejected = {row["file_name"]: row for row in lake.read_rows(lake_dir, "rejected_reports")}
    assert set(rejected) == {"b_duplicate.txt", "empty.txt", "noise.txt", "table.xlsx"}
    assert rejected["empty.txt"]["reason"] == "empty file"
    assert rejected["noise.txt"]["stage"] == "decode"
    assert "unsupported" in rejected["table.xlsx"]["reason"]
    good_id = next(r["report_id"] for r in lake.read_rows(lake_dir, "raw_reports") if r["file_name"] == "a_good.txt")
    assert rejected["b_duplicate.txt"]["duplicate_of"] == good_id

    names = {row["file_name"] for row in lake.read_rows(lake_dir, "parsed_reports")}
    assert set(HOSTILE_NAMES) <= names
    facts_per_file = {}
    for fact in lake.read_rows(lake_dir, "report_metrics"):
        facts_per_file[fact["file"]] = facts_per_file.get(fact["file"], 0) + 1
    # A hostile name changes nothing: the same text gives the same facts.
    assert len({facts_per_file[name] for name in [*HOSTILE_NAMES, "a_good.txt"]}) == 1


def test_a_file_name_that_is_not_utf8_does_not_break_the_batch(tmp_path):
    inbox, lake_dir = tmp_path / "in", tmp_path / "lake"
    inbox.mkdir()
    gbk_name = "报告.txt".encode("gbk")  # as unzipped from a Windows archive
    (inbox / gbk_name.decode("utf-8", "surrogateescape")).write_bytes(GOOD.read_bytes())
    assert stages.load_raw(inbox, lake_dir).written == 1
    (row,) = lake.read_rows(lake_dir, "raw_reports")
    assert row["file_name"].endswith(".txt")


def test_parsed_reports_survive_the_lake_round_trip(tmp_path):
    inbox, lake_dir = tmp_path / "in", tmp_path / "lake"
    inbox.mkdir()
    shutil.copy(GOOD, inbox / "report.txt")
    stages.load_raw(inbox, lake_dir)
    stages.parse_raw(lake_dir)
    (raw,) = batch.read_all([inbox / "report.txt"])
    (direct,) = batch.parse_all([raw])
    (row,) = lake.read_rows(lake_dir, "parsed_reports")
    assert batch.row_to_parsed(row) == direct


def test_the_same_report_in_another_format_is_a_duplicate(tmp_path):
    inbox, lake_dir = tmp_path / "in", tmp_path / "lake"
    inbox.mkdir()
    text = GOOD.read_text(encoding="utf-8")
    (inbox / "a.txt").write_text(text, encoding="utf-8")
    # The same report as a web page: other bytes, same issuer, year and title.
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    (inbox / "b.html").write_text(f"<html><body><article>{paragraphs}</article></body></html>", encoding="utf-8")
    stages.load_raw(inbox, lake_dir)
    assert stages.parse_raw(lake_dir).written == 1
    (rejected,) = [r for r in lake.read_rows(lake_dir, "rejected_reports") if r["stage"] == "parse"]
    (kept,) = lake.read_rows(lake_dir, "parsed_reports")
    assert rejected["file_name"] == "b.html"
    assert rejected["duplicate_of"] == kept["report_id"]
    assert "same issuer, year and title" in rejected["reason"]
