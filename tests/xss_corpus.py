"""Hostile text for the XSS tests: payloads, and a data folder whose every text field holds them.

Each payload that ran would set ``window.__xss`` or open a dialog (``alert``), so a browser test
can tell. ``write_data_dir`` puts the payloads into every free text field of the reports, their
sources and the stories, rotating them so that each payload lands in each field of some report
and each report's fields hold different payloads. With ``plain=True`` it writes the same folder
with plain words instead, so a test can compare a hostile page with the same page made of
harmless text: any element or attribute the payloads added shows up as a difference.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

from webmap.record.validation import UNSAFE_CHARACTER
from webmap.record.vocabulary import AFFILIATIONS, KINDS, STATUSES

FIXTURES = Path(__file__).parent / "data"

PAYLOADS: tuple[str, ...] = (
    # <script> in its many spellings
    "<script>window.__xss=1</script>",
    "<script>alert(1)</script>",
    "<SCRIPT SRC=data:text/javascript,window.__xss=1></SCRIPT>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<<script>script>window.__xss=1;//<</script>",
    '<script type="module">window.__xss=1</script>',
    '"><script>window.__xss=1</script>',
    "'><script>window.__xss=1</script>",
    # elements with event handlers
    "<img src=x onerror=window.__xss=1>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=window.__xss=1>",
    "<svg/onload=alert(1)//",
    "<svg><script>window.__xss=1</script></svg>",
    "<body onload=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<video><source onerror=window.__xss=1></video>",
    "<marquee onstart=window.__xss=1>scroll</marquee>",
    '<iframe src="javascript:parent.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="data:text/html,<script>parent.__xss=1</script>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<a href="javascript:window.__xss=1">click me</a>',
    "<form><button formaction=javascript:window.__xss=1>go</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<base href="javascript:window.__xss=1//">',
    '<div style="width:expression(alert(1))">old IE</div>',
    "<a id=__xss name=__xss>DOM clobbering</a>",
    # breaking out of attributes
    '" onmouseover="window.__xss=1',
    "' autofocus onfocus='window.__xss=1",
    '" autofocus onfocus="window.__xss=1" x="',
    'x" onerror="window.__xss=1" src="x',
    "` onmouseover=window.__xss=1 `",
    '"/><img src=x onerror=window.__xss=1>',
    "'--><svg onload=window.__xss=1>",
    '" style="background:url(javascript:window.__xss=1)',
    # URLs that run script
    "javascript:window.__xss=1",
    "JaVaScRiPt:alert(1)",
    "java\tscript:window.__xss=1",
    "\u200bjavascript:window.__xss=1",  # was \x01: control characters are refused now
    "&#106;avascript:window.__xss=1",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==",
    "data:text/html,<script>parent.__xss=1</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x.js",
    '[click](javascript:window.__xss=1) ![x](x" onerror="window.__xss=1)',
    # closing the element we are in
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</style><script>window.__xss=1</script>",
    "</noscript><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    "<!--<script>window.__xss=1</script>-->",
    "<!-- an unclosed comment",
    "]]><script>window.__xss=1</script>",
    "<![CDATA[<script>window.__xss=1</script>]]>",
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    # text that looks like markup or a template: must stay as written, never unescaped
    "&lt;script&gt;window.__xss=1&lt;/script&gt; &amp; &quot;",
    "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "{{7*7}}",
    "${alert(1)}",
    "{{constructor.constructor('window.__xss=1')()}}",
    "{% print 7*7 %} {{ config }}",
    "#{7*7} <%= 7*7 %>",
    # breaking the inline JSON settings and JavaScript strings
    '"}]}</script><script>window.__xss=1</script>',
    '\\";window.__xss=1;//',
    "'\\'; window.__xss=1; //",
    '\\\\\\" backslashes \\u003cscript\\u003e',
    "</script ><!--<script>window.__xss=1//",
    "line\u2028separator\u2029paragraph;window.__xss=1",
    # spreadsheet formulas
    '=HYPERLINK("javascript:alert(1)","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    # unicode tricks
    "\u202egnp.exe \u202cRTL override <b>bold</b>",
    "\u2066isolate\u2069 <script>window.__xss=1</script>",
    "<scr\u200bipt>window.__xss=1</scr\u200bipt> zero\u200dwidth\ufeffBOM",
    "java\u200bscript:alert(1)",
    "\uff1cscript\uff1ewindow.__xss=1\uff1c/script\uff1e",
    "\ufe64script\ufe65 small forms",
    "<\u0338script>Z\u0334\u0321a\u0337l\u0338g\u0336o\u0335 combining",
    "\U0001f680\U0001f4a5 <img src=x onerror=window.__xss=1> \U0001f468\u200d\U0001f469\u200d"
    "\U0001f467",
    "\U0001d4b3\U0001d4ae\U0001d4ae <svg/onload=window.__xss=1>",
    "bell\x07 escape\x1b[31mred\x1b[0m del\x7f nel\x85 nbsp\xa0 tab\tend",
    "vertical\x0btab and form\x0cfeed <script>window.__xss=1</script>",
    "CRLF\r\n<script>window.__xss=1</script>",
    "A" * 1500 + "<script>window.__xss=1</script>",
)

# Valid http(s) addresses, as `webmap check` accepts them, that carry hostile text.
URL_PAYLOADS: tuple[str, ...] = (
    'https://example.org/?q="><script>window.__xss=1</script>',
    "https://example.org/?q='><img/src=x/onerror=window.__xss=1>",
    'https://example.org/"onmouseover="window.__xss=1',
    "https://example.org/#javascript:window.__xss=1",
    "https://example.org/?next=javascript:alert(1)",
    "http://example.org/</a><svg/onload=window.__xss=1>",
    "https://example.org/?a=1&b=2&lt;script&gt;",
    "HTTPS://EXAMPLE.ORG/UPPER?q=<b>",
    "https://example.org/%22%3E%3Cscript%3Ewindow.__xss=1%3C/script%3E",
    "https://example.org/\u202e/evil",
)

# Addresses that are not http(s): `webmap check` must reject them and no page may link them.
BAD_URLS: tuple[str, ...] = (
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "JAVASCRIPT:window.__xss=1",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    " data:text/html,x",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "//evil.example/x",
    "  //evil.example/x",
    "/\\evil.example/x",
    "https:/\\evil.example/x",
    "https:evil.example",
    "ftp://example.org/file",
    "file:///etc/passwd",
)

# The free text fields, as paths into a Feature's properties; their position is the offset
# of the payload they get in each report.
REPORT_FIELDS = (
    "title",
    "summary",
    "place",
    "claimed_by",
    "systems[0]",
    "sources[0].publisher",
    "sources[0].title",
    "sources[0].language",
    "sources[0].note",
    "sources[1].publisher",
    "sources[1].title",
)
STORY_FIELDS = ("title", "summary", "steps[0].text", "steps[1].text")
COUNT = len(PAYLOADS)
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# The first source's stance, so that each status is borne out (see record_rules.py).
FIRST_STANCE = {"confirmed": "confirms", "disputed": "disputes", "denied": "denies"}


def report_id(i: int) -> str:
    """Return the id of the i-th hostile report."""
    return f"xss-{i % COUNT:03d}"


def story_id(i: int) -> str:
    """Return the id of the i-th hostile story."""
    return f"xss-story-{i % COUNT:03d}"


def payload(i: int) -> str:
    """Return payload i (wrapping around) as it can be stored: trimmed, without the control
    characters and noncharacters `webmap check` refuses (test_input_at_the_door.py)."""
    return UNSAFE_CHARACTER.sub("", PAYLOADS[i % COUNT]).strip()


def fit_for(field: str, text: str) -> str:
    """Return text as the field can hold it: a list item may not hold ';' (CSV's separator)."""
    return text.replace(";", ",") if field == "systems[0]" else text


def report_text(i: int) -> dict[str, str]:
    """Return field -> payload for report i (the rotation write_data_dir uses)."""
    return {name: fit_for(name, payload(i + j)) for j, name in enumerate(REPORT_FIELDS)}


def story_text(i: int) -> dict[str, str]:
    """Return field -> payload for story i."""
    return {name: payload(i + j) for j, name in enumerate(STORY_FIELDS)}


def normalise(text: str) -> str:
    """Collapse runs of whitespace (what HTML and layout do to text), for comparisons."""
    return " ".join(text.split())


def _feature(i: int, text) -> dict:
    """Return hostile report i as a Feature; text(j, field) gives the text for payload j."""
    day = (date(2020, 1, 1) + timedelta(days=30 * i)).isoformat()
    words = {name: fit_for(name, text(i + j, name)) for j, name in enumerate(REPORT_FIELDS)}
    sources = [
        {
            "url": text(i, "url", URL_PAYLOADS[i % len(URL_PAYLOADS)]),
            "archive_url": text(i + 1, "archive", URL_PAYLOADS[(i + 1) % len(URL_PAYLOADS)]),
            "publisher": words["sources[0].publisher"],
            "title": words["sources[0].title"],
            "language": words["sources[0].language"],
            "note": words["sources[0].note"],
            "published": day,
            "affiliation": AFFILIATIONS[i % len(AFFILIATIONS)],
            "stance": FIRST_STANCE.get(STATUSES[i % len(STATUSES)], "claim"),
            "says": words["sources[0].note"],
        },
        {
            "url": f"https://example.org/report/{i}",
            "publisher": words["sources[1].publisher"],
            "title": words["sources[1].title"],
            "affiliation": AFFILIATIONS[(i + 3) % len(AFFILIATIONS)],
            "stance": "relays",
            "says": words["sources[1].title"],
        },
    ]
    props = {
        "id": report_id(i),
        "title": words["title"],
        "summary": words["summary"],
        "kind": KINDS[i % len(KINDS)],
        "status": STATUSES[i % len(STATUSES)],
        "claimed_by": words["claimed_by"],
        "date": day,
        "expected": "",
        "place": words["place"],
        "precision": "city",
        "actors": ["BLR", "RUS"] if i % 2 else ["POL", "NATO"],
        "systems": [words["systems[0]"]],
        "range_km": 400 if i % 9 == 0 else None,
        "sources": sources,
        "related": [report_id(i - 1)] if i else [],
    }
    # A grid over Belarus, 0.9° by 0.5°: no two markers cluster at zoom 7.
    lon, lat = 23.6 + (i % 9) * 0.9, 51.6 + (i // 9) * 0.5
    return {
        "type": "Feature",
        "id": props["id"],
        "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
        "properties": props,
    }


def _story(i: int, text) -> dict:
    """Return hostile story i, which walks reports i and i + 1."""
    words = {name: text(i + j, name) for j, name in enumerate(STORY_FIELDS)}
    return {
        "id": story_id(i),
        "title": words["title"],
        "summary": words["summary"],
        "steps": [
            {"report": report_id(i), "text": words["steps[0].text"], "zoom": 7},
            {"report": report_id(i + 1), "text": words["steps[1].text"]},
        ],
    }


def hostile(j: int, field: str, url: str = "") -> str:
    """Return the hostile text for payload j (or the hostile URL given), as it can be stored."""
    return UNSAFE_CHARACTER.sub("", url or PAYLOADS[j % COUNT])


def plain(j: int, field: str, url: str = "") -> str:
    """Return harmless text in place of payload j (or of a URL)."""
    return f"https://example.org/plain/{field}/{j}" if url else f"Plain words {j % COUNT}"


def write_data_dir(target: Path, plain_text: bool = False) -> Path:
    """Copy the fixture data to target, adding a hostile report and story per payload."""
    text = plain if plain_text else hostile
    shutil.copytree(FIXTURES, target)
    path = target / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"] += [_feature(i, text) for i in range(COUNT)]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    stories = target / "stories"
    stories.mkdir()
    for i in range(COUNT):
        story = _story(i, text)
        (stories / f"{story['id']}.json").write_text(json.dumps(story, indent=2), "utf-8")
    return target


def hostile_features() -> list[dict]:
    """Return the hostile reports as Features, as written to the data folder."""
    return [_feature(i, hostile) for i in range(COUNT)]
