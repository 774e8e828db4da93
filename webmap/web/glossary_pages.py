"""The glossary page (/glossary) and the links from a term's first use in a report to it."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from markupsafe import Markup, escape

from webmap.catalog.terms import TermUse, first_uses, report_texts
from webmap.record.glossary import Glossary, GlossarySource
from webmap.record.model import Report
from webmap.web.errors import current_catalog
from webmap.web.i18n import current_language, in_language_url, sort_key

bp = Blueprint("glossary", __name__)


def glossary_url() -> str:
    """Return the link to the glossary in the page's language (a file in the static site)."""
    return in_language_url("glossary.glossary")


def source_link(source: GlossarySource) -> str:
    """Return a source's address if it may be a link (http or https), else ''."""
    return source.url if source.url.startswith(("http://", "https://")) else ""


@bp.get("/glossary")
def glossary() -> str:
    """Show every term with its definition and sources, in the page's language."""
    lang = current_language()
    store: Glossary = current_catalog().glossary
    entries = sorted(
        ((term, term.in_language(lang)) for term in store.terms),
        key=lambda pair: sort_key(pair[1].term),
    )
    machine = any(text.by == "machine" for _, text in entries)
    return render_template(
        "glossary.html", entries=entries, machine=machine, source_link=source_link
    )


def term_uses(report: Report) -> list[TermUse]:
    """Return the first uses of glossary terms in a report's texts (in the language shown)."""
    props = {"title": report.title, "summary": report.summary}
    return first_uses(report_texts(props), current_catalog().glossary, report.lang)


def linked_terms(text: str, uses: list[TermUse], field: str) -> Markup:
    """Return text, escaped, with each term's first use in this field linked to its entry."""
    href = glossary_url()
    out, at = [], 0
    for use in sorted((u for u in uses if u.field == field), key=lambda u: u.start):
        if use.start < at or use.end > len(text):
            continue
        out.append(escape(text[at : use.start]))
        out.append(
            Markup('<a class="glossary-term" href="{}#{}">{}</a>').format(
                href, use.term, text[use.start : use.end]
            )
        )
        at = use.end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def init_app(app: Flask) -> None:
    """Register the glossary page and the template helpers that link terms."""
    app.jinja_env.globals.update(
        glossary_url=glossary_url, term_uses=term_uses, linked_terms=linked_terms
    )
    app.register_blueprint(bp)
