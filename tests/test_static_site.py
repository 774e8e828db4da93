"""The static site is ready for a CDN: what pages load is named by its content, pages keep their
names, every link resolves, manifest.json lists every file and _headers gives cache lifetimes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from webmap.web.app import create_app
from webmap.web.site import STATIC_DIR, build_site
from webmap.web.site_assets import HASHED_NAME, SiteAssetError, SiteAssets, content_hash
from webmap.web.site_manifest import covering_patterns

DATA = Path(__file__).parent / "data"
UNHASHED = ("manifest.json", "_headers", ".webmap-site")  # the site's own files, at its root
FOREVER = "public, max-age=31536000, immutable"


def build(data_dir: Path, out: Path) -> Path:
    """Build the static site of data_dir into out."""
    build_site(create_app({"DATA_DIR": str(data_dir), "STATIC_SITE": True, "TESTING": True}), out)
    return out


@pytest.fixture(scope="module")
def site_data(tmp_path_factory) -> Path:
    """Return a copy of the fixture data the module's site is built from."""
    data = tmp_path_factory.mktemp("site-data") / "data"
    shutil.copytree(DATA, data)
    return data


@pytest.fixture(scope="module")
def site(site_data, tmp_path_factory) -> Path:
    """Build the fixture data's site once for the module (every language, a few seconds)."""
    return build(site_data, tmp_path_factory.mktemp("site") / "site")


def site_files(site: Path) -> dict[str, Path]:
    """Return every file of the site by its path from the site's root."""
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def keeps_its_name(path: str) -> bool:
    """Tell whether a file of the site keeps a stable name: a page, a download, the manifest."""
    return path.endswith(".html") or path.startswith("export/") or path in UNHASHED


class Links(HTMLParser):
    """Collect a page's href and src attributes and its webmap-config JSON."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.config = ""
        self._in_config = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[a] for a in ("href", "src", "action") if attrs.get(a)]
        self._in_config = tag == "script" and attrs.get("id") == "webmap-config"

    def handle_endtag(self, tag):
        self._in_config = False

    def handle_data(self, data):
        if self._in_config:
            self.config += data


def config_urls(value) -> list[str]:
    """Return every string of a page's config (keys too) that names a file of the site."""
    if isinstance(value, dict):
        return [u for k, v in value.items() for u in config_urls(k) + config_urls(v)]
    if isinstance(value, list):
        return [u for item in value for u in config_urls(item)]
    if isinstance(value, str) and re.fullmatch(r"[\w./-]+\.(js|css|png|svg|html|json)", value):
        return [] if "REPORT_ID" in value else [value]  # a pattern the script fills in
    return []


def local_target(base: Path, url: str) -> Path | None:
    """Return the file a relative URL in a file at base names (None for other sites, #ids)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    assert not parts.path.startswith("/"), f"{url}: a site link must be relative"
    return (base.parent / unquote(parts.path)).resolve()


def test_every_file_a_page_loads_is_named_by_the_hash_of_its_content(site):
    files = site_files(site)
    hashed = {path: p for path, p in files.items() if not keeps_its_name(path)}
    assert any(p.startswith("static/vendor/leaflet/images/") for p in hashed)
    assert any(p.startswith("uk/data/reports.") for p in hashed)
    for path, file in hashed.items():
        match = HASHED_NAME.match(file.name)
        assert match, f"{path} is not named by its content"
        assert match["hash"] == hashlib.sha256(file.read_bytes()).hexdigest()[: len(match["hash"])]


def test_pages_and_downloads_keep_their_names(site):
    for path in ["index.html", "reports.html", "worksheet.html", "glossary.html", "uk/index.html"]:
        assert (site / path).is_file(), path
    assert sorted(p.name for p in (site / "export").iterdir()) == [
        "reports.csv",
        "reports.geojson",
        "reports.kml",
    ]


def test_no_page_stylesheet_or_config_names_a_missing_or_unhashed_file(site):
    files = site_files(site)
    checked = 0
    for path, file in files.items():
        if path.endswith(".html"):
            links = Links()
            links.feed(file.read_text("utf-8"))
            urls = links.urls
            if links.config:
                urls += config_urls(json.loads(links.config))
        elif path.endswith(".css"):
            found = re.findall(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""", file.read_text("utf-8"))
            urls = [u for u in found if not u.startswith(("#", "data:"))]
        else:
            continue
        for url in urls:
            target = local_target(file, url)
            if target is None:
                continue
            assert target.is_file(), f"{path} links {url}, which the site does not have"
            name = target.relative_to(site.resolve()).as_posix()
            assert keeps_its_name(name) or HASHED_NAME.match(target.name), f"{path}: {url}"
            checked += 1
    assert checked > 1000  # every page's stylesheets, scripts, links and the map's data


