"""The inbox: downloaded reports, where the build reads them, and the watcher's records
beside them in `.watcher/` (a hidden folder, which the build skips):

  <inbox>/<host>/<file>                      the current version of each report
  <inbox>/.watcher/state.json                every URL seen: file, sha256, validators, last check, last error
  <inbox>/.watcher/sidecars/<sha256>.json    one per download: source URL, listing URL, issuer,
                                             fetch time, response headers, sha256
  <inbox>/.watcher/superseded/<sha256><ext>  earlier versions of republished reports (never deleted)
  <inbox>/.watcher/failures.jsonl            one line per failure: time, channel, URL, stage, reason

A republished report (same URL, new bytes) replaces the file at its path, so the build
sees one changed file; the earlier bytes move to superseded/ and their sidecar says by what.
Every file is written to a temporary name and renamed into place: a killed run leaves no
half-written report, and state.json is rewritten after each download.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

META = ".watcher"
STATE_VERSION = 1
_UNSAFE = re.compile(r"[^\w.\-\u3400-\u9fff]+")


class InboxError(RuntimeError):
    """The inbox cannot be used: its state file is unreadable, or another run holds it."""


class InboxBusy(InboxError):
    """Another watcher run holds this inbox."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Stored:
    outcome: str  # "new", "changed", "unchanged" (same bytes again) or "duplicate" (bytes already saved from another URL)
    path: Path
    sha256: str
    previous_sha256: str | None = None


