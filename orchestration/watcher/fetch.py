"""HTTP with manners: robots.txt, a pause between requests to one host, timeouts, retries
with exponential backoff (timeouts, connection errors, 5xx; never 4xx), conditional
requests, a size cap enforced while streaming, and redirects followed by hand (http(s)
only, a cap, loops detected). Every way a URL can fail raises FetchFailed with a reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from orchestration.watcher.config import Fetching

log = logging.getLogger(__name__)

# The response headers a sidecar keeps.
KEPT_HEADERS = ("etag", "last-modified", "content-type", "content-length")
REDIRECTS = {301, 302, 303, 307, 308}
ROBOTS_MAX_BYTES = 512_000


class FetchFailed(Exception):
    """A URL that could not be fetched; `reason` says why in plain words."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason, self.status = reason, status


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason, self.status = reason, status


@dataclass
class Fetched:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int  # 200 (or another 2xx), or 304 when the validators still hold
    headers: dict[str, str]  # KEPT_HEADERS that the response carried
    body: bytes | None = None  # None on 304
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostPacer:
    """At least `interval` seconds between the starts of two requests to one host."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._next: dict[str, float] = {}
        self._clock, self._sleep = clock, sleep

    def wait(self, host: str, interval: float) -> None:
        now = self._clock()
        due = self._next.get(host, now)
        if due > now:
            self._sleep(due - now)
            now = due
        self._next[host] = now + interval


class Fetcher:
    """One per watcher run: one connection pool, one pacer, one robots.txt per host."""

    def __init__(self, transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep):
        # trust_env=False: no proxy or .netrc from the environment changes where requests go.
        self._client = httpx.Client(transport=transport, follow_redirects=False, trust_env=False)
        self._sleep = sleep
        self.pacer = HostPacer(sleep=sleep)
        self._robots: dict[str, RobotFileParser | str] = {}
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, settings: Fetching, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET `url`, conditionally if validators are given. Raises FetchFailed."""
        headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current, chain = url, [url]
        while True:
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchFailed(f"redirected to a non-http(s) URL {current!r}")
            self._check_robots(current, settings)
            status, kept, body, location = self._attempts(current, settings, headers, settings.max_bytes)
            if location is None:
                return Fetched(url, current, status, kept, None if status == 304 else body, chain[1:])
            target = urljoin(current, location)
            if target in chain:
                raise FetchFailed(f"redirect loop: {' -> '.join([*chain, target])}", status)
            if len(chain) > settings.max_redirects:
                raise FetchFailed(f"more than {settings.max_redirects} redirects: {' -> '.join(chain)}", status)
            chain.append(target)
            current = target

    # -- one URL, with retries ------------------------------------------------------------

    def _attempts(self, url: str, settings: Fetching, headers: dict, max_bytes: int):
        attempts = settings.retries + 1
        for attempt in range(attempts):
            try:
                return self._once(url, settings, headers, max_bytes)
            except _Retryable as err:
                if attempt + 1 == attempts:
                    tried = f" (tried {attempts} times)" if attempts > 1 else ""
                    raise FetchFailed(f"{err.reason}{tried}", err.status) from None
                wait = settings.backoff * 2**attempt
                log.info("%s: %s; retrying in %.2fs", url, err.reason, wait)
                self._sleep(wait)
        raise AssertionError("unreachable")

    def _once(self, url: str, settings: Fetching, headers: dict, max_bytes: int):
        host = urlsplit(url).netloc
        self.pacer.wait(host, max(settings.min_interval, self._crawl_delay(url, settings)))
        timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                write=settings.read_timeout, pool=settings.connect_timeout)
        started = time.monotonic()
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers, timeout=timeout) as response:
                status = response.status_code
                kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
                if status in REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchFailed(f"HTTP {status} redirect without a Location header", status)
                    return status, kept, None, location
                if status == 304:
                    return status, kept, None, None
                if status >= 500:
                    raise _Retryable(f"HTTP {status} {response.reason_phrase}".strip(), status)
                if status >= 300:  # 4xx and odd 3xx: the server answered; asking again will not help
                    raise FetchFailed(f"HTTP {status} {response.reason_phrase}".strip(), status)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchFailed(f"too large: Content-Length {declared} bytes is over the cap of {max_bytes}", status)
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchFailed(f"too large: download stopped past the cap of {max_bytes} bytes", status)
                    if time.monotonic() - started > settings.total_timeout:
                        raise _Retryable(f"download took longer than {settings.total_timeout:g}s", status)
                    chunks.append(chunk)
                return status, kept, b"".join(chunks), None
        except httpx.TimeoutException as err:
            raise _Retryable(f"timed out ({_timeout_kind(err)})") from None
        except httpx.TransportError as err:  # refused, reset, broken chunking
            raise _Retryable(f"connection failed: {type(err).__name__}: {err}") from None
        except httpx.RequestError as err:  # a body that does not decode (bad gzip): asking again will not help
            raise FetchFailed(f"unreadable response: {type(err).__name__}: {err}") from None

    # -- robots.txt ------------------------------------------------------------------------

    def _check_robots(self, url: str, settings: Fetching) -> None:
        robots = self._robots_for(url, settings)
        if isinstance(robots, str):
            raise FetchFailed(robots)
        if not robots.can_fetch(_agent_token(settings.user_agent), url):
            raise FetchFailed("disallowed by robots.txt")

    def _crawl_delay(self, url: str, settings: Fetching) -> float:
        robots = self._robots.get(_origin(url))
        if isinstance(robots, RobotFileParser):
            delay = robots.crawl_delay(_agent_token(settings.user_agent))
            return float(delay) if delay else 0.0
        return 0.0

    def _robots_for(self, url: str, settings: Fetching) -> RobotFileParser | str:
        """The host's rules, fetched once per run (RFC 9309: a 4xx means no rules; a 5xx or
        no answer means stay away). A string is the reason the host is off limits."""
        origin = _origin(url)
        if origin in self._robots:
            return self._robots[origin]
        parser = RobotFileParser(origin + "/robots.txt")
        headers = {"User-Agent": settings.user_agent}
        try:
            status, _, body, location = self._attempts(origin + "/robots.txt", settings, headers, ROBOTS_MAX_BYTES)
            hops = 0
            while location is not None and hops < 5:  # robots.txt may redirect (http -> https)
                hops += 1
                status, _, body, location = self._attempts(
                    urljoin(origin + "/robots.txt", location), settings, headers, ROBOTS_MAX_BYTES)
            parser.parse((body or b"").decode("utf-8", "replace").splitlines() if location is None else [])
        except FetchFailed as err:
            if err.status is not None and 400 <= err.status < 500:
                parser.parse([])  # no robots.txt: everything allowed
            else:
                self._robots[origin] = f"robots.txt could not be read ({err.reason}); host skipped"
                return self._robots[origin]
        self._robots[origin] = parser
        return parser


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _agent_token(user_agent: str) -> str:
    return user_agent.split("/", 1)[0].split()[0]


def _timeout_kind(err: httpx.TimeoutException) -> str:
    return {httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read", httpx.WriteTimeout: "write",
            httpx.PoolTimeout: "pool"}.get(type(err), "timeout")
