"""The channel file: which listing pages to watch, for which issuer, and how politely.

A channel is one listing page (a column such as 法治政府建设年度报告 under 政务公开) of one
issuer. The file (YAML) has `defaults`, applied to every channel, and `channels`; any
default can be overridden on a channel. config/channels.example.yaml documents every key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

REPORT_KINDS = ("html", "pdf", "doc", "docx")
USER_AGENT = "fazhi-warehouse-watcher/0.1 (collects annual law-based government reports for research)"


class ConfigError(ValueError):
    """The channel file cannot be used; the message names the channel and key."""


@dataclass(frozen=True)
class Fetching:
    """How requests are made. Every key can be set in `defaults` or on one channel."""

    user_agent: str = USER_AGENT
    min_interval: float = 2.0  # seconds between two requests to the same host (robots.txt Crawl-delay wins if longer)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest silence while reading a response
    total_timeout: float = 300.0  # longest time one download may take in all
    retries: int = 3  # further attempts after a timeout, a connection error or a 5xx; never after a 4xx
    backoff: float = 2.0  # seconds before the first retry; doubles on each further one
    max_bytes: int = 50_000_000  # a larger response is abandoned and recorded as a failure
    max_redirects: int = 5
    max_pages: int = 10  # listing pages followed per channel

    def __post_init__(self) -> None:
        for name in ("min_interval", "connect_timeout", "read_timeout", "total_timeout", "backoff"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative")
        for name in ("retries", "max_bytes", "max_redirects", "max_pages"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                raise ConfigError(f"{name} must be a whole number, 0 or more")
        if not self.user_agent.strip() or not self.user_agent.isascii():
            raise ConfigError("user_agent must be ASCII text (HTTP headers are), and not empty")


@dataclass(frozen=True)
class Paging:
    """How to reach the listing's further pages: a next link, or numbered URLs, or none."""

    next: str | None = None  # CSS selector of the next-page link
    next_text: tuple[str, ...] = ("下一页", "下页", "next")  # or a link whose whole text is one of these
    template: str | None = None  # e.g. https://example.gov.cn/col/index_{page}.html
    first: int = 1  # the {page} number of the template's first page (the listing URL itself comes before)
    pages: int = 0  # how many template pages to fetch


@dataclass(frozen=True)
class Channel:
    name: str
    listing: str
    issuer: str
    link_pattern: re.Pattern | None = None  # searched in the link's absolute URL
    link_text: re.Pattern | None = None  # searched in the link's text (or title)
    kinds: tuple[str, ...] = REPORT_KINDS
    attachments: bool = False  # also fetch the PDF/DOC/DOCX files an HTML report page links to
    paging: Paging = field(default_factory=Paging)
    fetching: Fetching = field(default_factory=Fetching)


@dataclass(frozen=True)
class Config:
    channels: tuple[Channel, ...]
    source: str = "<memory>"


_FETCHING_KEYS = {f.name for f in fields(Fetching)}
_LINK_KEYS = {"link_pattern", "link_text", "kinds", "attachments"}
_CHANNEL_KEYS = {"name", "listing", "issuer", "paging"} | _LINK_KEYS | _FETCHING_KEYS
_DEFAULT_KEYS = _LINK_KEYS | _FETCHING_KEYS
_PAGING_KEYS = {f.name for f in fields(Paging)}
DEFAULT_LINK_TEXT = "法治政府建设"


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"cannot read the channel file {path}: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path} is not valid YAML: {err}") from None
    return parse(data, source=str(path))


def parse(data: Any, source: str = "<memory>") -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with `channels` (and optionally `defaults`)")
    _unknown(data, {"defaults", "channels"}, source)
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{source}: `defaults` must be a mapping")
    _unknown(defaults, _DEFAULT_KEYS, f"{source}: defaults")
    raw_channels = data.get("channels")
    if not isinstance(raw_channels, list) or not raw_channels:
        raise ConfigError(f"{source}: `channels` must be a non-empty list")
    channels, names = [], set()
    for number, raw in enumerate(raw_channels, 1):
        where = f"{source}: channel {number}"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where} must be a mapping")
        _unknown(raw, _CHANNEL_KEYS, where)
        channel = _channel({**defaults, **raw}, where)
        if channel.name in names:
            raise ConfigError(f"{where}: the name {channel.name!r} is used twice")
        names.add(channel.name)
        channels.append(channel)
    return Config(tuple(channels), source)


def _channel(raw: dict, where: str) -> Channel:
    for key in ("listing", "issuer"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{where}: `{key}` is required")
    listing = raw["listing"].strip()
    if not _is_web_url(listing):
        raise ConfigError(f"{where}: `listing` must be an http(s) URL, not {listing!r}")
    where = f"{where} ({raw.get('name') or listing})"
    kinds = tuple(raw.get("kinds") or REPORT_KINDS)
    if bad := [k for k in kinds if k not in REPORT_KINDS]:
        raise ConfigError(f"{where}: unknown kinds {bad}; choose from {list(REPORT_KINDS)}")
    try:
        fetching = Fetching(**{k: raw[k] for k in _FETCHING_KEYS if k in raw})
    except (ConfigError, TypeError) as err:
        raise ConfigError(f"{where}: {err}") from None
    return Channel(
        name=str(raw.get("name") or urlsplit(listing).netloc + urlsplit(listing).path),
        listing=listing,
        issuer=raw["issuer"].strip(),
        link_pattern=_regex(raw.get("link_pattern"), "link_pattern", where),
        link_text=_regex(raw.get("link_text", DEFAULT_LINK_TEXT), "link_text", where),
        kinds=kinds,
        attachments=_flag(raw.get("attachments", False), "attachments", where),
        paging=_paging(raw.get("paging"), where),
        fetching=fetching,
    )


def _paging(raw: Any, where: str) -> Paging:
    if raw is None:
        return Paging()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: `paging` must be a mapping")
    _unknown(raw, _PAGING_KEYS, f"{where}: paging")
    paging = Paging(**raw)
    if isinstance(paging.next_text, str):
        paging = replace(paging, next_text=(paging.next_text,))
    if paging.template is not None:
        if "{page}" not in paging.template or not _is_web_url(paging.template):
            raise ConfigError(f"{where}: paging.template must be an http(s) URL containing {{page}}")
        if not isinstance(paging.pages, int) or paging.pages < 1:
            raise ConfigError(f"{where}: paging.template needs `pages`, a whole number of at least 1")
    return paging


def _flag(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: `{key}` must be true or false")
    return value


def _regex(value: Any, key: str, where: str) -> re.Pattern | None:
    if value in (None, ""):
        return None
    try:
        return re.compile(str(value))
    except re.error as err:
        raise ConfigError(f"{where}: `{key}` is not a valid regular expression: {err}") from None


def _unknown(raw: dict, allowed: set[str], where: str) -> None:
    if unknown := sorted(set(raw) - allowed):
        raise ConfigError(f"{where}: unknown keys {unknown}; allowed: {sorted(allowed)}")


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
