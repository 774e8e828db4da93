"""`webmap db init|load DIR|dump DIR`: the PostGIS record's schema, and files in and out."""

from __future__ import annotations

from pathlib import Path

import click

from webmap.record.model import ReportError
from webmap.store.errors import StoreError

URL_HELP = "postgresql://user@host:port/database (default: $WEBMAP_DATABASE_URL)."


def _store(url: str):
    """Return the Store for url; fail with a hint if there is none or psycopg is missing."""
    if not url:
        raise click.UsageError("set WEBMAP_DATABASE_URL=postgresql://… or give --database-url")
    try:
        from webmap.store.postgis import Store
    except ImportError:
        raise click.ClickException(
            "PostGIS needs the postgis extra: pip install -e '.[postgis]'"
        ) from None
    return Store(url)


url_option = click.option(
    "--database-url", "url", envvar="WEBMAP_DATABASE_URL", default="", help=URL_HELP
)


@click.group("db")
def db() -> None:
    """Keep the record in PostgreSQL + PostGIS (WEBMAP_DATABASE_URL) instead of files."""


@db.command("init")
@url_option
def init_command(url: str) -> None:
    """Create the tables and indexes (and the postgis extension) where they are missing."""
    try:
        _store(url).init()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("The database is ready: load a data folder with `webmap db load DIR`.")


@db.command("load")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@url_option
def load_command(folder: Path, url: str) -> None:
    """Replace the database's record by a data folder's (all or nothing, one transaction)."""
    try:
        count = _store(url).load(folder)
    except ReportError as exc:
        click.echo(str(exc))
        raise click.ClickException(
            f"{folder} has problems (run `webmap check {folder}`); the database was left as it was"
        ) from None
    except StoreError as exc:
        raise click.ClickException(f"{exc}; the database was left as it was") from None
    click.echo(f"Loaded {count} reports from {folder}.")


@db.command("dump")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@url_option
def dump_command(folder: Path, url: str) -> None:
    """Write the database's record into a folder as the data files (reports.geojson, ...)."""
    try:
        count = _store(url).dump(folder)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"could not write {folder} ({exc.strerror or exc})") from None
    click.echo(f"Wrote {count} reports to {folder}.")
