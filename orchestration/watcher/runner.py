"""One watcher run: every channel's listing pages -> report links -> new or changed
reports into the inbox. A channel, page or URL that fails is recorded with its reason
(in the result, the log and .watcher/failures.jsonl) and the run goes on with the rest."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from orchestration.watcher import links
from orchestration.watcher.config import Channel, Config
from orchestration.watcher.fetch import Fetcher, FetchFailed
from orchestration.watcher.inbox import Inbox, now_iso

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    channel: str
    url: str
    outcome: str  # new, changed, unchanged (304 or same bytes), duplicate, failed
    path: str | None = None
    reason: str | None = None
    stage: str | None = None  # for failures: listing or report


@dataclass
class RunResult:
    started: str
    finished: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    pages: int = 0
    requests: int = 0

    def by(self, outcome: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.outcome == outcome]

    @property
    def downloaded(self) -> list[Outcome]:
        """Files written to the inbox this run: new reports and new versions of known ones."""
        return [o for o in self.outcomes if o.outcome in ("new", "changed")]

    @property
    def failures(self) -> list[Outcome]:
        return self.by("failed")

    def summary(self) -> str:
        counts = {name: len(self.by(name)) for name in ("new", "changed", "unchanged", "duplicate", "failed")}
        return (f"{self.pages} listing pages, {self.requests} requests: " +
                ", ".join(f"{n} {name}" for name, n in counts.items()))


def watch(config: Config, inbox_dir: str | Path, *, transport: httpx.BaseTransport | None = None,
          logger: logging.Logger | None = None) -> RunResult:
    """Run every channel once. Raises only if the inbox cannot be used at all (InboxError;
    InboxBusy when another run holds it); everything else is an outcome."""
    logger = logger or log
    inbox = Inbox(inbox_dir)
    inbox.lock()
    result = RunResult(started=now_iso())
    seen: set[str] = set()  # a report linked from two channels or pages is fetched once per run
    try:
        with Fetcher(transport=transport) as fetcher:
            for channel in config.channels:
                try:
                    _channel(channel, fetcher, inbox, result, seen, logger)
                except Exception as err:  # a bug or an odd page must not stop the other channels
                    _fail(result, inbox, logger, channel, channel.listing, "channel",
                          f"unexpected error: {type(err).__name__}: {err}")
                inbox.save()
            result.requests = fetcher.requests
    finally:
        inbox.save()
        inbox.unlock()
    result.finished = now_iso()
    logger.info("watcher run done: %s", result.summary())
    return result


def _channel(channel: Channel, fetcher: Fetcher, inbox: Inbox, result: RunResult, seen: set[str],
             logger: logging.Logger) -> None:
    for page_url, html in _listing_pages(channel, fetcher, inbox, result, logger):
        result.pages += 1
        found = links.report_links(html, page_url, channel)
        logger.info("%s: %d report links on %s", channel.name, len(found), page_url)
        queue = [(link, page_url) for link in found]
        while queue:
            link, linked_from = queue.pop(0)
            if link.url in seen:
                continue
            seen.add(link.url)
            try:
                outcome, attachments = _report(channel, link, linked_from, fetcher, inbox, logger)
                result.outcomes.append(outcome)
                queue.extend((attachment, link.url) for attachment in attachments)
            except FetchFailed as err:
                _fail(result, inbox, logger, channel, link.url, "report", err.reason)
            except Exception as err:
                _fail(result, inbox, logger, channel, link.url, "report",
                      f"unexpected error: {type(err).__name__}: {err}")
            inbox.save()


def _listing_pages(channel: Channel, fetcher: Fetcher, inbox: Inbox, result: RunResult,
                   logger: logging.Logger) -> Iterator[tuple[str, str]]:
    """The listing, then its further pages (template, else next links), each once, at most max_pages."""
    settings, paging = channel.fetching, channel.paging
    queue = [channel.listing, *links.template_pages(paging)]
    visited: set[str] = set()
    while queue and len(visited) < max(settings.max_pages, 1):
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        try:
            fetched = fetcher.get(url, settings)
            html = links.decode_page(fetched.body or b"", fetched.headers.get("content-type"))
        except FetchFailed as err:
            _fail(result, inbox, logger, channel, url, "listing", err.reason)
            continue
        yield fetched.final_url, html
        if not paging.template and (following := links.next_page(html, fetched.final_url, paging)):
            queue.append(following)


def _report(channel: Channel, link: links.Link, listing_url: str, fetcher: Fetcher, inbox: Inbox,
            logger: logging.Logger) -> tuple[Outcome, list[links.Link]]:
    """Fetch one report; with the channel's `attachments`, also the links to its attachments
    (from the page, or as remembered when the page did not change)."""
    etag, last_modified = inbox.validators(link.url)
    fetched_at = now_iso()
    fetched = fetcher.get(link.url, channel.fetching, etag=etag, last_modified=last_modified)
    if fetched.not_modified and inbox.entry(link.url) is None:
        raise FetchFailed("HTTP 304 Not Modified to a request that was not conditional")
    if fetched.not_modified:
        inbox.checked(link.url, fetched.headers)
        logger.info("%s: unchanged (304) %s", channel.name, link.url)
        entry = inbox.entry(link.url)
        remembered = [links.Link(url, "", links.kind_of(url) or "pdf") for url in entry.get("attachments", [])]
        return Outcome(channel.name, link.url, "unchanged", entry["path"]), remembered if channel.attachments else []
    kind = links.kind_from_content_type(fetched.headers.get("content-type")) or link.kind
    if kind not in channel.kinds:
        raise FetchFailed(f"a {kind} file ({fetched.headers.get('content-type')}), not a kind this channel takes")
    stored = inbox.store(url=link.url, final_url=fetched.final_url, body=fetched.body or b"",
                         headers=fetched.headers, kind=kind, channel=channel.name, issuer=channel.issuer,
                         listing_url=listing_url, fetched_at=fetched_at, status=fetched.status)
    relative = stored.path.relative_to(inbox.root).as_posix()
    logger.info("%s: %s %s -> %s", channel.name, stored.outcome, link.url, relative)
    attachments = []
    if channel.attachments and kind == "html":
        page = links.decode_page(fetched.body or b"", fetched.headers.get("content-type"))
        attachments = links.attachment_links(page, fetched.final_url, channel.kinds)
        inbox.entry(link.url)["attachments"] = [attachment.url for attachment in attachments]
    return Outcome(channel.name, link.url, stored.outcome, relative), attachments


def _fail(result: RunResult, inbox: Inbox, logger: logging.Logger, channel: Channel, url: str, stage: str,
          reason: str) -> None:
    inbox.failed(channel=channel.name, url=url, stage=stage, reason=reason)
    logger.warning("%s: %s %s failed: %s", channel.name, stage, url, reason)
    result.outcomes.append(Outcome(channel.name, url, "failed", reason=reason, stage=stage))
