"""HTML pages: the map, the list of reports and a citable page per report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import Blueprint, Flask, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from webmap.catalog.filters import LIST_FILTERS, FilterError, parse_criteria
from webmap.catalog.query import ReportQuery, filter_args
from webmap.catalog.report_index import SORT_COLUMNS
from webmap.geo.geodesy import nearest
from webmap.geo.ranges import capitals, capitals_in_range, ring_label
from webmap.record.dates import written_date, written_edtf
from webmap.record.history import parse_as_of
from webmap.record.languages import DEFAULT_LANGUAGE, N_
from webmap.record.model import Report
from webmap.record.sources import archive_lookup_url, group_by_stance
from webmap.record.stories import story_rules
from webmap.record.vocabulary import ALLIANCE_CODES, ALLIANCE_TERMS, PRECISION_TERMS
from webmap.render.bundle import on_demand_files
from webmap.render.mapview import map_config
from webmap.render.minimap import minimap_svg
from webmap.render.styles import styles_in, stylesheet
from webmap.web.api import requested_result, store_result
from webmap.web.data import map_data
from webmap.web.errors import current_catalog, current_renderings
from webmap.web.glossary_pages import glossary_url
from webmap.web.i18n import country_name, current_language, sort_key
from webmap.web.links import NAMED_LAYERS, is_static_site, site_url
from webmap.web.messages import browser_messages

bp = Blueprint("pages", __name__)
NEARBY_CAPITALS = 12
PAGE_SIZE = 200  # rows per page of the list
# The story the map offers on its first view (the founding example of the map).
SEED_STORY = "oreshnik-2024-2025"
# Layers our map script draws beneath the reports: names, rivers and lakes.
BASEMAP_LAYERS = ("labels", "cities", "rivers", "lakes")
ALLIANCE_NAMES = {t.code: t.label for t in ALLIANCE_TERMS}


@bp.app_context_processor
def _styles() -> dict:
    """Give every template the style tables in the page's language, so labels read the same."""
    tables = styles_in(_)
    keys = ("kinds", "statuses", "blocs", "areas", "affiliations")
    precisions = {t.code: _(t.label) for t in PRECISION_TERMS}
    return {**{key: tables[key] for key in keys}, "precisions": precisions}