def test_leaflets_stylesheet_loads_its_images_by_their_hashed_names(site):
    css = next((site / "static/vendor/leaflet").glob("leaflet.*.css")).read_text("utf-8")
    images = re.findall(r"url\((images/[^)]+)\)", css)
    assert len(images) == 3 and all(HASHED_NAME.match(Path(i).name) for i in images)
    assert "url(#default#VML)" in css  # not a file: left alone


def test_the_map_loads_its_data_scripts_by_hashed_names_in_every_language(site):
    for page in ["index.html", "uk/index.html", "uk/worksheet.html"]:
        links = Links()
        links.feed((site / page).read_text("utf-8"))
        config = json.loads(links.config)
        assert HASHED_NAME.match(Path(config["reportsUrl"]).name), page
        assert set(config["dataScripts"]) == {config["reportsUrl"], *config["layerUrls"].values()}
    # A data script files itself under the URL it was loaded by, so it never names itself.
    data = next((site / "data").glob("layer-countries.*.js")).read_text("utf-8")
    assert data.startswith(
        '(window.webmapData = window.webmapData || {})[document.currentScript.getAttribute("src")]'
    )


def test_the_manifest_lists_every_file_with_its_size_and_sha256(site, site_data):
    manifest = json.loads((site / "manifest.json").read_text("utf-8"))
    files = site_files(site)
    del files["manifest.json"]  # it cannot list its own hash
    assert set(manifest["files"]) == set(files)
    for path, file in files.items():
        data = file.read_bytes()
        entry = manifest["files"][path]
        assert entry == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}, path
    hashed = {path for path in files if not keeps_its_name(path)}
    assert set(manifest["assets"].values()) == hashed
    assert manifest["assets"]["static/js/webmap.js"] in hashed
    assert manifest["assets"]["uk/data/reports.js"].startswith("uk/data/reports.")
    app = create_app({"DATA_DIR": str(site_data), "TESTING": True})
    assert manifest["data_version"] == app.extensions["webmap"].get_catalog().version
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["built"])


