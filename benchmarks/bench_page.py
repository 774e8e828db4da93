"""The map page in Chromium: bytes transferred (gzip), markers drawn and first view complete.

Ours is measured against a baseline built the naive folium way in the same run: folium's
defaults, full-resolution Natural Earth 10m boundaries and every report inlined in the page as
a folium Marker with its popup. The baseline is loaded twice: served gzipped from loopback with
the same code as ours, and written to a file with its assets beside it and opened as file://.
Every page is loaded on loopback and on an emulated school network (Chromium's network
emulation: 10 Mbit/s down, 5 Mbit/s up, 40 ms latency), cache disabled, fresh context each load.

Environment: RUNS (alternating loads of each page per network, default 9) and SIZES (the
generated data sets to draw, comma-separated, default "10000,100000"; empty to skip them).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from common import (
    CHROMIUM_FLAGS,
    ROOT,
    SHIPPED,
    data_dir_with,
    gunicorn,
    median,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

RUNS = int(os.environ.get("RUNS", "9"))  # loads of each page per network, alternating
SIZES = [int(s) for s in os.environ.get("SIZES", "10000,100000").split(",") if s.strip()]
CACHE = ROOT / "benchmarks" / ".cache"
LEAFLET = ROOT / "webmap/static/vendor/leaflet"
TIMEOUT_MS = 300_000
VIEWPORT = {"width": 1400, "height": 900}
# Chromium DevTools' Network.emulateNetworkConditions; throughput is in bytes per second.
NETWORKS: dict[str, dict | None] = {
    "loopback": None,
    "school network": {
        "offline": False,
        "latency": 40,
        "downloadThroughput": 10_000_000 / 8,
        "uploadThroughput": 5_000_000 / 8,
    },
}
SIGNAL = "webmap-bench "
# Run in every loaded document before its own scripts, the same rule for ours and both
# baselines: checked once per animation frame from the start of the load; the first frame that
# begins with the markers in the DOM is the frame that draws them, and the time taken is when
# that frame's work on the main thread is done (a message posted from its animation-frame
# callback runs right after the frame's style, layout and paint). Ours clusters its markers, so
# for ours "in the DOM" is its own mark (every report placed in the cluster layer) plus at least
# one icon in the marker pane; for the baseline, one icon per report. "First view complete" is
# the same for `dataset.mapDrawn === "true"`. It reports by a console message, so nothing of
# Playwright's runs in the page while it loads.
WATCH = """(({ours, count}) => {
    if (location.protocol === "about:") return;
    const times = {};
    const seen = {};
    let sent = false;
    const finish = () => {
        if (sent || times.markers === undefined || (ours && times.view === undefined)) return;
        sent = true;
        const mark = performance.getEntriesByName("webmap:markers-drawn")[0];
        times.drawn = mark ? mark.startTime : null;
        console.debug("%SIGNAL%" + JSON.stringify(times));
    };
    const afterFrame = (key) => {
        seen[key] = true;
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { times[key] = performance.now(); finish(); };
        channel.port2.postMessage(null);
    };
    const frame = () => {
        const mark = performance.getEntriesByName("webmap:markers-drawn")[0];
        const icons = document.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon");
        const placed = ours ? mark !== undefined && icons.length > 0 : icons.length >= count;
        if (!seen.markers && placed) afterFrame("markers");
        if (ours && !seen.view && document.documentElement.dataset.mapDrawn === "true") {
            afterFrame("view");
        }
        if (!seen.markers || (ours && !seen.view)) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})(%CONFIG%);"""


@dataclass
class Load:
    """One page load: bytes transferred and milliseconds from navigation start."""

    bytes: int
    drawn_ms: float  # the page's own mark (the baseline's: after its last marker is added)
    on_screen_ms: float  # the first animation frame with the markers in the DOM
    view_ms: float | None  # ours only: the first frame after the whole first view is drawn


class NetworkLog:
    """Count the bytes a page received (DevTools' encodedDataLength) and its open requests."""

    def __init__(self) -> None:
        self.bytes = 0
        self.open: set[str] = set()
        self.last = time.monotonic()

    def sent(self, event: dict) -> None:
        """Note a request that started."""
        self.open.add(event["requestId"])
        self.last = time.monotonic()

    def finished(self, event: dict) -> None:
        """Note a request that finished and count its bytes."""
        self.bytes += event["encodedDataLength"]
        self.failed(event)

    def failed(self, event: dict) -> None:
        """Note a request that ended."""
        self.open.discard(event["requestId"])
        self.last = time.monotonic()

    def wait_until_quiet(self, page: Page, quiet_s: float = 0.5, limit_s: float = 30.0) -> None:
        """Wait until no request has been open for quiet_s (at most limit_s)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if not self.open and time.monotonic() - self.last >= quiet_s:
                return
            page.wait_for_timeout(50)


def jquery() -> Path:
    """Return jQuery 3.7.1 (folium's default, needed by its popups), installed from npm once."""
    path = CACHE / "node_modules" / "jquery" / "dist" / "jquery.min.js"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), "jquery@3.7.1"],
            check=True,
            capture_output=True,
        )
    return path


