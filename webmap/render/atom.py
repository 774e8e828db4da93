"""The record's changes as an Atom 1.0 feed, for newsrooms and teachers who subscribe."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from xml.etree import ElementTree as ET

from webmap.record.languages import DEFAULT_LANGUAGE, N_, translator
from webmap.record.revisions import Revision, changed_fields

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ACTION_WORDS = {"add": N_("Added"), "update": N_("Updated"), "remove": N_("Removed")}


def revision_title(revision: Revision, lang: str = DEFAULT_LANGUAGE) -> str:
    """Return a one-line title of a change in lang, e.g. 'Updated: Oreshnik in Belarus'
    (the report's title in lang where it has that translation, else in English)."""
    _ = translator(lang).gettext
    feature = revision.after or revision.before or {}
    props = feature.get("properties") or {}
    translation = (props.get("translations") or {}).get(lang)
    title = (translation or {}).get("title") or props.get("title") or revision.id
    return _("%(action)s: %(title)s") % {"action": _(ACTION_WORDS[revision.action]), "title": title}


def revision_summary(revision: Revision, lang: str = DEFAULT_LANGUAGE) -> str:
    """Return a plain-text line in lang: which fields changed, and the note (as written)."""
    _ = translator(lang).gettext
    fields = (
        [name for name, _old, _new in changed_fields(revision)]
        if revision.action == "update"
        else []
    )
    parts = [_("changed: %(fields)s") % {"fields": ", ".join(fields)}] if fields else []
    if revision.note:
        parts.append(_("why: %(note)s") % {"note": revision.note})
    return "; ".join(parts) or _(ACTION_WORDS[revision.action])


def atom_feed(
    revisions: Sequence[Revision],
    feed_url: str,
    page_url: str,
    report_url: Callable[[str], str],
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """Return an Atom feed of the revisions in lang (xml:lang), newest first; entries link to
    the report pages."""
    _ = translator(lang).gettext
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text:
            element.text = XML_INVALID.sub("\ufffd", text)  # XML 1.0 cannot hold these
        return element

    newest = sorted(revisions, key=lambda r: r.time, reverse=True)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang})
    sub(feed, "title", _("webmap: changes to the record"))
    sub(feed, "id", feed_url)
    sub(feed, "updated", newest[0].time if newest else "1970-01-01T00:00:00Z")
    sub(feed, "link", href=feed_url, rel="self", type="application/atom+xml")
    sub(feed, "link", href=page_url, rel="alternate", type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "webmap")
    for revision in newest:
        entry = sub(feed, "entry")
        url = report_url(revision.id)
        sub(entry, "title", revision_title(revision, lang))
        sub(entry, "id", f"{url}#{revision.action}-{revision.time}")
        sub(entry, "updated", revision.time)
        sub(entry, "link", href=url, rel="alternate", type="text/html")
        sub(entry, "summary", revision_summary(revision, lang))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
