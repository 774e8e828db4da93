/* webmap basemap names and water: country, sea and city names placed so that they never overlap
 * each other or a report marker, plus rivers and lakes. Names are real text (DOM), never images.
 * Exposes window.webmapLabels. */
(function () {
  "use strict";

  const wm = window.webmapMap;
  const map = wm.map;
  const config = wm.config;
  const urls = config.layerUrls;
  const root = document.documentElement;

  const labelPane = map.createPane("webmap-labels");
  labelPane.style.zIndex = 550;  // above the outlines (400), below markers (600) and popups (700)
  labelPane.style.pointerEvents = "none";
  const waterPane = map.createPane("webmap-water");
  waterPane.style.zIndex = 405;
  waterPane.style.pointerEvents = "none";
  const waterRenderer = L.svg({ pane: "webmap-water" });

  /* ---- rivers and lakes ---- */

  const water = L.layerGroup();
  function drawWater(rivers, lakes) {
    L.geoJSON(lakes, {
      pane: "webmap-water", renderer: waterRenderer, interactive: false, className: "basemap-lake",
      style: { stroke: true, color: config.river, weight: 0.6, fillColor: config.sea, fillOpacity: 1 },
    }).addTo(water);
    L.geoJSON(rivers, {
      pane: "webmap-water", renderer: waterRenderer, interactive: false, className: "basemap-river",
      style: (f) => ({ color: config.river, weight: (f.properties.scalerank || 6) <= 3 ? 1.6 : 1.1, opacity: 0.9 }),
    }).addTo(water);
    water.addTo(map);
    wm.control.addOverlay(water, window.webmapI18n._("Rivers and lakes"));
  }

  /* ---- names ---- */

  const measureCanvas = document.createElement("canvas").getContext("2d");
  let fontFamily = "";  // read when first needed: reading styles while the page starts forces a style pass
  let canvasFont = "";  // setting the canvas font parses it: set it only when it changes
  const widths = new Map();
  function textWidth(text, font) {
    const key = `${font}|${text}`;
    if (!widths.has(key)) {
      if (!fontFamily) fontFamily = getComputedStyle(root).fontFamily || "sans-serif";
      if (canvasFont !== font) { measureCanvas.font = `${font} ${fontFamily}`; canvasFont = font; }
      widths.set(key, measureCanvas.measureText(text).width);
    }
    return widths.get(key);
  }

  /* Label size in px: never under 14 px; countries grow with their area. */
  function countrySize(area) { return Math.max(14, Math.min(24, Math.round(12 + 1.5 * Math.log2(Math.max(area, 1) / 20000)))); }

  /* In projector mode (webmap-projector.js) no name is under 20 px. */
  function sizeOf(c) { return root.classList.contains("projector") ? Math.max(20, c.size + 4) : c.size; }

  let candidates = [];
  const countryBounds = new Map();  // iso3 -> L.LatLngBounds of the drawn outline
  const countryShapes = new Map();  // iso3 -> GeoJSON geometries of the drawn outline

  function lang() { return root.lang || "en"; }
  function nameOf(props) { return (props.names && props.names[lang()]) || props.name; }

  /* Countries' names in the page's language, for their tooltips too. */
  const countryNames = new Map();  // iso3 -> name
  function countryName(iso3) { return countryNames.get(iso3); }

  function setNames(labels, cities) {
    candidates = [];
    for (const f of labels.features) {
      const p = f.properties;
      if (p.kind === "country" && p.iso3) countryNames.set(p.iso3, nameOf(p));
      const [lon, lat] = f.geometry.coordinates;
      const country = p.kind === "country";
      const size = country ? countrySize(p.area_km2 || 0) : (p.rank || 3) <= 1 ? 18 : (p.rank || 3) <= 2 ? 16 : 14;
      candidates.push({
        id: `${p.kind}:${p.iso3 || p.name}`, kind: p.kind, props: p, latlng: L.latLng(lat, lon),
        minZoom: p.min_zoom ?? 3, size, weight: country ? "bold" : "italic",
        // Countries first (largest first), then capitals, seas, other cities.
        order: country ? 10 - Math.log10(p.area_km2 || 1) : 20 + (p.rank || 3),
      });
    }
    for (const f of cities.features) {
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      const rank = p.rank || (p.capital ? 1 : 3);
      candidates.push({
        id: `city:${p.geonameid || p.name}`, kind: "city", props: p, latlng: L.latLng(lat, lon), rank,
        minZoom: rank === 1 ? 4 : rank === 2 ? 5 : 6, size: rank === 1 ? 15 : 14, weight: rank === 1 ? "bold" : "normal",
        order: (rank === 1 ? 10 : 20 + rank * 5) + 1 - Math.log10(p.population || 1) / 10,
      });
    }
    candidates.sort((a, b) => a.order - b.order);
    if (lang() !== "en") {
      wm.map.eachLayer((layer) => {
        const p = layer.feature && layer.feature.properties;
        if (p && p.iso3 && countryNames.has(p.iso3) && p.bloc) p.name = countryNames.get(p.iso3);
      });
    }
    relayout();
  }

  /* The names are laid out once the outlines are drawn (they are kept inside their country):
   * laying them out before would be thrown away. */
  let outlinesKnown = false;
  function noteCountryBounds() {
    outlinesKnown = true;
    countryBounds.clear();
    countryShapes.clear();
    window.webmapFolium.countries.eachLayer((layer) => {
      countryShapes.set(layer.feature.id, [...(countryShapes.get(layer.feature.id) || []), layer.feature.geometry]);
      const b = layer.getBounds();
      const old = countryBounds.get(layer.feature.id);
      countryBounds.set(layer.feature.id, old ? old.extend(b) : b);
    });
  }

  /* For a large country whose label point is out of sight: points of it that are in view,
   * from the middle of the visible part outwards. */
  function visibleAnchors(c) {
    const bounds = countryBounds.get(c.props.iso3);
    const shapes = countryShapes.get(c.props.iso3) || [];
    if (!bounds || (c.props.area_km2 || 0) < 300000) return [];
    const view = map.getBounds().pad(-0.12);
    if (!view.intersects(bounds)) return [];
    const south = Math.max(view.getSouth(), bounds.getSouth());
    const north = Math.min(view.getNorth(), bounds.getNorth());
    const west = Math.max(view.getWest(), bounds.getWest());
    const east = Math.min(view.getEast(), bounds.getEast());
    const steps = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9];
    const grid = [];
    for (const fy of steps) for (const fx of steps) grid.push([fx, fy, Math.hypot(fx - 0.5, fy - 0.5)]);
    grid.sort((a, b) => a[2] - b[2]);
    const out = [];
    for (const [fx, fy] of grid) {
      const lat = south + (north - south) * fy;
      const lng = west + (east - west) * fx;
      if (shapes.some((g) => wm.containsPoint(g, lng, lat))) out.push(L.latLng(lat, lng));
    }
    return out;
  }

  function overlaps(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }

  /* Boxes (container pixels) of every marker, cluster and area badge on screen. */
  function markerBoxes() {
    const mapBox = map.getContainer().getBoundingClientRect();
    const boxes = [];
    for (const icon of map.getPane("markerPane").children) {
      const r = icon.getBoundingClientRect();
      if (!r.width) continue;
      boxes.push({ x1: r.left - mapBox.left - 2, y1: r.top - mapBox.top - 2, x2: r.right - mapBox.left + 2, y2: r.bottom - mapBox.top + 2 });
    }
    return boxes;
  }

  /* Boxes of the controls on the map (legend, layers, zoom, status): names hide behind them. */
  function controlBoxes() {
    const mapBox = map.getContainer().getBoundingClientRect();
    const boxes = [];
    for (const control of map.getContainer().querySelectorAll(".leaflet-control")) {
      const r = control.getBoundingClientRect();
      if (r.width) boxes.push({ x1: r.left - mapBox.left, y1: r.top - mapBox.top, x2: r.right - mapBox.left, y2: r.bottom - mapBox.top });
    }
    return boxes;
  }

  const pool = new Map();  // candidate id -> element
  let shownLabels = [];
  let enabled = true;

  function element(c) {
    let node = pool.get(c.id);
    if (!node) {
      node = document.createElement("span");
      node.className = `map-label map-label-${c.kind}${c.kind === "city" && c.rank === 1 ? " map-label-capital" : ""}`;
      node.dataset.labelKind = c.kind;
      if (c.kind === "city") node.append(document.createElement("i"));
      node.append(document.createElement("span"));
      pool.set(c.id, node);
    }
    node.lastChild.textContent = nameOf(c.props);
    node.style.fontSize = `${sizeOf(c)}px`;
    return node;
  }

  /* Place names by priority; a name is left out where it would touch another or a marker. */
  /* Where a name may go: for a city, beside its dot (or beside the marker that covers it); for a
   * country or sea, centred on its point (a large country out of sight: on a part of it in view). */
  function spots(c, pt, w, h, marks, controls) {
    if (c.kind === "city") {
      const dotBox = { x1: pt.x - 4, y1: pt.y - 4, x2: pt.x + 4, y2: pt.y + 4 };
      if (controls.some((t) => overlaps(t, dotBox))) return [];  // the place itself is hidden
      const cover = marks.find((t) => overlaps(t, dotBox));
      const at = (dx, dy, hiddenDot) => ({ pt, dx, dy, hiddenDot, dotBox: hiddenDot ? null : dotBox });
      if (cover) {
        const right = cover.x2 + 2 - pt.x;
        const left = cover.x1 - 2 - w - pt.x;
        const above = cover.y1 - 2 - h - pt.y;
        const below = cover.y2 + 2 - pt.y;
        return [
          at(right, -h / 2, true), at(left, -h / 2, true), at(-w / 2, above, true), at(-w / 2, below, true),
          at(right, above + h / 2, true), at(right, below - h / 2, true),
          at(left, above + h / 2, true), at(left, below - h / 2, true),
          at(right, above, true), at(left, above, true), at(right, below, true), at(left, below, true),
        ];
      }
      return [at(5, -h / 2, false), at(-w - 5, -h / 2, false), at(-w / 2, -h - 5, false), at(-w / 2, 5, false)];
    }
    let anchors = [pt];
    if (c.kind === "country") {
      const bounds = countryBounds.get(c.props.iso3);
      if (bounds) {
        const nw = map.latLngToContainerPoint(bounds.getNorthWest());
        const se = map.latLngToContainerPoint(bounds.getSouthEast());
        if (Math.abs(se.x - nw.x) < w * 1.1 || Math.abs(se.y - nw.y) < h * 1.2) return [];  // it would spill out
      }
      const size = map.getSize();
      if (pt.x < 0 || pt.y < 0 || pt.x > size.x || pt.y > size.y) {
        anchors = visibleAnchors(c).map((ll) => map.latLngToContainerPoint(ll));
      } else {
        // Near its point, still inside the country, when markers sit on the point itself.
        const shapes = countryShapes.get(c.props.iso3) || [];
        const near = [[0, -1.6 * h], [0, 1.6 * h], [-0.6 * w, 0], [0.6 * w, 0], [-0.5 * w, -1.6 * h],
          [0.5 * w, -1.6 * h], [-0.5 * w, 1.6 * h], [0.5 * w, 1.6 * h], [0, -3 * h], [0, 3 * h],
          [-1.2 * w, 0], [1.2 * w, 0], [-1.2 * w, -1.6 * h], [-1.2 * w, 1.6 * h], [1.2 * w, 1.6 * h]];
        for (const [dx, dy] of near) {
          const p = L.point(pt.x + dx, pt.y + dy);
          const ll = map.containerPointToLatLng(p);
          const box = [[-w / 2, -h / 2], [w / 2, -h / 2], [-w / 2, h / 2], [w / 2, h / 2]].map(
            ([bx, by]) => map.containerPointToLatLng(L.point(p.x + bx, p.y + by)));
          const within = (q) => shapes.some((g) => wm.containsPoint(g, q.lng, q.lat));
          if (within(ll) && box.every(within)) anchors.push(p);
        }
      }
    }
    return anchors.map((a) => ({ pt: a, dx: -w / 2, dy: -h / 2, hiddenDot: false, dotBox: null }));
  }

  /* Place names by priority; a name is left out where it would touch another, a marker or a control. */
  function layout() {
    if (!enabled) { labelPane.replaceChildren(); shownLabels = []; return; }
    if (!outlinesKnown) return;
    const size = map.getSize();
    const zoom = map.getZoom();
    const view = map.getBounds().pad(-0.12);  // as visibleAnchors
    const marks = markerBoxes();
    const controls = controlBoxes();
    const taken = marks.concat(controls);
    const badged = wm.badgeNames();
    const placed = [];
    const margin = 4;
    for (const c of candidates) {
      if (zoom < c.minZoom) continue;
      if (c.kind === "country" && badged.has(c.props.name)) continue;  // the badge carries the name
      const pt = map.latLngToContainerPoint(c.latlng);
      if (c.kind !== "country" && (pt.x < -200 || pt.y < -50 || pt.x > size.x + 200 || pt.y > size.y + 50)) continue;
      if (c.kind === "country" && (pt.x < 0 || pt.y < 0 || pt.x > size.x || pt.y > size.y)) {
        // Out of sight: only a large country with a part in view has somewhere to go (spots).
        const bounds = countryBounds.get(c.props.iso3);
        if (!bounds || (c.props.area_km2 || 0) < 300000 || !view.intersects(bounds)) continue;
      }
      const font = `${c.weight === "italic" ? "italic" : c.weight === "bold" ? "bold" : "normal"} ${sizeOf(c)}px`;
      const w = textWidth(nameOf(c.props), font) + 6;
      const h = sizeOf(c) * 1.25;
      for (const spot of spots(c, pt, w, h, marks, controls)) {
        const box = { x1: spot.pt.x + spot.dx, y1: spot.pt.y + spot.dy, x2: spot.pt.x + spot.dx + w, y2: spot.pt.y + spot.dy + h };
        if (box.x1 < margin || box.y1 < margin || box.x2 > size.x - margin || box.y2 > size.y - margin) continue;
        if (placed.some((p) => overlaps(p.box, box)) || taken.some((t) => overlaps(t, box))) continue;
        if (spot.dotBox && placed.some((p) => overlaps(p.box, spot.dotBox))) continue;
        placed.push({ c, box, ...spot });
        if (spot.dotBox) placed.push({ c: null, box: spot.dotBox });
        break;
      }
    }
    const nodes = [];
    shownLabels = [];
    for (const p of placed) {
      if (!p.c) continue;
      const node = element(p.c);
      const layerPt = map.containerPointToLayerPoint(L.point(p.box.x1, p.box.y1));
      L.DomUtil.setPosition(node, layerPt);
      node.classList.toggle("map-label-left", p.c.kind === "city" && p.dx < 0 && p.dy < 0 && p.dx < -5);
      if (p.c.kind === "city") {
        const dot = node.firstChild;
        dot.hidden = p.hiddenDot;
        dot.style.left = `${p.pt.x - p.box.x1 - 3}px`;
        dot.style.top = `${p.pt.y - p.box.y1 - 3}px`;
      }
      nodes.push(node);
      shownLabels.push(p.c.id);
    }
    labelPane.replaceChildren(...nodes);
    root.dataset.labelsShown = String(nodes.length);
  }

  let pending = 0;
  function relayout() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(layout);
  }

  map.on("zoomstart", () => { labelPane.style.visibility = "hidden"; });
  map.on("zoomend", () => { labelPane.style.visibility = ""; relayout(); });
  map.on("moveend resize", relayout);
  wm.clusters.on("animationend", relayout);
  map.on("layeradd layerremove", (e) => { if (e.layer instanceof L.Marker) relayout(); });

  /* A layer-control entry that turns the names on and off. */
  const namesLayer = L.layerGroup();
  namesLayer.onAdd = () => { enabled = true; labelPane.hidden = false; relayout(); };
  namesLayer.onRemove = () => { enabled = false; labelPane.hidden = true; };

  const load = (name) => (urls[name] ? wm.loadJson(urls[name]) : Promise.reject(new Error(`no ${name} layer`)));

  // Downloaded from the start, read once the markers are placed.
  const nameDownloads = { labels: wm.prefetch(urls.labels), cities: wm.prefetch(urls.cities) };

  function start() {
    return Promise.all([
      nameDownloads.labels.read().catch(() => ({ features: [] })),
      nameDownloads.cities.read().catch(() => ({ features: [] })),
    ]).then(([labels, cities]) => {
      setNames(labels, cities);
      namesLayer.addTo(map);
      wm.control.addOverlay(namesLayer, window.webmapI18n._("Names of countries, seas and cities"));
    });
  }

  /* Rivers and lakes come after the first view (outlines, names and markers), when the page is
   * idle: the first view does not wait for them. */
  let waterStarted = false;
  function startWater() {
    if (waterStarted) return;
    waterStarted = true;
    const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 50));
    idle(() => {
      Promise.all([load("rivers"), load("lakes")])
        .then(([rivers, lakes]) => drawWater(rivers, lakes))
        .catch(() => {});
    }, { timeout: 1000 });
  }

  window.webmapLabels = {
    start, startWater, countryName, relayout, layoutNow: layout, noteCountryBounds, shown: () => shownLabels.slice(),
    anchorsOf: (iso3) => visibleAnchors(candidates.find((c) => c.props.iso3 === iso3)).length,
    setEnabled(on) { if (on) namesLayer.addTo(map); else namesLayer.remove(); },
    /* The named places (countries, cities, seas) in the page's language, e.g. for the quiz. */
    places: () => candidates.map((c) => ({ kind: c.kind, name: nameOf(c.props), iso3: c.props.iso3 || null, latlng: c.latlng })),
  };
})();
