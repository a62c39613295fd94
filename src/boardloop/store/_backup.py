"""Backup and restore of one company: the file on disk and the calls faces use.

`backup_company` reads the company in one transaction and writes the file
atomically: a temporary file in the same folder, flushed to disk, then renamed
over the target, so a failed backup never leaves a half-written file.
`read_backup_file` checks the whole file before `restore_company` writes
anything. A name ending in `.gz` is written gzip-compressed, and a gzip file is
recognised by its first bytes when read.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from boardloop.store._backup_dump import dump_company
from boardloop.store._backup_errors import IncompleteBackupError
from boardloop.store._backup_format import encode_backup, parse_backup

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from boardloop.store._backup_records import Backup
    from boardloop.store._store import Store

__all__ = ["backup_company", "read_backup_file", "write_backup_file"]

GZIP_MAGIC = b"\x1f\x8b"


def backup_company(
    store: Store, company: str, path: Path, *, at: dt.datetime | None = None
) -> Backup:
    """Write one company of the database to `path` and return what was written.

    `at`, by default now, is the time the header records.
    """
    backup = dump_company(store, company, at=at or dt.datetime.now(dt.UTC))
    write_backup_file(backup, path)
    return backup


def write_backup_file(backup: Backup, path: Path) -> None:
    """Write a backup through a temporary file that replaces `path` when complete."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if path.name.endswith(".gz"):
                # mtime 0 and no file name make the compressed bytes depend on
                # the content alone.
                with gzip.GzipFile(
                    filename="", mode="wb", fileobj=handle, mtime=0
                ) as stream:
                    write_lines(stream.write, encode_backup(backup))
            else:
                write_lines(handle.write, encode_backup(backup))
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_lines(write: Callable[[bytes], object], lines: Iterable[bytes]) -> None:
    for line in lines:
        write(line)


def read_backup_file(path: Path) -> Backup:
    """Read and check a whole backup file, plain or gzip-compressed."""
    with path.open("rb") as handle:
        compressed = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
        if not compressed:
            return parse_backup(handle, path)
        with gzip.GzipFile(fileobj=handle, mode="rb") as stream:
            return parse_backup(gzip_lines(stream, path), path)


def gzip_lines(stream: gzip.GzipFile, path: Path) -> Iterator[bytes]:
    """Yield the lines of a gzip stream; a cut-off or damaged stream is incomplete."""
    count = 0
    try:
        for line in stream:
            count += 1
            yield line
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise IncompleteBackupError(
            path, count + 1, f"the gzip data is cut off or damaged ({error})"
        ) from None
