/* webmap print handout: A4 landscape, the whole region in frame, numbered markers keyed to a
 * list of the shown reports in date order. While printing, the cluster layer leaves the map and
 * a layer of small black-on-white numbered markers takes its place (reports at one point share
 * one marker listing their numbers); afterwards the map is put back as it was.
 * Text is set with textContent only. Exposes window.webmapPrint (prepare, restore, active). */
(function () {
  "use strict";

  const core = window.webmapCore;
  const { _, ngettext } = window.webmapI18n;
  const wm = window.webmapMap;
  const map = wm.map;
  const config = wm.config;
  const root = document.documentElement;

  /* Always in frame: Crimea and Ukraine, Belarus, the Baltic states, Poland and western Russia
   * with Kaliningrad ([lat, lon] corners, as Leaflet wants them). */
  const REGION = L.latLngBounds([44.2, 14.0], [60.0, 41.0]);
  /* The printed map frame (CSS mm: the same in print and on screen, so the view fitted before
   * printing is the view printed). webmap-print.css lays the page out around it. */
  const FRAME = { width: "196mm", height: "166mm" };
  const GAP = 3;  // px between a label and anything else
  const DOT = 7;  // px, the black dot at the report's point

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isWebUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url.trim()); }

  function statusLabel(status) { return (config.statuses[status] || { label: status }).label; }

  function kindLabel(kind) { return (config.kinds[kind] || { label: kind }).label; }

  /* The reports the reader sees on the map now, oldest first (ties by title, then id). */
  function shownReports() {
    const features = window.webmap.features().filter((f) => wm.isShown(f.properties.id));
    const key = (f) => {
      const span = f.properties.derived.span;
      return [span[0], span[1], f.properties.title, f.properties.id];
    };
    return features.map((f) => ({ f, k: key(f) })).sort((a, b) => {
      for (let i = 0; i < a.k.length; i += 1) {
        if (a.k[i] < b.k[i]) return -1;
        if (a.k[i] > b.k[i]) return 1;
      }
      return 0;
    }).map((x) => x.f);
  }

  /* "1, 2, 3, 5" as "1–3, 5". */
  function numberRuns(numbers) {
    const runs = [];
    for (const n of numbers) {
      const last = runs[runs.length - 1];
      if (last && n === last[1] + 1) last[1] = n;
      else runs.push([n, n]);
    }
    return runs.map(([a, b]) => (a === b ? String(a) : b === a + 1 ? `${a}, ${b}` : `${a}–${b}`)).join(", ");
  }

  /* Reports at one point share one marker: [{latlng, numbers, ids}] in order of first number. */
  function groupByPoint(reports) {
    const groups = new Map();
    reports.forEach((f, i) => {
      const [lon, lat] = f.geometry.coordinates;
      const key = `${lat.toFixed(4)},${lon.toFixed(4)}`;
      if (!groups.has(key)) groups.set(key, { latlng: L.latLng(lat, lon), numbers: [], ids: [] });
      groups.get(key).numbers.push(i + 1);
      groups.get(key).ids.push(f.properties.id);
    });
    return [...groups.values()];
  }

  /* ---- the numbered markers, with labels kept apart ---- */

  function overlap(a, b) {
    const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
    const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
  }

  /* Where a w×h label may go around a point: beside it first, then further out on a leader. */
  function candidates(w, h) {
    const out = [];
    for (const r of [0, 14, 30, 50, 74]) {
      const d = DOT / 2 + GAP + r;
      out.push(
        { x: d, y: -h / 2 }, { x: -d - w, y: -h / 2 }, { x: -w / 2, y: -d - h }, { x: -w / 2, y: d },
        { x: d * 0.8, y: -d * 0.8 - h }, { x: -d * 0.8 - w, y: -d * 0.8 - h },
        { x: d * 0.8, y: d * 0.8 }, { x: -d * 0.8 - w, y: d * 0.8 },
      );
    }
    return out;
  }

  /* Place every label where it covers no other label, dot or the frame's edge (or least so). */
  function placeLabels(items, size, others) {
    const dots = items.map((it) => ({ x: it.point.x - DOT / 2, y: it.point.y - DOT / 2, w: DOT, h: DOT }));
    const placed = [];
    // Crowded places first: the most reports, then north to south.
    const order = items.map((it, i) => i).sort((a, b) => items[b].numbers.length - items[a].numbers.length
      || items[a].point.y - items[b].point.y);
    for (const i of order) {
      const it = items[i];
      let best = null;
      for (const c of candidates(it.w, it.h)) {
        const box = { x: it.point.x + c.x, y: it.point.y + c.y, w: it.w, h: it.h };
        const pad = { x: box.x - GAP, y: box.y - GAP, w: box.w + 2 * GAP, h: box.h + 2 * GAP };
        let cost = 0;
        for (const other of placed) cost += overlap(pad, other) * 3;
        for (const other of others) cost += overlap(box, other);
        dots.forEach((dot, j) => { if (j !== i) cost += overlap(pad, dot) * 4; });
        const inside = box.x >= 2 && box.y >= 2 && box.x + box.w <= size.x - 2 && box.y + box.h <= size.y - 2;
        if (!inside) cost += 1e6;
        if (!best || cost < best.cost) best = { cost, box, c };
        if (cost === 0) break;
      }
      placed.push(best.box);
      it.offset = best.c;
    }
  }

  /* Boxes of what else is written on the map (city names, the scale bar, the attribution). */
  function obstacles(container) {
    const origin = container.getBoundingClientRect();
    const nodes = container.querySelectorAll(".leaflet-tooltip-pane .leaflet-tooltip, .map-label, .leaflet-control-scale, .leaflet-control-attribution");
    return [...nodes].map((node) => {
      const r = node.getBoundingClientRect();
      return { x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height };
    }).filter((r) => r.w > 0 && r.h > 0);
  }

  function markerElement(group) {
    const wrap = el("div", "print-marker");
    wrap.dataset.numbers = group.numbers.join(",");
    wrap.dataset.reportIds = group.ids.join(",");
    const line = el("span", "print-leader");
    const label = el("span", "print-label", numberRuns(group.numbers));
    wrap.append(line, el("span", "print-dot"), label);
    return wrap;
  }

  function drawLabel(item) {
    const label = item.node.querySelector(".print-label");
    const line = item.node.querySelector(".print-leader");
    label.style.left = `${item.offset.x}px`;
    label.style.top = `${item.offset.y}px`;
    // A leader from the dot to the nearest point of the label, when the label stands away.
    const nx = Math.max(item.offset.x, Math.min(0, item.offset.x + item.w));
    const ny = Math.max(item.offset.y, Math.min(0, item.offset.y + item.h));
    const length = Math.hypot(nx, ny);
    line.hidden = length < DOT / 2 + GAP + 2;
    line.style.width = `${length}px`;
    line.style.transform = `rotate(${Math.atan2(ny, nx)}rad)`;
  }

  function numberedLayer(groups) {
    const layer = L.layerGroup();
    const items = groups.map((group) => {
      const node = markerElement(group);
      const icon = L.divIcon({ html: node, className: "print-marker-icon", iconSize: [0, 0], iconAnchor: [0, 0] });
      layer.addLayer(L.marker(group.latlng, { icon, interactive: false, keyboard: false }));
      return { node, numbers: group.numbers, latlng: group.latlng };
    });
    return { layer, items };
  }

  /* ---- the list ---- */

  function sourceLine(s) {
    const line = el("li");
    const who = [s.publisher, config.affiliations[s.affiliation] || config.affiliations.unknown].filter(Boolean);
    line.append(el("span", "print-publisher", who.join(", ")));
    if (s.title) line.append(`: ${s.title}`);
    if (s.published) line.append(` (${core.formatDate(s.published)})`);
    if (isWebUrl(s.url)) line.append(" ", el("span", "print-url", s.url.trim()));
    return line;
  }

  function listItem(f, number) {
    const p = f.properties;
    const item = el("li", "print-report");
    item.value = number;
    item.dataset.number = String(number);
    item.dataset.reportId = p.id;
    item.dataset.date = p.date;
    item.append(el("span", "print-number", number));
    const body = el("div", "print-body");
    const head = el("p", "print-head");
    const written = (p.derived && p.derived.written_date) || core.formatDate(p.date);
    head.append(el("span", "print-date", written), " · ", el("strong", "print-title", p.title));
    const facts = el("p", "print-facts");
    facts.append(
      el("span", "print-status", _("Status: %(status)s", { status: statusLabel(p.status) })), " · ",
      kindLabel(p.kind) + " · " + _("Place: %(place)s", { place: p.place }) + " · " + _("Claimed by: %(who)s", { who: p.claimed_by || _("no single claimant") }),
    );
    const sources = el("ul", "print-sources");
    for (const s of p.sources || []) sources.append(sourceLine(s));
    body.append(head, facts, sources);
    item.append(body);
    return item;
  }

  function filterText(total, shown) {
    const params = new URLSearchParams(window.location.search);
    const kept = new URLSearchParams();
    for (const name of ["q", "from", "to", ...core.LIST_FILTERS]) {
      for (const v of params.getAll(name)) kept.append(name, v);
    }
    const filters = [...kept.entries()].map(([k, v]) => `${k}=${v}`).join(", ");
    const text = ngettext("%(shown)s of %(n)s report shown", "%(shown)s of %(n)s reports shown", total, { shown });
    return filters ? text + " (" + _("filters: %(filters)s", { filters }) + ")" : text;
  }

  /* ---- blocs told apart without colour ---- */

  /* On paper (often grey) a bloc whose fill is close to another's in grey gets a texture: the
   * same one on the map and on its legend swatch. NATO and unaligned countries stay plain. */
  const INK = "#1f2937";
  const TEXTURES = {
    "union-state": { size: 5, swatch: `radial-gradient(${INK} 0.8px, transparent 1.1px) 0 0 / 4px 4px`,
      draw: (p) => svgChild(p, "circle", { cx: 2.5, cy: 2.5, r: 0.9, fill: INK }) },
    "csto": { size: 5, swatch: `repeating-linear-gradient(0deg, ${INK} 0 1px, transparent 1px 4px)`,
      draw: (p) => svgChild(p, "line", { x1: 0, y1: 2.5, x2: 5, y2: 2.5, stroke: INK, "stroke-width": 1 }) },
    "csto-frozen": { size: 7, swatch: `repeating-linear-gradient(90deg, ${INK} 0 1px, transparent 1px 6px)`,
      draw: (p) => svgChild(p, "line", { x1: 3.5, y1: 0, x2: 3.5, y2: 7, stroke: INK, "stroke-width": 0.8 }) },
  };
  const SVG = "http://www.w3.org/2000/svg";

  function svgChild(parent, tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    parent.append(node);
    return node;
  }

  /* Patterns for the textured blocs and print-only rules that put them on every country path
   * drawn in that bloc's fill (also paths drawn later, e.g. after a change of boundary detail). */
  function addTextures() {
    const svg = svgChild(document.body, "svg", { class: "print-textures", width: 0, height: 0, "aria-hidden": "true" });
    const defs = svgChild(svg, "defs", {});
    const rules = [];
    for (const [bloc, texture] of Object.entries(TEXTURES)) {
      const style = config.blocs[bloc];
      if (!style || !/^#[0-9a-f]{3,8}$/i.test(style.fill)) continue;
      const pattern = svgChild(defs, "pattern", {
        id: `print-bloc-${bloc}`, patternUnits: "userSpaceOnUse", width: texture.size, height: texture.size,
      });
      svgChild(pattern, "rect", { width: texture.size, height: texture.size, fill: style.fill });
      texture.draw(pattern);
      rules.push(`.leaflet-overlay-pane path[fill="${style.fill}" i] { fill: url(#print-bloc-${bloc}); }`);
      rules.push(`.swatch[data-bloc="${bloc}"] { background: ${texture.swatch}, ${style.fill} !important; }`);
    }
    // A constructed style sheet (CSSOM), so the page's style-src 'self' needs no exception.
    const sheet = new CSSStyleSheet({ media: "print" });
    sheet.replaceSync(rules.join("\n"));
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  addTextures();

  /* ---- prepare and restore ---- */

  let saved = null;

  /* The map holds a light view of the reports; the handout lists every source in full, so it
   * fetches the full records first. beforeprint cannot wait for a promise, so this request is
   * synchronous: printing is rare, and the page is already laid out. */
  function ensureFullRecords() {
    const features = window.webmap.features();
    const url = wm.config.reportsFullUrl;
    if (!url || !features.some((f) => f.properties.slim)) return;
    try {
      const request = new XMLHttpRequest();
      request.open("GET", url, false);
      request.send();
      if (request.status !== 200) return;
      const full = new Map(JSON.parse(request.responseText).features.map((f) => [f.properties.id, f.properties]));
      for (const f of features) if (full.has(f.properties.id)) f.properties = full.get(f.properties.id);
    } catch (error) {
      // The list then names each source's publisher without its address.
    }
  }

  /* Draw reports as numbered markers in a map frame of the given CSS size: the clusters and
   * badges leave the map (noted in `state` for restore), the region and every report in frame,
   * labels kept apart. Used by the handout and by the worksheet (webmap-worksheet.js). */
  function drawNumbered(reports, frame, state) {
    const container = map.getContainer();
    container.style.width = frame.width;
    container.style.height = frame.height;
    map.invalidateSize({ pan: false, animate: false });
    if (state.clusters) map.removeLayer(wm.clusters);
    if (state.badges) map.removeLayer(wm.badges);
    const groups = groupByPoint(reports);
    let bounds = L.latLngBounds(REGION.getSouthWest(), REGION.getNorthEast());
    for (const g of groups) bounds = bounds.extend(g.latlng);
    map.options.zoomSnap = 0.1;
    map.fitBounds(bounds, { animate: false, paddingTopLeft: [16, 16], paddingBottomRight: [16, 34] });

    const built = numberedLayer(groups);
    built.layer.addTo(map);
    if (window.webmapLabels) window.webmapLabels.layoutNow();
    for (const item of built.items) {
      const label = item.node.querySelector(".print-label");
      item.w = label.offsetWidth;
      item.h = label.offsetHeight;
      item.point = map.latLngToContainerPoint(item.latlng);
    }
    placeLabels(built.items, map.getSize(), obstacles(container));
    built.items.forEach(drawLabel);
    return built;
  }

  /* Keep the map numbered for good (the worksheet page): printing then changes nothing. */
  let pinned = null;
  function pin(reports, frame) {
    pinned = drawNumbered(reports, frame, { clusters: map.hasLayer(wm.clusters), badges: map.hasLayer(wm.badges) });
    return pinned.items;
  }

  function prepare() {
    if (pinned) return pinned.items.length;
    if (saved) return saved.items.length;
    ensureFullRecords();
    const container = map.getContainer();
    const legend = document.querySelector(".legend");
    const popup = map._popup && map.hasLayer(map._popup) ? map._popup : null;
    const source = popup && popup._source && popup._source.reportId ? popup._source : null;
    saved = {
      center: map.getCenter(), zoom: map.getZoom(), zoomSnap: map.options.zoomSnap,
      style: container.style.cssText, clusters: map.hasLayer(wm.clusters),
      legendOpen: legend ? legend.open : null, source, items: [],
      badges: map.hasLayer(wm.badges), legendHome: legend ? legend.parentNode : null,
    };
    // On screen the legend sits on the map; on paper it stands beside it, in the panel.
    const panel = document.querySelector(".panel");
    if (legend && panel && !panel.contains(legend)) panel.append(legend);
    // An open popup stays open (hidden in print) instead of closing with its marker.
    if (source) source.off("remove", source.closePopup, source);

    const reports = shownReports();
    const list = document.getElementById("print-reports");
    list.replaceChildren(...reports.map((f, i) => listItem(f, i + 1)));
    const filters = document.getElementById("print-filters");
    if (filters) filters.textContent = filterText(window.webmap.features().length, reports.length);
    if (legend) legend.open = true;

    // Lay out with the print styles (even when called on screen, before the print media applies),
    // so the frame and the labels measured here are those printed.
    const sheet = document.getElementById("print-css");
    const media = sheet ? sheet.media : "";
    if (sheet) sheet.media = "all";
    let built = { layer: null, items: [] };
    try {
      built = drawNumbered(reports, FRAME, saved);
    } finally {
      if (sheet) sheet.media = media;
    }
    saved.layer = built.layer;
    saved.items = built.items;
    root.dataset.printMarkers = String(built.items.length);
    return built.items.length;
  }

  function restore() {
    if (!saved || pinned) return;
    const s = saved;
    saved = null;
    if (s.layer) map.removeLayer(s.layer);
    const container = map.getContainer();
    container.style.cssText = s.style;  // through the CSSOM, which style-src 'self' allows
    map.invalidateSize({ pan: false, animate: false });
    map.options.zoomSnap = s.zoomSnap;
    map.setView(s.center, s.zoom, { animate: false });
    if (s.clusters) wm.clusters.addTo(map);
    if (s.badges) wm.badges.addTo(map);
    if (s.source) s.source.on("remove", s.source.closePopup, s.source);
    const legend = document.querySelector(".legend");
    if (legend && s.legendOpen !== null) legend.open = s.legendOpen;
    if (legend && s.legendHome && legend.parentNode !== s.legendHome) s.legendHome.append(legend);
    if (window.webmapLabels) window.webmapLabels.layoutNow();
    delete root.dataset.printMarkers;
  }

  /* Printing starts with beforeprint or the print medium, whichever comes first, and ends with
   * afterprint once the page is no longer laid out for print (else when the print medium ends:
   * an emulated print medium outlasts the printout). */
  const printMedium = window.matchMedia("print");
  window.addEventListener("beforeprint", prepare);
  window.addEventListener("afterprint", () => { if (!printMedium.matches) restore(); });
  printMedium.addEventListener("change", (e) => (e.matches ? prepare() : restore()));

  window.webmapPrint = { prepare, restore, active: () => saved !== null, numberRuns, shownReports, pin, filterText };
})();