@bp.get("/")
def index(template: str = "map.html") -> str:
    """Show the map (or another page built on it, such as the worksheet)."""
    store = current_catalog()
    rendered = current_renderings()
    lang = current_language()
    as_of, as_of_problem = usable_as_of(request.args.get("as_of", ""))
    in_lang = {"lang": lang} if lang != DEFAULT_LANGUAGE else {}  # texts and dates in it
    urls = {
        # The record as it stood on as_of, when asked (the API checks the day).
        # The map's light view (popups fetch the full record); the static site ships it whole.
        "reportsUrl": site_url(
            "api.reports", view="map", **({"as_of": as_of} if as_of else {}), **in_lang
        )
        if not is_static_site()
        else site_url("api.reports"),
        "reportApiUrl": None
        if is_static_site()
        else site_url(
            "api.report", report_id="REPORT_ID", **({"as_of": as_of} if as_of else {}), **in_lang
        ),
        "reportsFullUrl": None
        if is_static_site()
        else site_url("api.reports", **({"as_of": as_of} if as_of else {}), **in_lang),
        # A search asks the server which reports it finds, in every language and spelling
        # (the static site searches its own data, which carries each report's folded text).
        "searchUrl": None
        if is_static_site()
        else site_url("api.reports", view="ids", **({"as_of": as_of} if as_of else {})),
        "reportPageUrl": site_url("pages.report", report_id="REPORT_ID"),
        # A term's first use in a popup links here (the server finds it: derived.terms).
        "glossaryUrl": glossary_url(),
        # Named by the data version, so they can be cached for good (see api.layer).
        "layerUrls": {
            "overview": site_url("api.layer", name="countries", v=store.version),
            "closeup": site_url("api.layer", name="countries-closeup", v=store.version),
            "ranges": site_url("api.layer", name="ranges", v=store.version, **in_lang),
            **{
                name: site_url("api.layer", name=name, v=store.version)
                for name in BASEMAP_LAYERS
                if name in rendered.layer_json and name not in NAMED_LAYERS
            },
            **{  # the names in the page's language only
                name: site_url("api.layer", name=name, v=store.version, lang=lang)
                for name in NAMED_LAYERS
                if name in rendered.layer_json
            },
        },
    }
    if is_static_site():  # file:// cannot fetch, so the data comes as scripts
        urls["dataScripts"] = {
            url: url for url in [urls["reportsUrl"], *urls["layerUrls"].values()]
        }
    config = map_config(
        {
            **urls,
            "ringIds": store.index.ids[store.index.columns["ranged"]].tolist(),
            "countryStyle": rendered.map_parts.country_style,
            "stories": [story.in_language(lang).to_dict() for story in store.stories],
            "storyRules": story_rules(),  # what a story in a link (#story=) must be
            "onDemand": on_demand_urls(),
            "lang": lang,
            **citation_facts(store),
        },
        _,
    )
    stories = [story.in_language(lang) for story in store.stories]
    try:  # the counts before the script has run; a bad filter is the map's to explain
        counts = requested_result(facets=True).facets
    except FilterError:
        counts = None
    return render_template(
        template,
        counts=counts,
        parts=rendered.map_parts,
        config=config,
        count=len(store.index),
        facets=facet_choices(store.index.actors),
        stories=stories,
        embed=request.args.get("embed") == "1",
        data_note=data_note(store),
        as_of=written_date(store.index.newest_day(), lang),
        messages=browser_messages(lang),
        seed_story=next((s for s in stories if s.id == SEED_STORY), None)
        or (stories[0] if stories else None),
        map_digest=rendered.map_digest,
        link_problem=link_problem(request.args.to_dict(flat=False)) or as_of_problem,
        **form_state(),
    )


@bp.get("/worksheet")
def worksheet() -> str:
    """Show a printable worksheet of the map view its parameters name (webmap-worksheet.js)."""
    return index("worksheet.html")


def on_demand_urls() -> dict[str, list[str]]:
    """Return the addresses of the lesson tools' scripts, which the map loads when first wanted."""
    return {
        name: [site_url("static", filename=file, v=digest) for file, digest in files]
        for name, files in on_demand_files().items()
    }


def citation_facts(store) -> dict:
    """Return what a citation of a view names: the data's version and newest day, the pages."""
    return {
        "dataVersion": store.version,
        "dataDay": store.index.newest_day() or "",
        "mapUrl": site_url("pages.index"),
        "worksheetUrl": site_url("pages.worksheet"),
    }


# What each filter of a link is, in a teacher's words.
LINK_PARTS = {
    "from": N_("the start date"),
    "to": N_("the end date"),
    "bbox": N_("the map area"),
    "q": N_("the search"),
}


def usable_as_of(raw: str) -> tuple[str, str]:
    """Return the link's as_of day if the API takes it, else '' and a notice saying why."""
    raw = raw.strip()
    if not raw:
        return "", ""
    try:
        return parse_as_of(raw), ""
    except ValueError:
        notice = _(
            "This link's day of the record (as_of=) cannot be used, so the map shows the "
            "record as it is today: write the day as YYYY-MM-DD, e.g. 2024-12-06."
        )
        return "", notice


def link_problem(args: dict[str, list[str]]) -> str:
    """Say which part of the map's link the API would refuse (400), and why, or ''."""
    try:
        parse_criteria(args)
    except FilterError as exc:
        name, reason = exc.param, filter_reason(exc)
        part = _(LINK_PARTS[name]) if name in LINK_PARTS else _("a filter")
        return _(
            "This link's %(part)s (%(name)s=) cannot be used, so the map leaves it out and "
            "shows more reports than the link meant: %(reason)s.",
            part=part,
            name=name,
            reason=reason,
        )
    return ""


