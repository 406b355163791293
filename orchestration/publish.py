"""One build at a time, all or nothing.

- `build_lock`: an exclusive lock on the warehouse folder for the whole build (`fazhi build`,
  a run from the UI or from the sensor). The kernel drops it when the process dies, so a
  killed build never leaves a stale lock.
- `check_writable`: before any stage runs, fail at once if another process has the DuckDB
  file open for writing, instead of after every Python stage.
- `staged_database` / `publish`: dbt builds into a file beside the warehouse, and only a
  build that succeeded (models and tests) replaces the warehouse, in one rename. A failed
  or killed build leaves the previous warehouse as it was; a reader keeps the file it
  opened and the next open sees the new one.
- The spare: an incremental build must start from a warehouse, not an empty file, but
  copying the warehouse each build costs as much as its size. So the file a publish
  replaces is kept (`.spare/`, a hard link taken before the rename) and the next build
  starts from it: its incremental models compare their rows with the lake, so one build
  behind is as good a start as the current one. It is used only when it was built by the
  same dbt project (`tag`), nothing holds it open, and it is not the published file itself;
  otherwise the build starts from a copy. The published file is never written to.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

LOCK_NAME = ".build.lock"
STAGING_NAME = ".staging"
SPARE_NAME = ".spare"
SPARE_TAG = "tag"  # what the spare was built from (the dbt project's fingerprint)

# Locks this process holds, by lock file: a build's steps all call `hold`, the first takes it.
_held: dict[Path, int] = {}


class WarehouseBusy(RuntimeError):
    """Another process is building this warehouse, or has its DuckDB file open for writing."""


def lock_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / LOCK_NAME


def _try_lock(path: Path) -> int | None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        os.close(fd)
        if err.errno in (errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


def holder(warehouse_dir: Path) -> str | None:
    """Who is building this warehouse now ("pid 123, fazhi build, since 10:02:11"), or None."""
    path = lock_path(warehouse_dir)
    if path in _held or not path.exists():
        return None
    fd = _try_lock(path)
    if fd is not None:
        os.close(fd)  # closing drops the lock: nobody held it
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or "another process"
    except OSError:
        return "another process"


def hold(warehouse_dir: Path, what: str = "") -> None:
    """Take the build lock for the rest of this process (a Dagster run worker), or fail at once."""
    path = lock_path(warehouse_dir)
    if path in _held:
        return
    fd = _try_lock(path)
    if fd is None:
        raise WarehouseBusy(
            f"another build is writing {warehouse_dir} ({holder(warehouse_dir) or 'another process'}); "
            "wait for it to finish and build again")
    os.ftruncate(fd, 0)
    label = what or " ".join(Path(a).name for a in sys.argv[:2])
    os.write(fd, f"pid {os.getpid()}, {label}, since {time.strftime('%H:%M:%S')}\n".encode())
    _held[path] = fd


def release(warehouse_dir: Path) -> None:
    fd = _held.pop(lock_path(warehouse_dir), None)
    if fd is not None:
        os.close(fd)


@contextlib.contextmanager
def build_lock(warehouse_dir: Path, what: str = "") -> Iterator[None]:
    """The lock for the length of a `with` block; reentrant within this process."""
    already = lock_path(warehouse_dir) in _held
    hold(warehouse_dir, what)
    try:
        yield
    finally:
        if not already:
            release(warehouse_dir)


_LOCK_PID = re.compile(r"PID (\d+)")


def check_writable(database: Path) -> None:
    """Fail with one line if another process has the DuckDB file open for writing."""
    database = Path(database)
    if not database.exists():
        return
    try:
        duckdb.connect(str(database), read_only=True).close()
    except duckdb.IOException as err:
        if "lock" not in str(err).lower():
            raise
        pid = _LOCK_PID.search(str(err))
        who = f"process {pid.group(1)}" if pid else "another process"
        raise WarehouseBusy(
            f"{database} is open for writing in {who} (a `duckdb` shell without -readonly?); "
            "close it and build again") from None


def staging_dir(database: Path) -> Path:
    return Path(database).parent / STAGING_NAME


def spare_dir(database: Path) -> Path:
    return Path(database).parent / SPARE_NAME


def staged_database(database: Path, *, start_from_current: bool, spare_tag: str | None = None) -> Path:
    """A file for dbt to build into, beside the warehouse (same file system, so the swap is
    one rename): empty, or a copy of the current warehouse when `start_from_current`; then
    the spare instead of a copy when it was tagged `spare_tag` and is free."""
    folder = staging_dir(database)
    shutil.rmtree(folder, ignore_errors=True)  # what a killed build left
    folder.mkdir(parents=True)
    staged = folder / Path(database).name
    if start_from_current and Path(database).exists() and (
            spare_tag is None or not _take_spare(database, spare_tag, staged)):
        shutil.copyfile(database, staged)
    return staged


def _take_spare(database: Path, tag: str, staged: Path) -> bool:
    """Move the spare to `staged` if it is usable; drop it otherwise."""
    folder = spare_dir(database)
    spare = folder / Path(database).name
    try:
        usable = ((folder / SPARE_TAG).read_text(encoding="utf-8") == tag
                  and not Path(f"{spare}.wal").exists()
                  and not os.path.samestat(os.stat(spare), os.stat(database))
                  and _free(spare))
    except OSError:
        usable = False
    if usable:
        os.replace(spare, staged)
    shutil.rmtree(folder, ignore_errors=True)
    return usable


def _free(path: Path) -> bool:
    """Nobody has the file open: a reader that opened the warehouse before it was replaced
    may still read it, and must not see it change."""
    try:
        duckdb.connect(str(path)).close()
    except duckdb.Error:
        return False
    return True


def publish(staged: Path, database: Path, keep_spare_tag: str | None = None) -> None:
    """Swap the staged warehouse in, whole. Readers holding the old file keep reading it.
    With `keep_spare_tag`, the replaced file is kept as the next build's spare, so tagged."""
    database = Path(database)
    if Path(f"{staged}.wal").exists():  # dbt exited cleanly, so DuckDB checkpointed; be sure
        with duckdb.connect(str(staged)) as con:
            con.execute("checkpoint")
    folder = spare_dir(database)
    shutil.rmtree(folder, ignore_errors=True)
    old_wal = Path(f"{database}.wal")
    incoming = folder / f".{database.name}.incoming"
    if keep_spare_tag is not None and database.exists() and not old_wal.exists():
        folder.mkdir(parents=True)
        with contextlib.suppress(OSError):  # no hard links on this file system: no spare, a copy next time
            os.link(database, incoming)  # a second name for the old file, which the rename below unnames
    # A log left by the old file would be replayed onto the new one.
    old_wal.unlink(missing_ok=True)
    os.replace(staged, database)
    if incoming.exists():
        # The tag last: a spare without one is never used (a build killed here copies instead).
        os.replace(incoming, folder / database.name)
        (folder / SPARE_TAG).write_text(keep_spare_tag, encoding="utf-8")
    shutil.rmtree(staged.parent, ignore_errors=True)


def discard(staged: Path) -> None:
    shutil.rmtree(Path(staged).parent, ignore_errors=True)