class Inbox:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.meta = self.root / META
        for folder in (self.meta / "sidecars", self.meta / "superseded", self.meta / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        self._lock_file = None
        self.state = self._load_state()

    # -- one run at a time ---------------------------------------------------------------

    def lock(self) -> None:
        self._lock_file = open(self.meta / "lock", "a+")  # noqa: SIM115 (held until unlock)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise InboxBusy(f"another watcher run is using {self.root}") from None

    def unlock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    # -- state ---------------------------------------------------------------------------

    def _load_state(self) -> dict[str, Any]:
        path = self.meta / "state.json"
        if not path.exists():
            return {"version": STATE_VERSION, "urls": {}}
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise InboxError(f"{path} cannot be read ({err}); nothing was fetched. It is written whole "
                             "each time, so this is damage from outside: restore it, or move it aside "
                             "to start afresh (files already in the inbox would then be fetched again)") from None
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION or not isinstance(state.get("urls"), dict):
            raise InboxError(f"{path} is not a watcher state file of version {STATE_VERSION}; nothing was fetched")
        return state

    def save(self) -> None:
        self._write(self.meta / "state.json",
                    json.dumps(self.state, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))

    def entry(self, url: str) -> dict[str, Any] | None:
        return self.state["urls"].get(url)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the version we hold, if its file is still there."""
        entry = self.entry(url)
        if not entry or not entry.get("path") or not (self.root / entry["path"]).exists():
            return None, None
        return entry.get("etag"), entry.get("last_modified")

    def checked(self, url: str, headers: dict[str, str] | None = None) -> None:
        """A 304, or the same bytes again: note the check (and fresher validators)."""
        entry = self.state["urls"][url]
        entry["last_checked"] = now_iso()
        entry.pop("last_error", None)
        if headers:
            entry["etag"] = headers.get("etag", entry.get("etag"))
            entry["last_modified"] = headers.get("last-modified", entry.get("last_modified"))

    def failed(self, *, channel: str, url: str, stage: str, reason: str) -> dict[str, str]:
        record = {"at": now_iso(), "channel": channel, "url": url, "stage": stage, "reason": reason}
        with open(self.meta / "failures.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        if url in self.state["urls"]:
            self.state["urls"][url]["last_error"] = {"at": record["at"], "stage": stage, "reason": reason}
        return record

    # -- downloads -----------------------------------------------------------------------

    def store(self, *, url: str, final_url: str, body: bytes, headers: dict[str, str], kind: str,
              channel: str, issuer: str, listing_url: str, fetched_at: str, status: int) -> Stored:
        sha = hashlib.sha256(body).hexdigest()
        entry = self.entry(url)
        if entry and entry.get("sha256") == sha and (self.root / entry["path"]).exists():
            self.checked(url, headers)
            return Stored("unchanged", self.root / entry["path"], sha)
        if other := self._holder_of(sha, url):  # the same bytes, linked from a second URL
            self._add_source(sha, url)
            self.state["urls"][url] = {**self._entry(url, other, sha, headers, channel, fetched_at),
                                       "duplicate_of": self._rel(other)}
            return Stored("duplicate", other, sha)
        previous = entry.get("sha256") if entry else None
        path = self.root / entry["path"] if entry else self._new_path(url, kind)
        if entry and path.exists():
            self._supersede(path, previous, sha)
        self._write(path, body)
        sidecar = {
            "path": self._rel(path), "sha256": sha, "size": len(body),
            "source_url": url, "final_url": final_url, "listing_url": listing_url,
            "channel": channel, "issuer": issuer, "fetched_at": fetched_at, "http_status": status,
            "headers": headers, "previous_sha256": previous,
        }
        self._write_json(self.meta / "sidecars" / f"{sha}.json", sidecar)
        self.state["urls"][url] = self._entry(url, path, sha, headers, channel, fetched_at,
                                              first_seen=(entry or {}).get("first_seen", fetched_at))
        # A file deleted from the inbox by hand comes back as "new" (its bytes did not change).
        return Stored("changed" if entry and previous != sha else "new", path, sha, previous)

    def _entry(self, url, path, sha, headers, channel, fetched_at, first_seen=None) -> dict[str, Any]:
        return {"path": self._rel(path), "sha256": sha, "channel": channel,
                "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
                "first_seen": first_seen or fetched_at, "last_changed": fetched_at, "last_checked": fetched_at}

    def _holder_of(self, sha: str, url: str) -> Path | None:
        for other_url, entry in self.state["urls"].items():
            if other_url != url and entry.get("sha256") == sha and (self.root / entry["path"]).exists():
                return self.root / entry["path"]
        return None

    def _add_source(self, sha: str, url: str) -> None:
        path = self.meta / "sidecars" / f"{sha}.json"
        if path.exists():
            sidecar = json.loads(path.read_text(encoding="utf-8"))
            if url != sidecar.get("source_url") and url not in sidecar.setdefault("also_from", []):
                sidecar["also_from"].append(url)
                self._write_json(path, sidecar)

    def _supersede(self, path: Path, old_sha: str | None, new_sha: str) -> None:
        """Keep the earlier version under superseded/ and say in its sidecar what replaced it."""
        old_sha = old_sha or hashlib.sha256(path.read_bytes()).hexdigest()
        kept = self.meta / "superseded" / f"{old_sha}{path.suffix}"
        if kept.exists():
            path.unlink()
        else:
            os.replace(path, kept)
        sidecar_path = self.meta / "sidecars" / f"{old_sha}.json"
        if sidecar_path.exists():
            sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
            sidecar.update(superseded_by=new_sha, superseded_at=now_iso(), path=self._rel(kept))
            self._write_json(sidecar_path, sidecar)

    def _new_path(self, url: str, kind: str) -> Path:
        """<host>/<last path segment>, with the suffix of its kind; a short hash of the URL
        is added when that name is already another URL's."""
        parts = urlsplit(url)
        host = _UNSAFE.sub("_", parts.netloc.replace(":", "_")) or "unknown-host"
        name = PurePosixPath(unquote(parts.path)).name
        stem = _UNSAFE.sub("_", PurePosixPath(name).stem).strip("._")[:80] or "index"
        suffix = {"pdf": ".pdf", "doc": ".doc", "docx": ".docx"}.get(kind, ".html")
        tag = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
        taken = {entry["path"] for entry in self.state["urls"].values()}
        for candidate in (f"{stem}{suffix}", f"{stem}-{tag}{suffix}"):
            path = self.root / host / candidate
            if self._rel(path) not in taken and not path.exists():
                return path
        return self.root / host / f"{stem}-{hashlib.sha256(url.encode()).hexdigest()[:16]}{suffix}"

    # -- writing safely ----------------------------------------------------------------------

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _write_json(self, path: Path, data: dict) -> None:
        self._write(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.meta / "tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