def filter_reason(exc: FilterError) -> str:
    """Say what is wrong with a filter value, in the page's language."""
    return _(exc.reason, **exc.values)


def data_note(store) -> str:
    """Say which data a printed page shows: the date of its newest report, then its version."""
    newest = store.index.newest_day()
    if not newest:
        return _("No reports yet · version %(version)s", version=store.version)
    return _(
        "Data as of %(date)s · version %(version)s",
        date=written_date(newest, current_language()),
        version=store.version,
    )


def form_state() -> dict:
    """Return the filter form's values and ticked boxes from the query string."""
    args = request.args
    selected = {
        name: {v for raw in args.getlist(name) for v in raw.split(",") if v}
        for name in LIST_FILTERS
    }
    values = {
        "q": args.get("q", ""),
        "from": args.get("from", "")[:7],
        "to": args.get("to", "")[:7],
        # Not in the form's fields, but kept when it is sent: the place and the day of the record.
        "bbox": args.get("bbox", ""),
        "as_of": args.get("as_of", ""),
    }
    return {"selected": selected, "values": values}


def facet_choices(actors: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Return the values a reader can filter by, with their labels, per filter."""
    tables = styles_in(_)
    return {
        "kind": [(k, v["label"]) for k, v in tables["kinds"].items()],
        "status": [(k, v["label"]) for k, v in tables["statuses"].items()],
        "affiliation": list(tables["affiliations"].items()),
        "actor": actor_choices(actors),
    }


def actor_choices(actors: Iterable[str]) -> list[tuple[str, str]]:
    """Return (code, name) for every actor the reports name: alliances first, then countries.

    Names are in the page's language (CLDR's territory names), sorted the language's way.
    """
    codes = set(actors)
    alliances = [(c, _(ALLIANCE_NAMES[c])) for c in ALLIANCE_CODES if c in codes]
    countries = sorted(
        ((c, country_name(c)) for c in codes - set(ALLIANCE_CODES)),
        key=lambda pair: sort_key(pair[1]),
    )
    return alliances + countries


@bp.get("/map.<digest>.js")
def map_script(digest: str) -> Response:
    """Serve the map's script under the hash of its content, cached for good.

    A page names the script it was rendered with; the previous data's script is kept for
    pages rendered just before a reload, and any other hash answers 404, never another
    version's script.
    """
    current_catalog()  # the 503 page if the data did not load
    script = map_data().renderings_cache.script(digest)
    if script is None:
        body = "/* This version of the map script is no longer served: reload the page. */\n"
        response = Response(body, status=404, mimetype="text/javascript")
        response.headers["Cache-Control"] = "no-store"
        return response
    response = Response(script, mimetype="text/javascript")
    response.set_etag(digest)
    response.cache_control.immutable = True
    return response


@bp.get("/map.js")
def current_map_script() -> Response:
    """Serve the live map's script under a fixed name (for tools; pages use the hashed name)."""
    rendered = current_renderings()
    response = Response(rendered.map_parts.script, mimetype="text/javascript")
    response.set_etag(rendered.map_digest)
    return response


