"""The publication watcher against the fixture site (conftest.py): first run downloads each
report once, the second nothing (304s), after a change only the changed one; every
failure is recorded with its reason and the rest succeed."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from orchestration import batch
from orchestration.watcher import config as watcher_config
from orchestration.watcher import watch
from orchestration.watcher.fetch import HostPacer
from orchestration.watcher.inbox import Inbox, InboxBusy, InboxError
from tests.watcher.site import SLOW_SECONDS, make_pdf

# Generous timeouts (a busy test machine must not time out), except on the channel of the slow page.
FAST = {"min_interval": 0, "connect_timeout": 2, "read_timeout": 2, "retries": 1,
        "backoff": 0.01, "max_bytes": 200_000, "total_timeout": 5}

REPORTS = {  # URL path -> file in the inbox (below <host>/)
    "/art/2023/report.html": "report.html",
    "/files/2022.pdf": "2022.pdf",
    "/news/plain.html": "plain.html",
    "/files/2021.docx": "2021.docx",
    "/flaky.pdf": "flaky.pdf",
    "/moved.doc": "moved.doc",
    "/col/att/a.pdf": "a.pdf",
}
FAILURES = {  # URL path -> words the reason must contain
    "/slow.pdf": "timed out (read) (tried 2 times)",
    "/missing.pdf": "HTTP 404",
    "/loop/a.pdf": "redirect loop",
    "/ftp.pdf": "non-http(s)",
    "/files/huge.pdf": "too large: Content-Length 300009",
    "/files/stream.pdf": "too large: download stopped",
    "/private/secret.pdf": "disallowed by robots.txt",
    "/col/list_2.html": "HTTP 404",
}


def channels(site, closed_port: int, slow: bool = True) -> watcher_config.Config:
    slow_channel = [{"name": "slow", "issuer": "某区人民政府", "listing": site.url("/slow/list.html"),
                     "read_timeout": SLOW_SECONDS / 3}] if slow else []
    return watcher_config.parse({
        "defaults": FAST,
        "channels": [
            {"name": "wendeng", "issuer": "威海市文登区人民政府", "listing": site.url("/list/index.html")},
            {"name": "column", "issuer": "某市司法局", "listing": site.url("/col/list.html"),
             "link_text": None, "link_pattern": r"/col/att/",
             "paging": {"template": site.url("/col/list_{page}.html"), "first": 1, "pages": 2}},
            *slow_channel,
            {"name": "offline", "issuer": "某县人民政府", "listing": f"http://127.0.0.1:{closed_port}/list.html"},
        ],
    })


def by_path(site, result, outcome: str) -> dict[str, object]:
    prefix = site.url("")
    return {o.url.removeprefix(prefix): o for o in result.outcomes if o.outcome == outcome and o.url.startswith(prefix)}


def test_first_run_downloads_each_report_once_and_records_every_failure(site, local_only, closed_port, tmp_path,
                                                                        caplog):
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="orchestration.watcher"):
        result = watch(channels(site, closed_port), tmp_path, transport=local_only)

    new = by_path(site, result, "new")
    assert set(new) == set(REPORTS)
    host = f"127.0.0.1_{site.port}"
    for url_path, name in REPORTS.items():
        assert new[url_path].path == f"{host}/{name}"
        assert site.hits[url_path] == (2 if url_path == "/flaky.pdf" else 1), url_path  # 503, then 200
    assert (tmp_path / host / "2022.pdf").read_bytes() == site.resources["/files/2022.pdf"].body
    assert (tmp_path / host / "moved.doc").read_bytes() == site.resources["/files/old.doc"].body

    failed = by_path(site, result, "failed")
    assert set(failed) == set(FAILURES)
    for url_path, words in FAILURES.items():
        assert words in failed[url_path].reason, (url_path, failed[url_path].reason)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == len(result.failures)
    assert all(any(o.url in line and o.reason in line for line in warnings) for o in result.failures)
    assert "watcher run done: 6 listing pages" in caplog.text  # list_2.html failed
    offline = [o for o in result.failures if o.channel == "offline"]
    assert len(offline) == 1 and offline[0].stage == "listing" and "connection failed" in offline[0].reason

    # Politeness, as the server saw it.
    assert site.hits["/missing.pdf"] == 1  # a 4xx is never retried
    assert site.hits["/slow.pdf"] == 2  # a timeout is: once more
    assert "/private/secret.pdf" not in site.hits  # robots.txt honoured
    assert site.hits["/robots.txt"] == 1  # once per host and run
    assert site.hits["/list/index.html"] == 1 and site.hits["/list/index_1.html"] == 1  # 上一页 not followed back
    assert "/about.html" not in site.hits and "/files/photo.jpg" not in site.hits and "/col/att/b.xls" not in site.hits
    agents = {headers.get("User-Agent") for _, _, _, headers in site.log}
    assert agents == {watcher_config.USER_AGENT} and "fazhi-warehouse" in watcher_config.USER_AGENT

    # Every failure is in failures.jsonl too, with its reason; the state remembers the last error.
    lines = [json.loads(line) for line in (tmp_path / ".watcher" / "failures.jsonl").read_text().splitlines()]
    assert {line["url"] for line in lines} == {o.url for o in result.failures}
    assert all(line["reason"] and line["stage"] and line["channel"] for line in lines)

    # The build reads the reports, and only them (the watcher's records are hidden).
    assert sorted(p.relative_to(tmp_path).as_posix() for p in batch.discover(tmp_path)) == sorted(
        f"{host}/{name}" for name in REPORTS.values())
    assert time.monotonic() - started < 5


def test_sidecar_records_where_and_when_each_report_came_from(site, local_only, closed_port, tmp_path):
    watch(channels(site, closed_port), tmp_path, transport=local_only)
    state = json.loads((tmp_path / ".watcher" / "state.json").read_text())
    entry = state["urls"][site.url("/files/2022.pdf")]
    sidecar = json.loads((tmp_path / ".watcher" / "sidecars" / f"{entry['sha256']}.json").read_text())
    resource = site.resources["/files/2022.pdf"]
    assert sidecar["source_url"] == site.url("/files/2022.pdf")
    assert sidecar["listing_url"] == site.url("/list/index.html")
    assert sidecar["issuer"] == "威海市文登区人民政府" and sidecar["channel"] == "wendeng"
    assert sidecar["fetched_at"].endswith("+00:00")
    assert sidecar["headers"] == {"etag": resource.etag_value(), "last-modified": resource.last_modified_value(),
                                  "content-type": "application/pdf", "content-length": str(len(resource.body))}
    assert sidecar["path"] == entry["path"] and sidecar["size"] == len(resource.body)
    moved = state["urls"][site.url("/moved.doc")]
    moved_sidecar = json.loads((tmp_path / ".watcher" / "sidecars" / f"{moved['sha256']}.json").read_text())
    assert moved_sidecar["final_url"] == site.url("/files/old.doc")
    assert moved_sidecar["headers"]["content-type"] == "application/msword"


def test_second_run_downloads_nothing_and_asks_conditionally(site, local_only, closed_port, tmp_path):
    config = channels(site, closed_port)
    watch(config, tmp_path, transport=local_only)
    site.clear()
    files_before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and ".watcher" not in p.parts}

    result = watch(config, tmp_path, transport=local_only)

    assert result.downloaded == []
    assert set(by_path(site, result, "unchanged")) == set(REPORTS)
    for url_path in REPORTS:
        if url_path == "/news/plain.html":  # no validators: fetched whole, same bytes, nothing written
            assert site.statuses(url_path) == [200]
        elif url_path == "/moved.doc":
            assert site.statuses("/moved.doc") == [301] and site.statuses("/files/old.doc") == [304]
        else:
            assert site.statuses(url_path) == [304], url_path
    assert site.requests("/files/2022.pdf")[0][3]["If-None-Match"] == site.resources["/files/2022.pdf"].etag_value()
    docx = site.requests("/files/2021.docx")[0][3]  # Last-Modified only: If-Modified-Since
    assert docx["If-Modified-Since"] == site.resources["/files/2021.docx"].last_modified_value()
    assert {p: p.stat().st_mtime_ns for p in files_before} == files_before
    assert set(by_path(site, result, "failed")) == set(FAILURES)  # failures are tried again, and fail again


def test_a_changed_report_is_downloaded_again_and_the_old_version_kept(site, local_only, closed_port, tmp_path):
    config = channels(site, closed_port, slow=False)  # the timeout is tested above; spare the wait
    watch(config, tmp_path, transport=local_only)
    watch(config, tmp_path, transport=local_only)
    old = site.resources["/files/2022.pdf"].body
    site.change("/files/2022.pdf", make_pdf("2022 report, corrected and republished"))
    site.clear()

    result = watch(config, tmp_path, transport=local_only)

    assert [o.url for o in result.downloaded] == [site.url("/files/2022.pdf")]
    assert result.downloaded[0].outcome == "changed"
    host = f"127.0.0.1_{site.port}"
    assert (tmp_path / host / "2022.pdf").read_bytes() == site.resources["/files/2022.pdf"].body
    meta = tmp_path / ".watcher"
    state = json.loads((meta / "state.json").read_text())
    new_sha = state["urls"][site.url("/files/2022.pdf")]["sha256"]
    new_sidecar = json.loads((meta / "sidecars" / f"{new_sha}.json").read_text())
    old_sidecar = json.loads((meta / "sidecars" / f"{new_sidecar['previous_sha256']}.json").read_text())
    assert old_sidecar["superseded_by"] == new_sha
    assert (tmp_path / old_sidecar["path"]).read_bytes() == old  # never lost: .watcher/superseded/<sha>.pdf
    assert len(list(batch.discover(tmp_path))) == len(REPORTS)  # the build still sees one file per report

    site.clear()
    assert watch(config, tmp_path, transport=local_only).downloaded == []  # and the new version is then known


def test_requests_to_one_host_are_paced(site, local_only, tmp_path):
    config = watcher_config.parse({"defaults": {**FAST, "min_interval": 0.2}, "channels": [
        {"issuer": "某市司法局", "listing": site.url("/col/list_1.html"), "link_text": None,
         "link_pattern": r"/att/"}]})
    result = watch(config, tmp_path, transport=local_only)
    assert len(result.downloaded) == 1
    times = [when for when, *_ in site.log]
    assert len(times) == 3  # robots.txt, listing, report
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.1, gaps  # 0.2 s between starts; arrivals at the server jitter (a new connection)


def test_the_pacer_waits_per_host():
    now, slept = [0.0], []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        now[0] += seconds

    pacer = HostPacer(clock=lambda: now[0], sleep=sleep)
    pacer.wait("a.gov.cn", 2.0)
    pacer.wait("b.gov.cn", 2.0)  # another host: no wait
    now[0] += 0.5
    pacer.wait("a.gov.cn", 2.0)  # 1.5 s left of a.gov.cn's interval
    pacer.wait("a.gov.cn", 2.0)
    assert slept == [1.5, 2.0]


def test_one_run_at_a_time_per_inbox(site, local_only, closed_port, tmp_path):
    holder = Inbox(tmp_path)
    holder.lock()
    try:
        with pytest.raises(InboxBusy):
            watch(channels(site, closed_port), tmp_path, transport=local_only)
    finally:
        holder.unlock()
    assert site.log == []


def test_the_example_channel_file_is_valid():
    example = Path(__file__).resolve().parents[2] / "config" / "channels.example.yaml"
    config = watcher_config.load(example)
    assert len(config.channels) >= 2
    assert all(channel.issuer and channel.listing.startswith("http") for channel in config.channels)


@pytest.mark.parametrize(("data", "words"), [
    ({"channels": [{"listing": "http://a.gov.cn/"}]}, "`issuer` is required"),
    ({"channels": [{"listing": "ftp://a.gov.cn/", "issuer": "x"}]}, "must be an http(s) URL"),
    ({"channels": [{"listing": "http://a.gov.cn/", "issuer": "x", "retry": 3}]}, "unknown keys ['retry']"),
    ({"channels": [{"listing": "http://a.gov.cn/", "issuer": "x", "link_text": "("}]}, "not a valid regular"),
    ({"channels": [{"listing": "http://a.gov.cn/", "issuer": "x", "kinds": ["xls"]}]}, "unknown kinds"),
    ({"channels": [{"listing": "http://a.gov.cn/", "issuer": "x", "paging": {"template": "http://a.gov.cn/"}}]},
     "{page}"),
    ({"defaults": {"retries": -1}, "channels": [{"listing": "http://a.gov.cn/", "issuer": "x"}]}, "retries"),
    ({"channels": []}, "non-empty list"),
])
def test_a_bad_channel_file_is_refused_with_the_reason(data, words):
    with pytest.raises(watcher_config.ConfigError, match=None) as caught:
        watcher_config.parse(data, source="channels.yaml")
    assert words in str(caught.value)


def test_the_same_bytes_from_a_second_url_are_not_saved_twice(site, local_only, tmp_path):
    attachment = site.resources["/col/att/a.pdf"]
    site.resources["/col/att/copy.pdf"] = type(attachment)(attachment.body, "application/pdf")
    site.resources["/col/list_1.html"].body += b'<a href="/col/att/copy.pdf">x</a>'
    config = watcher_config.parse({"defaults": FAST, "channels": [
        {"issuer": "某市司法局", "listing": site.url("/col/list_1.html"), "link_text": None,
         "link_pattern": r"/att/", "kinds": ["pdf"]}]})
    result = watch(config, tmp_path, transport=local_only)
    assert [o.outcome for o in result.outcomes] == ["new", "duplicate"]
    assert result.outcomes[1].path == result.outcomes[0].path
    assert len(list(batch.discover(tmp_path))) == 1
    sha = json.loads((tmp_path / ".watcher" / "state.json").read_text())["urls"][site.url("/col/att/a.pdf")]["sha256"]
    sidecar = json.loads((tmp_path / ".watcher" / "sidecars" / f"{sha}.json").read_text())
    assert sidecar["also_from"] == [site.url("/col/att/copy.pdf")]


def test_a_report_deleted_from_the_inbox_is_fetched_whole_again(site, local_only, tmp_path):
    config = watcher_config.parse({"defaults": FAST, "channels": [
        {"issuer": "某市司法局", "listing": site.url("/col/list_1.html"), "link_text": None,
         "link_pattern": r"/att/"}]})
    first = watch(config, tmp_path, transport=local_only)
    (tmp_path / first.downloaded[0].path).unlink()
    site.clear()
    again = watch(config, tmp_path, transport=local_only)
    assert [o.outcome for o in again.downloaded] == ["new"]
    assert "If-None-Match" not in site.requests("/col/att/a.pdf")[0][3]  # no validators for a file we lack
    assert (tmp_path / again.downloaded[0].path).exists()


def test_attachments_of_a_report_page_are_fetched_when_the_channel_asks(site, local_only, tmp_path):
    config = watcher_config.parse({"defaults": FAST, "channels": [
        {"issuer": "威海市文登区人民政府", "listing": site.url("/att/list.html"), "attachments": True}]})
    first = watch(config, tmp_path, transport=local_only)
    assert [(o.url.removeprefix(site.url("")), o.outcome) for o in first.outcomes] == [
        ("/art/2023/report.html", "new"), ("/files/att-2023.pdf", "new")]  # not the spreadsheet
    sha = json.loads((tmp_path / ".watcher" / "state.json").read_text())["urls"][site.url("/files/att-2023.pdf")]["sha256"]
    sidecar = json.loads((tmp_path / ".watcher" / "sidecars" / f"{sha}.json").read_text())
    assert sidecar["listing_url"] == site.url("/art/2023/report.html")  # the page that linked it
    site.clear()
    second = watch(config, tmp_path, transport=local_only)
    assert second.downloaded == [] and len(second.by("unchanged")) == 2
    assert site.statuses("/art/2023/report.html") == [304] and site.statuses("/files/att-2023.pdf") == [304]


def test_a_damaged_state_file_stops_the_run_before_any_request(site, local_only, closed_port, tmp_path):
    (tmp_path / ".watcher").mkdir()
    (tmp_path / ".watcher" / "state.json").write_text("{not json")
    with pytest.raises(InboxError, match="cannot be read"):
        watch(channels(site, closed_port), tmp_path, transport=local_only)
    assert site.log == [] and (tmp_path / ".watcher" / "state.json").read_text() == "{not json"