def baseline_html(reports_path: Path, vendor: str = "/vendor/") -> str:
    """Build the naive folium page: defaults, full-resolution borders, reports inlined."""
    import folium
    import geopandas as gpd
    from shapely.geometry import box

    from webmap.geo.geodata_build import REGION_BBOX, _natural_earth_zip
    from webmap.record.reports_file import load_reports

    world = gpd.read_file(_natural_earth_zip(), encoding="utf-8")
    region = world[world.intersects(box(*REGION_BBOX)) | world["ADM0_A3"].isin(["RUS", "KAZ"])]
    fmap = folium.Map(location=[54, 27], zoom_start=5, tiles=None)
    folium.GeoJson(
        region[["NAME_EN", "geometry"]].to_json(),
        name="countries",
        tooltip=folium.GeoJsonTooltip(fields=["NAME_EN"]),
    ).add_to(fmap)
    for r in load_reports(reports_path):
        sources = "".join(f'<li><a href="{s.url}">{s.publisher}</a></li>' for s in r.sources)
        html = f"<b>{r.title}</b><p>{r.date} · {r.status} · {r.claimed_by}</p><p>{r.summary}</p>"
        folium.Marker(
            [r.lat, r.lon],
            tooltip=r.title,
            popup=folium.Popup(html + f"<ol>{sources}</ol>", max_width=350),
        ).add_to(fmap)
    root = fmap.get_root()
    # The CDN files are not reachable here: Leaflet and jQuery are served from loopback, and
    # Bootstrap, Font Awesome and awesome-markers are left out, which makes the baseline
    # lighter than real folium defaults (our ratio is, if anything, flattered less).
    for element in [fmap, *fmap._children.values()]:
        if hasattr(element, "default_js"):
            element.default_js = [
                (n, u) for n, u in element.default_js if n in ("leaflet", "jquery")
            ]
            element.default_css = [(n, u) for n, u in element.default_css if n == "leaflet_css"]
    # The mark goes at the end of the page's one script, after the last marker is added: added
    # to the figure's script before rendering, folium puts it first, before the map exists.
    head, tail = root.render().rsplit("</script>", 1)
    html = f"{head}performance.mark('webmap:markers-drawn');\n</script>{tail}"
    html = html.replace(
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", f"{vendor}leaflet.js"
    )
    html = html.replace(
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css", f"{vendor}leaflet.css"
    )
    return html.replace("https://code.jquery.com/jquery-3.7.1.min.js", f"{vendor}jquery.min.js")


def vendor_files() -> dict[str, Path]:
    """Return the baseline's assets by name: Leaflet, its CSS and jQuery."""
    return {
        "leaflet.js": LEAFLET / "leaflet.js",
        "leaflet.css": LEAFLET / "leaflet.css",
        "jquery.min.js": jquery(),
    }


def write_baseline(html: str, folder: Path) -> str:
    """Write the baseline page with its assets beside it (no CDN); return its file:// URL."""
    vendor = folder / "vendor"
    shutil.copytree(LEAFLET / "images", vendor / "images", dirs_exist_ok=True)
    for name, path in vendor_files().items():
        shutil.copy(path, vendor / name)
    page = folder / "index.html"
    page.write_text(html, "utf-8")
    return page.as_uri()


def serve_baseline(html: str) -> tuple[str, Callable[[], None]]:
    """Serve the baseline page with the same gzip as ours; return (base URL, stop function)."""
    from common import free_port
    from flask import Flask, Response, send_from_directory
    from werkzeug.serving import make_server

    from webmap.web import http_cache

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = Flask("baseline")
    vendor = vendor_files()

    etag = hashlib.sha256(html.encode()).hexdigest()[:20]

    @app.get("/")
    def index():
        # Named by an ETag, so it is compressed once and kept, as ours is: a naive page served
        # as a static file, not one built and compressed on every request.
        response = Response(html, mimetype="text/html")
        response.set_etag(etag)
        return response

    @app.get("/vendor/<name>")
    def assets(name):
        return send_from_directory(vendor[name].parent, vendor[name].name)

    @app.get("/vendor/images/<name>")
    def images(name):
        return send_from_directory(LEAFLET / "images", name)

    http_cache.init_app(app)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server.shutdown