@bp.get("/palette.css")
def palette_css() -> Response:
    """Serve the palette's colours as CSS classes (no inline styles in pages)."""
    response = Response(stylesheet(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/reports")
def reports() -> Response:
    """List the reports in a sortable table, filtered like /api/reports; works without JS."""
    error = ""
    try:
        result = requested_result(facets=True)
    except FilterError as exc:
        error = f"{exc.param}: {filter_reason(exc)}"
        result = store_result(ReportQuery(), facets=True)
    sort = request.args.get("sort", "date")
    sort = sort if sort in SORT_COLUMNS else "date"
    order = request.args.get("order", "desc" if sort in ("date", "sources") else "asc")
    order = order if order in ("asc", "desc") else "asc"
    index = result.index  # today's record, or the record as of the day asked
    rows = index.sorted_positions(result.positions, sort, order == "desc")
    per_page = (len(rows) or 1) if is_static_site() else PAGE_SIZE  # the static site: one page
    pages = max(1, -(-len(rows) // per_page))
    raw_page = request.args.get("page", "1")
    page = min(max(int(raw_page) if raw_page.isascii() and raw_page.isdigit() else 1, 1), pages)
    first = (page - 1) * per_page
    # The downloads give what the list shows: the same filters (the static site has one file).
    download_args = {} if error or is_static_site() else filter_args(request.args.to_dict(False))
    html = render_template(
        "reports.html",
        reports=[in_page_language(index.report(i)) for i in rows[first : first + per_page]],
        matched=len(rows),
        first=first,
        page=page,
        pages=pages,
        page_url=_page_url,
        total=len(index),
        error=error,
        sort=sort,
        order=order,
        facets=facet_choices(index.actors),
        counts=result.facets,
        as_of_day=written_date(result.query.as_of, current_language())
        if result.query.as_of
        else "",
        filtered=result.query.filtered,
        download_args=download_args,
        sort_url=_sort_url,
        **form_state(),
    )
    return Response(html, status=400 if error else 200, mimetype="text/html")


def _page_url(page: int) -> str:
    """Return this page's URL showing another page of rows."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for("pages.reports", **args)


def _sort_url(column: str, sort: str, order: str) -> str:
    """Return this page's URL sorted by column (flipping the order if already sorted by it)."""
    args = request.args.to_dict(flat=False)
    default = "desc" if column in ("date", "sources") else "asc"
    args["order"] = ["asc" if order == "desc" else "desc"] if column == sort else [default]
    args["sort"] = [column]
    args.pop("page", None)
    return url_for("pages.reports", **args)


@bp.get("/reports/<report_id>")
def report(report_id: str) -> str:
    """Show one report with its full source list and related reports."""
    store = current_catalog()
    found: Report | None = store.by_id.get(report_id)
    if found is None:
        abort(404)
    lang = current_language()
    found = in_page_language(found)
    related = [in_page_language(store.by_id[r]) for r in found.related if r in store.by_id]
    countries = store.atlas.layers["countries"]
    today = date.today().isoformat()
    blocs = {iso3: store.atlas.bloc_of(iso3, today) for iso3 in countries["iso3"]}
    label = _(
        "Map of the area around %(place)s; the red dot marks the report's location",
        place=found.place,
    )
    minimap = minimap_svg(countries, blocs, found.lon, found.lat, label)
    cities = store.atlas.layers["cities"]
    return render_template(
        "report.html",
        data_note=data_note(store),
        report=found,
        related=related,
        minimap=minimap,
        distances=nearest(found.lon, found.lat, capitals(cities, lang))[:NEARBY_CAPITALS],
        in_range=capitals_in_range(found, cities, lang),
        ring_label=ring_label(found, _) if found.range_km else "",
        actor_names=[
            _(ALLIANCE_NAMES[a]) if a in ALLIANCE_NAMES else country_name(a) for a in found.actors
        ],
    )


@bp.get("/stories/<story_id>")
def story(story_id: str) -> str:
    """Show a story as a page: every step with its report, readable and printable without JS."""
    store = current_catalog()
    found = next((s for s in store.stories if s.id == story_id), None)
    if found is None:
        abort(404)
    found = found.in_language(current_language())
    steps = [(step, in_page_language(store.by_id[step.report])) for step in found.steps]
    return render_template("story.html", story=found, steps=steps)


def in_page_language(report: Report) -> Report:
    """Return the report with its texts in the page's language where it has them."""
    return report.in_language(current_language())


def init_app(app: Flask) -> None:
    """Register the pages blueprint, its date words and source helpers, and the history pages."""
    from webmap.web import history_pages

    app.add_template_filter(lambda text: written_edtf(text, current_language()), "written_date")
    app.jinja_env.globals.update(archive_lookup=archive_lookup_url, stance_groups=group_by_stance)
    app.register_blueprint(bp)
    history_pages.init_app(app)