def header_rules(text: str) -> list[tuple[re.Pattern, dict[str, str]]]:
    """Parse a _headers file into (path pattern, headers) rules, as Netlify/Cloudflare match."""
    rules: list[tuple[re.Pattern, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            assert line.count("*") <= 1, f"{line}: Cloudflare takes one splat a rule"
            pattern = re.compile("".join(".*" if c == "*" else re.escape(c) for c in line) + "$")
            rules.append((pattern, {}))
        else:
            name, _, value = line.strip().partition(": ")
            rules[-1][1][name] = value
    return rules


def test_the_headers_file_caches_hashed_files_for_a_year_and_asks_again_for_pages(site):
    rules = header_rules((site / "_headers").read_text("utf-8"))
    assert len(rules) <= 100  # Cloudflare Pages' limit
    urls = {f"/{path}": path for path in site_files(site)}
    urls.update({"/": "index.html", "/uk/": "uk/index.html"})
    for url, path in urls.items():
        if path in ("_headers", ".webmap-site"):
            continue  # not served by those hosts
        matched = [headers["Cache-Control"] for pattern, headers in rules if pattern.match(url)]
        # Hosts add up every matching rule's headers: exactly one rule may match.
        expected = "no-cache" if keeps_its_name(path) else FOREVER
        assert matched == [expected], url


def test_covering_patterns_take_whole_folders_and_never_an_unhashed_file():
    files = {"index.html", "map.1.js", "static/a.1.js", "static/b/c.1.png", "uk/x.html"}
    files |= {"uk/data/r.1.js", "uk/map.2.js"}
    chosen = {"map.1.js", "static/a.1.js", "static/b/c.1.png", "uk/data/r.1.js", "uk/map.2.js"}
    patterns = covering_patterns(chosen, files)
    assert patterns == ["/map.1.js", "/static/*", "/uk/map.2.js", "/uk/data/*"]


def asset_names(static: Path) -> dict[str, str]:
    """Return the hashed name of every file below static, by its logical path."""
    assets = SiteAssets()
    assets.add_folder(static, "static")
    return assets.names


def changed_names(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Return the logical paths whose hashed names differ."""
    assert before.keys() == after.keys()
    return {logical for logical in before if before[logical] != after[logical]}


def test_a_changed_script_changes_its_own_name_only(tmp_path):
    static = shutil.copytree(STATIC_DIR, tmp_path / "static")
    before = asset_names(static)
    with (static / "js/webmap-quiz.js").open("a", encoding="utf-8") as script:
        script.write("\n// changed\n")
    assert changed_names(before, asset_names(static)) == {"static/js/webmap-quiz.js"}


def test_a_changed_image_renames_it_and_the_stylesheet_that_loads_it_only(tmp_path):
    static = shutil.copytree(STATIC_DIR, tmp_path / "static")
    before = asset_names(static)
    image = static / "vendor/leaflet/images/layers.png"
    image.write_bytes(image.read_bytes() + b"\0")
    assert changed_names(before, asset_names(static)) == {
        "static/vendor/leaflet/images/layers.png",
        "static/vendor/leaflet/leaflet.css",
    }


def test_a_changed_report_renames_only_the_reports_data(site, site_data, tmp_path):
    data = shutil.copytree(site_data, tmp_path / "data")
    reports = data / "reports.geojson"
    text = reports.read_text("utf-8")
    title = json.loads(text)["features"][0]["properties"]["title"]
    reports.write_text(text.replace(json.dumps(title)[1:-1], "A changed title", 1), "utf-8")
    again = build(data, tmp_path / "site")
    before = json.loads((site / "manifest.json").read_text("utf-8"))["assets"]
    after = json.loads((again / "manifest.json").read_text("utf-8"))["assets"]
    changed = changed_names(before, after)
    assert "data/reports.js" in changed
    assert {Path(logical).name for logical in changed} == {"reports.js"}


def test_a_stylesheet_rewrite_keeps_quotes_queries_and_other_urls():
    assets = SiteAssets()
    assets.add("static/img/a.png", b"png")
    css = (
        "a{background:url('../img/a.png?v=1#x')} b{fill:url(#hatch)} "
        'c{background:url(data:image/png;base64,AA==)} d{background:url( "../img/a.png" )}'
    )
    out = assets.rewrite_css(css, "static/css/x.css")
    name = f"a.{content_hash(b'png')}.png"
    assert f"url('../img/{name}?v=1#x')" in out and f'url("../img/{name}")' in out
    assert "url(#hatch)" in out and "url(data:image/png;base64,AA==)" in out


def test_a_stylesheet_that_loads_a_missing_file_stops_the_build_with_its_name():
    with pytest.raises(SiteAssetError, match="static/css/x.css loads gone.png"):
        SiteAssets().rewrite_css("a{background:url(gone.png)}", "static/css/x.css")
