"""Issue 13, item 11: `db.cli backup PATH` and `restore PATH` on SQLite (online backup)
and PostgreSQL (pg_dump/pg_restore): a backup restored into a fresh database has every
table's rows and the same dashboard figures; a restore over data needs the database's name."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, inspect, select, table

from db.engine import make_engine
from tests.conftest import ROOT
from tests.test_security_retention import _figures


def _cli(url: str, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "db.cli", *args],
        cwd=ROOT,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        names = inspect(conn).get_table_names()
        counts = {n: conn.scalar(select(func.count()).select_from(table(n))) for n in names}
    engine.dispose()
    return counts


def _restores_into(source_url: str, fresh_url: str, tmp_path) -> None:
    path = tmp_path / "backup.bin"
    done = _cli(source_url, "backup", str(path))
    assert done.returncode == 0, done.stderr
    assert path.stat().st_size > 0
    restored = _cli(fresh_url, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    before, after = _counts(source_url), _counts(fresh_url)
    assert after == before and before["participant"] > 0
    source, fresh = make_engine(source_url), make_engine(fresh_url)
    assert _figures(fresh) == _figures(source)
    source.dispose()
    fresh.dispose()
    # Restoring over data is refused unless the database is named.
    again = _cli(fresh_url, "restore", str(path))
    assert again.returncode == 3 and "erstatter" in again.stderr


def test_sqlite_backup_restores_into_a_fresh_file(demo_url, tmp_path):
    _restores_into(demo_url, f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)


def test_postgresql_backup_restores_into_a_fresh_database(pg_demo_url, pg_empty_url, tmp_path):
    _restores_into(pg_demo_url, pg_empty_url, tmp_path)
