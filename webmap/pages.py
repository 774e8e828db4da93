"""HTML pages: the map, the list of reports and a citable page per report."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, render_template, url_for

from webmap.mapview import map_config
from webmap.reports import Report
from webmap.styles import AFFILIATION_LABELS, AREA_STYLES, BLOC_STYLES, KIND_STYLES, STATUS_STYLES
from webmap.web import current_store

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def _styles() -> dict:
    """Give every template the style tables, so labels read the same everywhere."""
    return {
        "kinds": KIND_STYLES,
        "statuses": STATUS_STYLES,
        "blocs": BLOC_STYLES,
        "areas": AREA_STYLES,
        "affiliations": AFFILIATION_LABELS,
    }


@bp.get("/")
def index() -> str:
    """Show the map."""
    store = current_store()
    config = map_config(
        {
            "reportsUrl": url_for("api.reports"),
            "reportPageUrl": url_for("pages.report", report_id="REPORT_ID"),
            "layerUrls": {
                "overview": url_for("api.layer", name="countries"),
                "closeup": url_for("api.layer", name="countries-closeup"),
            },
        }
    )
    return render_template(
        "map.html", parts=store.map_parts, config=config, count=len(store.reports)
    )


@bp.get("/map.js")
def map_script() -> Response:
    """Serve the folium map's script as a file, so the page needs no inline map code."""
    script = current_store().map_parts.script
    return Response(script, mimetype="text/javascript")


@bp.get("/reports")
def reports() -> str:
    """List every report in a table that works without JavaScript."""
    return render_template("reports.html", reports=current_store().reports)


@bp.get("/reports/<report_id>")
def report(report_id: str) -> str:
    """Show one report with its full source list and related reports."""
    store = current_store()
    found: Report | None = store.by_id.get(report_id)
    if found is None:
        abort(404)
    related = [store.by_id[r] for r in found.related if r in store.by_id]
    return render_template("report.html", report=found, related=related)


def init_app(app: Flask) -> None:
    """Register the pages blueprint."""
    app.register_blueprint(bp)
