"""Pages of the record's history: per report, every change, and an Atom feed."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, render_template, request, url_for

from webmap.record.revisions import Revision, changed_fields
from webmap.render.atom import ACTION_WORDS, atom_feed
from webmap.web.errors import current_catalog, current_revisions
from webmap.web.i18n import current_language

bp = Blueprint("history", __name__)
CHANGES_SHOWN = 500  # the newest changes on /changes and in the feed


def revisions() -> tuple[Revision, ...]:
    """Return the data folder's revisions, oldest first."""
    return current_revisions()


def newest_first(items: tuple[Revision, ...] | list[Revision]) -> list[Revision]:
    """Return revisions newest first (a stable sort keeps file order within one time)."""
    return sorted(items, key=lambda r: r.time, reverse=True)


@bp.app_context_processor
def _history_words() -> dict:
    """Give the templates the words for actions and the changed fields of a revision."""
    return {"action_words": ACTION_WORDS, "changed_fields": changed_fields}


@bp.get("/reports/<report_id>/history")
def report_history(report_id: str) -> str:
    """Show what changed in one report, when and why, with before and after."""
    own = [r for r in revisions() if r.id == report_id]
    report = current_catalog().by_id.get(report_id)
    if not own and report is None:
        abort(404)
    return render_template(
        "history.html", report_id=report_id, report=report, revisions=newest_first(own)
    )


@bp.get("/changes")
def changes() -> str:
    """List every change to the record, newest first."""
    shown = newest_first(revisions())[:CHANGES_SHOWN]
    return render_template("changes.html", revisions=shown, total=len(revisions()))


@bp.get("/changes.atom")
def changes_atom() -> Response:
    """Serve the newest changes as an Atom feed."""
    lang = current_language()
    asked = {"lang": lang} if "lang" in request.args else {}  # links keep a chosen ?lang
    body = atom_feed(
        newest_first(revisions())[:CHANGES_SHOWN],
        feed_url=url_for("history.changes_atom", _external=True, **asked),
        page_url=url_for("history.changes", _external=True, **asked),
        report_url=lambda rid: url_for("pages.report", report_id=rid, _external=True, **asked),
        lang=lang,
    )
    response = Response(body, mimetype="application/atom+xml")
    response.content_language.add(lang)
    if not asked:
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    """Register the history pages."""
    app.register_blueprint(bp)
