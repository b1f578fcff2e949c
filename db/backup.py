"""Backup and restore of the whole database, for `python -m db.cli backup|restore PATH`.

SQLite: the online backup API (a consistent copy while the app runs). PostgreSQL:
pg_dump in its custom format and pg_restore (--clean --if-exists --no-owner), which must
be installed in the server's major version. Restoring replaces everything in the target.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """The backup or restore did not complete; the message says why, in one sentence."""


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("En database i hukommelsen kan ikke sikkerhedskopieres.")
    return Path(url.database)


def _pg_env(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} findes ikke: installér PostgreSQL-klienten.") from None
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["ukendt fejl"])[-1]
        raise BackupError(f"{command[0]} fejlede: {reason}")


def backup(database_url: str, target: str | Path) -> Path:
    """Write a backup of the database to `target` (a file; its folder must exist)."""
    url, target = make_url(database_url), Path(target)
    if target.exists():
        raise BackupError(f"{target} findes allerede: vælg et nyt filnavn.")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    args, env = _pg_env(url)
    _run(["pg_dump", *args, "--format=custom", "--file", str(target), url.database or ""], env)
    return target


def restore(database_url: str, source: str | Path) -> None:
    """Replace the database's content with the backup in `source`."""
    url, source = make_url(database_url), Path(source)
    if not source.is_file():
        raise BackupError(f"{source} findes ikke.")
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
        return
    args, env = _pg_env(url)
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            url.database or "",
            str(source),
        ],
        env,
    )
