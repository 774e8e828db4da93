"""The map page in Chromium: bytes transferred (gzip) and time until every marker is drawn.

Ours is measured against a baseline built the naive folium way in the same run: folium's
defaults, full-resolution Natural Earth 10m boundaries and every report inlined in the page as
a folium Marker with its popup. Both are served gzipped from loopback with the same code.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from common import (
    CHROMIUM_FLAGS,
    ROOT,
    SHIPPED,
    data_dir_with,
    gunicorn,
    median,
)

RUNS = 9  # pairs of page loads, ours and the baseline alternating
CACHE = ROOT / "benchmarks" / ".cache"


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


def baseline_html(reports_path: Path) -> str:
    """Build the naive folium page: defaults, full-resolution borders, reports inlined."""
    import folium
    import geopandas as gpd
    from shapely.geometry import box

    from webmap.geodata_build import REGION_BBOX, _natural_earth_zip
    from webmap.reports import load_reports

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
    fmap.get_root().script.add_child(
        folium.Element("performance.mark('webmap:markers-drawn');"), name="zz_mark"
    )
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
    html = root.render()
    html = html.replace(
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", "/vendor/leaflet.js"
    )
    html = html.replace(
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css", "/vendor/leaflet.css"
    )
    return html.replace("https://code.jquery.com/jquery-3.7.1.min.js", "/vendor/jquery.min.js")


def serve_baseline(html: str):
    """Serve the baseline page with the same gzip as ours; return (base URL, stop function)."""
    from common import free_port
    from flask import Flask, Response, send_from_directory
    from werkzeug.serving import make_server

    from webmap import http_cache

    app = Flask("baseline")
    vendor = {
        "leaflet.js": ROOT / "webmap/static/vendor/leaflet/leaflet.js",
        "leaflet.css": ROOT / "webmap/static/vendor/leaflet/leaflet.css",
        "jquery.min.js": jquery(),
    }

    @app.get("/")
    def index():
        return Response(html, mimetype="text/html")

    @app.get("/vendor/<name>")
    def assets(name):
        return send_from_directory(vendor[name].parent, vendor[name].name)

    @app.get("/vendor/images/<name>")
    def images(name):
        return send_from_directory(ROOT / "webmap/static/vendor/leaflet/images", name)

    app.after_request(http_cache.finish)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server.shutdown


def measure(browser, url: str, timeout_ms: int = 300_000) -> tuple[int, float]:
    """Load url in a fresh context; return (bytes transferred, ms until markers were drawn)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    total = [0]
    cdp.on(
        "Network.loadingFinished", lambda e: total.__setitem__(0, total[0] + e["encodedDataLength"])
    )
    page.goto(url, timeout=timeout_ms)
    page.wait_for_function(
        "() => performance.getEntriesByName('webmap:markers-drawn').length > 0",
        timeout=timeout_ms,
        polling=50,
    )
    ms = page.evaluate("performance.getEntriesByName('webmap:markers-drawn')[0].startTime")
    page.wait_for_load_state("networkidle")
    context.close()
    return total[0], ms


def pan_stalls(browser, url: str) -> float:
    """Pan the map around for a few seconds; return the longest frame gap in ms."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url, timeout=300_000)
    # Pan the map once it is whole (markers, then outlines and labels), not while it loads.
    page.wait_for_function("() => document.documentElement.dataset.mapDrawn", timeout=300_000)
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


def main() -> None:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        base_url, stop = serve_baseline(baseline_html(SHIPPED / "reports.geojson"))
        with gunicorn(SHIPPED) as (ours, _):
            # One load of each first, not counted: both servers answer every file once (their
            # first answers pay for Python's lazy imports and filling the gzip cache).
            measure(browser, ours), measure(browser, base_url)
            pairs = [(measure(browser, ours), measure(browser, base_url)) for _ in range(RUNS)]
        stop()
        our_bytes = median([p[0][0] for p in pairs])
        base_bytes = median([p[1][0] for p in pairs])
        our_ms = median([p[0][1] for p in pairs])
        base_ms = median([p[1][1] for p in pairs])
        rows.append(
            (
                "first view, shipped data (50 reports): bytes transferred",
                f"{our_bytes / 1024:,.0f} KB",
                f"{base_bytes / 1024:,.0f} KB",
                f"{our_bytes / base_bytes:.2f}×",
                "≤ 350 KB and ≤ 0.25×",
            )
        )
        rows.append(
            (
                "first view, shipped data: navigation → all markers drawn (median)",
                f"{our_ms:,.0f} ms",
                f"{base_ms:,.0f} ms",
                f"{our_ms / base_ms:.2f}×",
                "≤ 0.5× and < 600 ms",
            )
        )
        for count in (10_000, 100_000):
            data = data_dir_with(count, Path(tmp))
            with gunicorn(data) as (url, _):
                runs = [measure(browser, url) for _ in range(3)]
                stall = median([pan_stalls(browser, url) for _ in range(3)])
            rows.append(
                (
                    f"{count:,} generated reports: bytes / markers drawn (median of 3)",
                    f"{median([r[0] for r in runs]) / 1024:,.0f} KB / "
                    f"{median([r[1] for r in runs]):,.0f} ms",
                    "—",
                    "—",
                    "10k: < 2 s" if count == 10_000 else "usable",
                )
            )
            rows.append(
                (
                    f"{count:,} generated reports: longest frame while panning (median of 3)",
                    f"{stall:,.0f} ms",
                    "—",
                    "—",
                    "no stall (< 100 ms)",
                )
            )
        browser.close()
    print("| measure | ours | naive folium | ratio | target |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
