"""Backup and restore of a whole platform: database, meter store, uploaded files.

``carbonpeak backup`` writes one ``.tar.gz`` archive::

    manifest.json            format, time, database engine, rows per table, files + SHA-256
    db/carbonpeak.sqlite3    SQLite: a copy made with SQLite's online backup API
    db/carbonpeak.pgdump     PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot
    files/<component>/...    meter store part files, uploaded files (media)

The site keeps running while it is taken (readings keep arriving). Consistency:

1. Every component's *freeze* is entered first (the meter store: compaction waits, so
   no part file is merged or removed while the backup runs; ingestion is never blocked).
2. The database is copied as one transaction-consistent snapshot.
3. Each component copies its files (hard links where possible) and may consult the
   database snapshot through :class:`Snapshot`: the meter store keeps exactly the
   readings whose ingest batch is in the snapshot, so a batch still in flight when the
   snapshot was taken appears in neither.

``carbonpeak restore ARCHIVE`` refuses a data directory or database that already holds
data, then puts back the database, every component's files, and checks every table's row
count and every file's SHA-256 against the manifest.

Apps above core take part through :func:`register` (called in their ``AppConfig.ready``),
never by being imported here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

FORMAT = "carbonpeak-backup/1"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; ``str(exc)`` is a Chinese message for the user."""


class Snapshot:
    """Read-only SQL access to the database snapshot the archive holds."""

    def __init__(self, query: Callable[[str], list[tuple[Any, ...]]]):
        self._query = query

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self._query(sql)


@dataclass(frozen=True)
class Component:
    """A set of files that belongs in the archive.

    ``directory`` returns where the files live; ``freeze`` is entered before the database
    snapshot and left after ``copy``; ``copy(source, target, snapshot)`` copies the files
    into ``target`` and returns notes for the manifest (the default copies everything).
    """

    name: str
    label: str
    directory: Callable[[], Path]
    freeze: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext
    copy: Callable[[Path, Path, Snapshot], dict[str, Any]] | None = None


_COMPONENTS: dict[str, Component] = {}


def register(component: Component) -> None:
    _COMPONENTS[component.name] = component


def components() -> list[Component]:
    return [_COMPONENTS[k] for k in sorted(_COMPONENTS)]


register(Component("media", "上传文件", lambda: Path(settings.MEDIA_ROOT)))


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (same file system), else copy it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_tree(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.endswith((".tmp", ".lock")):
            link_or_copy(path, target / path.relative_to(source))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- database
def _vendor() -> str:
    return str(connection.vendor)


def _db_settings() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _table_counts_sqlite(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _sqlite_tables(conn)}


def _table_counts_django() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


@contextlib.contextmanager
def _sqlite_snapshot(target: Path) -> Iterator[tuple[Snapshot, dict[str, int]]]:
    source_path = str(_db_settings()["NAME"])
    src = sqlite3.connect(source_path, timeout=60)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)  # one step: a consistent copy of the committed database
            counts = _table_counts_sqlite(dst)
            yield Snapshot(lambda sql: dst.execute(sql).fetchall()), counts
        finally:
            dst.close()
    finally:
        src.close()


@contextlib.contextmanager
def _postgres_snapshot(target: Path) -> Iterator[tuple[Snapshot, dict[str, int]]]:
    """pg_dump of an exported snapshot; the same snapshot answers the components' queries."""
    import psycopg

    db = _db_settings()
    conninfo = {
        "dbname": db["NAME"],
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot_id = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        args, env = _pg_env(db)
        result = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot_id}",
                "--file",
                str(target),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()[:500]}")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        counts = {t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}  # type: ignore[index]
        yield Snapshot(lambda sql: list(conn.execute(sql).fetchall())), counts
        conn.rollback()


# ----------------------------------------------------------------------------- backup
@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    notes: dict[str, Any] = field(default_factory=dict)


def default_archive_path() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"carbonpeak-backup-{stamp}.tar.gz"