def measure(
    browser: Browser, url: str, ours: bool = True, count: int = 0, network: dict | None = None
) -> Load:
    """Load url in a fresh context, cache disabled, on network (None: loopback as it is)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if network:
        cdp.send("Network.emulateNetworkConditions", network)
    network_log = NetworkLog()
    cdp.on("Network.requestWillBeSent", network_log.sent)
    cdp.on("Network.loadingFinished", network_log.finished)
    cdp.on("Network.loadingFailed", network_log.failed)
    config = json.dumps({"ours": ours, "count": count})
    page.add_init_script(WATCH.replace("%SIGNAL%", SIGNAL).replace("%CONFIG%", config))
    with page.expect_console_message(
        lambda m: m.text.startswith(SIGNAL), timeout=TIMEOUT_MS
    ) as message:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    times = json.loads(message.value.text.removeprefix(SIGNAL))
    network_log.wait_until_quiet(page)
    context.close()
    return Load(network_log.bytes, times["drawn"], times["markers"], times.get("view"))


def pan_stalls(browser: Browser, url: str) -> float:
    """Pan the map around for a few seconds; return the longest frame gap in ms."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url, timeout=TIMEOUT_MS)
    # Pan the map once it is whole (markers, then outlines and labels), not while it loads.
    page.wait_for_function("() => document.documentElement.dataset.mapDrawn", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    longest = page.evaluate("""async () => {
        const map = window.webmapMap.map; let last = performance.now(); let worst = 0;
        let running = true;
        const tick = () => { const now = performance.now(); worst = Math.max(worst, now - last);
                             last = now; if (running) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        for (const [dx, dy] of [[300, 0], [0, 200], [-300, 0], [0, -200], [200, 150]]) {
            map.panBy([dx, dy], {animate: true, duration: 0.5});
            await new Promise(r => setTimeout(r, 700));
        }
        running = false; return worst; }""")
    context.close()
    return longest


def kb(value: float) -> str:
    """Format bytes as KB."""
    return f"{value / 1024:,.0f} KB"


def ms(value: float) -> str:
    """Format milliseconds."""
    return f"{value:,.0f} ms"


def ratio(ours: float, other: float) -> str:
    """Format ours as a multiple of other."""
    return f"{ours / other:.2f}×"


def network_rows(name: str, loads: dict[str, list[Load]]) -> list[tuple[str, ...]]:
    """Return the table rows of one network: medians of ours, served and file baselines."""

    def mid(page: str, field: str) -> float:
        return median([getattr(load, field) for load in loads[page]])

    school = name != "loopback"
    where = "school network (10 Mbit/s, 40 ms)" if school else "loopback"
    rows = [
        (
            f"{where}: first view, bytes transferred",
            kb(mid("ours", "bytes")),
            kb(mid("served", "bytes")),
            ratio(mid("ours", "bytes"), mid("served", "bytes")),
            f"{kb(mid('file', 'bytes'))} read",
            "—",
            "≤ 350 KB and ≤ 0.25×",
        )
    ]
    for field, label in (
        ("drawn_ms", "navigation → all markers drawn (page's mark)"),
        ("on_screen_ms", "navigation → markers on screen (first frame with them)"),
    ):
        rows.append(
            (
                f"{where}: {label}",
                ms(mid("ours", field)),
                ms(mid("served", field)),
                ratio(mid("ours", field), mid("served", field)),
                ms(mid("file", field)),
                ratio(mid("ours", field), mid("file", field)),
                "≤ 0.5×" if school else "≤ 0.5× and < 600 ms",
            )
        )
    rows.append(
        (
            f"{where}: navigation → first view complete (outlines, labels, markers)",
            ms(mid("ours", "view_ms")),
            "—",
            "—",
            "—",
            "—",
            "≤ 1 s" if school else "—",
        )
    )
    return rows


def main() -> None:
    from playwright.sync_api import sync_playwright

    from webmap.record.reports_file import load_reports

    rows: list[tuple[str, ...]] = []
    count = len(load_reports(SHIPPED / "reports.geojson"))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        base_url, stop = serve_baseline(baseline_html(SHIPPED / "reports.geojson"))
        file_url = write_baseline(
            baseline_html(SHIPPED / "reports.geojson", vendor="vendor/"), Path(tmp)
        )
        pages = {
            "ours": (None, True),
            "served": (base_url, False),
            "file": (file_url, False),
        }
        with gunicorn(SHIPPED) as (ours, _):
            pages["ours"] = (ours, True)
            # One load of each first, not counted: both servers answer every file once (their
            # first answers pay for Python's lazy imports and filling the gzip cache).
            for url, is_ours in pages.values():
                measure(browser, url, is_ours, count)
            for name, network in NETWORKS.items():
                loads: dict[str, list[Load]] = {page: [] for page in pages}
                for _ in range(RUNS):
                    for page, (url, is_ours) in pages.items():
                        loads[page].append(measure(browser, url, is_ours, count, network))
                for page, runs in loads.items():  # every load, for judging the spread
                    print(f"{name}, {page}: {runs}", file=sys.stderr)
                rows += network_rows(name, loads)
        stop()
        for size in SIZES:
            data = data_dir_with(size, Path(tmp))
            with gunicorn(data) as (url, _):
                runs = [measure(browser, url) for _ in range(3)]
                stall = median([pan_stalls(browser, url) for _ in range(3)])
            rows.append(
                (
                    f"{size:,} generated reports, loopback: bytes / markers drawn (median of 3)",
                    f"{kb(median([r.bytes for r in runs]))} / "
                    f"{ms(median([r.drawn_ms for r in runs]))}",
                    *["—"] * 4,
                    "10k: < 2 s" if size == 10_000 else "usable",
                )
            )
            rows.append(
                (
                    f"{size:,} generated reports: longest frame while panning (median of 3)",
                    ms(stall),
                    *["—"] * 4,
                    "no stall (< 100 ms)",
                )
            )
        browser.close()
    print(
        "| measure | ours | naive folium, served | ratio | naive folium, file:// | ratio | target |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
