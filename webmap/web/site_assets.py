"""Name the static site's assets by their content, so browsers and CDNs may keep them for good.

Every file a page loads (scripts, styles, images, data) is written as `name.<hash>.ext`, the
hash being the start of its bytes' SHA-256: a changed file gets a new name, so the old name can
be cached for a year. Pages keep their names. Stylesheets are hashed after their `url(...)`s
point at the hashed names of what they load. Flask-free: `links.site_url` reads the names.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

HASH_LENGTH = 16  # hex digits of SHA-256: the map script's digest (renderings.py) is as long
# A hashed name: `webmap.3f2a9c1b5d6e7f80.js` (the hash before the last suffix, if any).
HASHED_NAME = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[^./]+)?$")
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>[^'")]+?)(?P=quote)\s*\)""")
_NOT_A_FILE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)  # data:, #id, /x, http:


class SiteAssetError(ValueError):
    """Raised when a stylesheet refers to a file the site does not have."""


def content_hash(data: bytes) -> str:
    """Return the hash that names data: the start of its SHA-256 in hex."""
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def hashed_name(path: str, data: bytes) -> str:
    """Return path with data's hash before its last suffix (`js/a.js` -> `js/a.<hash>.js`)."""
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    named = f"{stem}.{content_hash(data)}.{ext}" if dot and stem else f"{name}.{content_hash(data)}"
    return f"{folder}/{named}" if folder else named


class SiteAssets:
    """The site's hashed files: logical path -> hashed path.

    Paths are relative to the site's root, with `/` between folders (`static/css/webmap.css`,
    `uk/data/reports.js`).
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def add(self, logical: str, data: bytes) -> str:
        """File data under logical's hashed name; return that name."""
        self.names[logical] = hashed_name(logical, data)
        return self.names[logical]

    def name(self, logical: str) -> str | None:
        """Return the hashed name of logical, or None if it is not a hashed asset."""
        return self.names.get(logical)

    def add_folder(self, folder: Path, under: str) -> dict[str, bytes]:
        """Add every file below folder as under/<its path>; return {hashed path: bytes}.

        Stylesheets come after what they load, so their url(...)s can name it hashed.
        """
        written = {}
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        sheets = [p for p in files if p.suffix == ".css"]
        for path in [p for p in files if p.suffix != ".css"] + sheets:
            logical = f"{under}/{path.relative_to(folder).as_posix()}"
            data = path.read_bytes()
            if path.suffix == ".css":
                data = self.rewrite_css(data.decode("utf-8"), logical).encode("utf-8")
            written[self.add(logical, data)] = data
        return written

    def rewrite_css(self, css: str, logical: str) -> str:
        """Return css (the file at logical) with each url(...) of a site file made hashed."""
        here = posixpath.dirname(logical)

        def hashed(match: re.Match) -> str:
            url = match["url"].strip()
            if _NOT_A_FILE.match(url):
                return match[0]
            path, mark, rest = _split(url)
            target = posixpath.normpath(posixpath.join(here, path))
            name = self.name(target)
            if name is None:
                raise SiteAssetError(f"{logical} loads {url}, which the site does not have")
            relative = posixpath.relpath(name, here) if here else name
            return f"url({match['quote']}{relative}{mark}{rest}{match['quote']})"

        return _CSS_URL.sub(hashed, css)


def _split(url: str) -> tuple[str, str, str]:
    """Split a URL into its path, the mark that ends it ('?', '#' or '') and the rest."""
    found = re.search(r"[?#]", url)
    if not found:
        return url, "", ""
    return url[: found.start()], found[0], url[found.end() :]