def backup(*, output: Path | None = None) -> BackupResult:
    """Write one archive of the database, the meter store and the uploaded files.

    Side effects: the archive at ``output`` (written to a temporary name, then renamed);
    a staging folder under the data directory, removed afterwards.
    """
    output = Path(output) if output is not None else default_archive_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份 {vendor} 数据库（支持 SQLite 和 PostgreSQL）")
    staging = Path(settings.DATA_DIR) / f".backup-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        notes: dict[str, Any] = {}
        with contextlib.ExitStack() as stack:
            for comp in components():
                stack.enter_context(comp.freeze())
            (staging / "db").mkdir()
            if vendor == "sqlite":
                snap_cm = _sqlite_snapshot(staging / "db" / "carbonpeak.sqlite3")
            else:
                snap_cm = _postgres_snapshot(staging / "db" / "carbonpeak.pgdump")
            taken_at = dt.datetime.now(dt.UTC)
            with snap_cm as (snapshot, counts):
                for comp in components():
                    target = staging / "files" / comp.name
                    target.mkdir(parents=True)
                    if comp.copy is None:
                        copy_tree(comp.directory(), target)
                    else:
                        notes[comp.name] = comp.copy(comp.directory(), target, snapshot)
        files = {
            str(p.relative_to(staging)): _sha256(p)
            for p in sorted(staging.rglob("*"))
            if p.is_file() and p.parts[len(staging.parts)] == "files"
        }
        manifest = {
            "format": FORMAT,
            "taken_at": taken_at.isoformat(),
            "database": vendor,
            "tables": counts,
            "files": files,
            "components": {c.name: c.label for c in components()},
            "notes": notes,
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        tmp = output.with_name(output.name + ".tmp")
        with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
            tar.add(staging / "manifest.json", arcname="manifest.json")
            tar.add(staging / "db", arcname="db")
            if (staging / "files").is_dir():
                tar.add(staging / "files", arcname="files")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, output)
        return BackupResult(output, len(counts), sum(counts.values()), len(files), notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# ----------------------------------------------------------------------------- restore
@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    taken_at: str


#: Files that hold no data: locks, and the marker a store writes when it finds its (empty)
#: rollups complete on first use.
_NO_DATA_NAMES = ("_BUILT",)


def _has_files(directory: Path) -> bool:
    return directory.is_dir() and any(
        p.is_file()
        for p in directory.rglob("*")
        if not p.name.endswith(".lock") and p.name not in _NO_DATA_NAMES
    )


def _database_has_data(vendor: str) -> bool:
    if vendor == "sqlite":
        path = Path(str(_db_settings()["NAME"]))
        if not path.exists():
            return False
        with contextlib.closing(sqlite3.connect(str(path))) as conn:
            return bool(_sqlite_tables(conn))
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def restore(*, archive: Path) -> RestoreResult:
    """Bring back an archive written by :func:`backup` on a fresh data directory and database.

    Refuses (``BackupError``) when the database already has tables or the meter store or
    media folder already holds files: a restore never mixes two platforms. Checks every
    table's row count and every file's SHA-256 against the manifest afterwards.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件“{archive}”")
    vendor = _vendor()
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".restore-") as tmpdir:
        work = Path(tmpdir)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError, KeyError) as exc:
            raise BackupError(f"“{archive.name}”不是有效的 carbonpeak 备份文件：{exc}") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"“{archive.name}”的格式为 {manifest.get('format')!r}，本版本只能恢复 {FORMAT}")
        if manifest["database"] != vendor:
            raise BackupError(
                f"备份来自 {manifest['database']} 数据库，当前配置的是 {vendor}；请设置相同类型的 DATABASE_URL 后再恢复"
            )
        for rel, digest in manifest["files"].items():
            if _sha256(work / rel) != digest:
                raise BackupError(f"备份文件已损坏：{rel} 的校验值不符")
        if _database_has_data(vendor):
            raise BackupError("当前数据库已有数据表：恢复只能在全新的数据目录和空数据库上进行")
        for comp in components():
            if _has_files(comp.directory()):
                raise BackupError(
                    f"{comp.label}目录 {comp.directory()} 已有文件：恢复只能在全新的数据目录上进行"
                )

        connections.close_all()
        if vendor == "sqlite":
            target = Path(str(_db_settings()["NAME"]))
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            tmp = target.with_name(target.name + ".restore-tmp")
            shutil.copyfile(work / "db" / "carbonpeak.sqlite3", tmp)
            os.replace(tmp, target)
        else:
            args, env = _pg_env(_db_settings())
            result = subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    "--single-transaction",
                    *args,
                    str(work / "db" / "carbonpeak.pgdump"),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore 失败：{result.stderr.strip()[:500]}")
        n_files = 0
        for comp in components():
            source = work / "files" / comp.name
            if source.is_dir():
                target_dir = comp.directory()
                target_dir.mkdir(parents=True, exist_ok=True)
                for path in sorted(source.rglob("*")):
                    if path.is_file():
                        dest = target_dir / path.relative_to(source)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, dest)
                        n_files += 1
        connections.close_all()
        counts = _table_counts_django()
        expected = manifest["tables"]
        wrong = [t for t in expected if counts.get(t) != expected[t]]
        if wrong:
            raise BackupError(
                "恢复后的数据与备份清单不符："
                + "、".join(f"{t}（应为 {expected[t]} 行，实为 {counts.get(t)} 行）" for t in wrong[:5])
            )
        for comp in components():
            for rel, digest in manifest["files"].items():
                prefix = f"files/{comp.name}/"
                if rel.startswith(prefix) and _sha256(comp.directory() / rel[len(prefix) :]) != digest:
                    raise BackupError(f"恢复后的文件与备份清单不符：{rel}")
        return RestoreResult(len(expected), sum(expected.values()), n_files, manifest["taken_at"])
