/* webmap map layer: report markers in clusters, popups, boundary detail and country colours.
 * Builds all text with textContent, never innerHTML. Exposes window.webmapMap. */
(function () {
  "use strict";

  const core = window.webmapCore;
  const config = JSON.parse(document.getElementById("webmap-config").textContent);
  const folium = window.webmapFolium;
  const map = folium.map;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* JSON from the server, or, in the static site (file://), from a data script it ships. */
  function loadJson(url) {
    const script = (config.dataScripts || {})[url];
    if (!script) {
      return fetch(url).then((response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        return response.json();
      });
    }
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = script;
      tag.onload = () => resolve(window.webmapData[url]);
      tag.onerror = () => reject(new Error(`${script} could not be loaded`));
      document.head.append(tag);
    });
  }

  function isWebUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url.trim()); }

  function kindStyle(kind) { return config.kinds[kind] || { label: kind, symbol: "?", colour: "#444444" }; }

  function statusLabel(status) { return (config.statuses[status] || { label: status }).label; }

  function badge(props) {
    const kind = kindStyle(props.kind);
    const node = el("span", `report-badge status-${props.status}`, kind.symbol);
    node.style.setProperty("--kind-colour", kind.colour);
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  /* A div icon whose element carries an accessible name (Leaflet gives it role=button). */
  const NamedIcon = L.DivIcon.extend({
    createIcon(oldIcon) {
      const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.setAttribute("aria-label", this.options.label);
      if (this.options.reportId) div.dataset.reportId = this.options.reportId;
      return div;
    },
  });

  function sourceItem(source) {
    const item = el("li");
    const name = source.title ? `${source.publisher}: ${source.title}` : source.publisher;
    if (isWebUrl(source.url)) {
      const link = el("a", null, name);
      link.href = source.url.trim();
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      item.append(link);
    } else {
      item.append(el("span", null, name));
    }
    const affiliation = config.affiliations[source.affiliation] || config.affiliations.unknown;
    item.append(" ", el("span", `affiliation affiliation-${source.affiliation}`, affiliation));
    if (source.published) item.append(" ", el("span", "published", `published ${core.formatDate(source.published)}`));
    return item;
  }

  function popupContent(feature) {
    const p = feature.properties;
    const box = el("article", "report-popup");
    box.dataset.reportId = p.id;
    const head = el("p", "report-kind");
    head.append(badge(p), " ", kindStyle(p.kind).label, " · ", el("span", `status status-${p.status}`, statusLabel(p.status)));
    box.append(head, el("h2", "report-title", p.title));
    let when = core.formatDate(p.date);
    if (p.expected) when += ` · expected ${core.formatPeriod(p.expected)}`;
    box.append(el("p", "report-meta", `${when} · ${p.place}`));
    box.append(el("p", "report-claimant", `Claimed by: ${p.claimed_by || "no single claimant"}`));
    box.append(el("p", "report-summary", p.summary));
    const sources = p.sources || [];
    box.append(el("h3", null, sources.length === 1 ? "Source (only one)" : `Sources (${sources.length})`));
    const list = el("ol", "sources");
    sources.forEach((s) => list.append(sourceItem(s)));
    box.append(list);
    const caveat = core.sourceCaveat(sources, config.partisanAffiliations, config.caveats);
    if (caveat) box.append(el("p", "caveat", caveat));
    if (p.range_km && window.webmapTools && window.webmapTools.hasRing(p.id)) box.append(ringButton(p));
    const more = el("a", "report-link", "Full report page");
    more.href = config.reportPageUrl.replace("REPORT_ID", encodeURIComponent(p.id));
    const footer = el("p");
    footer.append(more);
    box.append(footer);
    return box;
  }

  function ringButton(p) {
    const tools = window.webmapTools;
    const button = el("button", "ring-toggle");
    button.type = "button";
    const label = () => {
      const on = tools.chosenRings.has(p.id);
      button.textContent = on ? "Hide range ring" : `Show range ring (${Math.round(p.range_km).toLocaleString("en-GB")} km)`;
      button.setAttribute("aria-pressed", String(on));
    };
    label();
    button.addEventListener("click", () => tools.showRing(p.id, !tools.chosenRings.has(p.id)).then(label));
    return button;
  }

  function markerFor(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const label = `${p.title} (${kindStyle(p.kind).label}, ${statusLabel(p.status)}, ${core.formatDate(p.date)})`;
    const icon = new NamedIcon({
      html: badge(p), className: "report-marker", iconSize: [28, 28], iconAnchor: [14, 14],
      popupAnchor: [0, -12], label: label, reportId: p.id,
    });
    const marker = L.marker([lat, lon], { icon: icon, title: label, keyboard: true, riseOnHover: true });
    marker.bindPopup(() => popupContent(feature), {
      maxWidth: 380, minWidth: 260, maxHeight: Math.max(200, map.getSize().y - 120), autoPanPadding: [24, 24],
    });
    marker.reportId = p.id;
    return marker;
  }

  let chunksDone = null;  // resolves when the cluster group has taken every marker
  const clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 36,
    spiderfyOnMaxZoom: true,
    chunkedLoading: true,
    chunkProgress(processed, total) {
      if (processed >= total && chunksDone) { chunksDone(); chunksDone = null; }
    },
    iconCreateFunction(cluster) {
      const count = cluster.getChildCount();
      const span = el("span", "report-cluster-count", count);
      span.setAttribute("aria-hidden", "true");
      return new NamedIcon({
        html: span, className: "report-cluster", iconSize: [38, 38],
        label: `${count} reports here; press Enter to zoom in`,
      });
    },
  });

  const markers = new Map();

  function setReports(features) {
    for (const feature of features) markers.set(feature.properties.id, markerFor(feature));
    clusters.addTo(map);
    folium.control.addOverlay(clusters, "Reports");
  }

  /* Show only the markers whose ids are in `ids` (a Set); resolves once all are placed. */
  function showOnly(ids) {
    const keep = [];
    for (const [id, marker] of markers) if (ids.has(id)) keep.push(marker);
    clusters.clearLayers();
    const placed = new Promise((resolve) => { chunksDone = resolve; });
    clusters.addLayers(keep);
    if (!keep.length && chunksDone) { chunksDone(); chunksDone = null; }
    return placed;
  }

  /* The largest cluster holding only reports at exactly this marker's point, if any. Zooming
   * never separates such reports (the cluster would zoom to the maximum), so we spread it. */
  function identicalStack(marker) {
    const here = marker.getLatLng();
    let stack = null;
    for (let c = marker.__parent; c && c.__parent; c = c.__parent) {
      if (!c.getAllChildMarkers().every((m) => m.getLatLng().equals(here))) break;
      stack = c;
    }
    return stack;
  }

  /* Zoom just far enough for the stack to stand alone, spread it, then open the popup. */
  function openInStack(marker, stack) {
    return new Promise((resolve) => {
      let done = false;
      const spread = () => {
        if (done) return;
        done = true;
        if (!stack._icon) { clusters.zoomToShowLayer(marker, () => { marker.openPopup(); resolve(true); }); return; }
        clusters.once("spiderfied", () => { marker.openPopup(); resolve(true); });
        stack.spiderfy();
      };
      // Wait for the move and the clusters' own zoom animation (about 250 ms) to finish.
      map.once("moveend", () => setTimeout(spread, 400));
      setTimeout(spread, 1200);  // in case the view did not need to move
      map.setView(marker.getLatLng(), Math.max(stack._zoom, map.getZoom()));
    });
  }

  /* Open a report's popup, zooming into its cluster if needed. With keepView, a marker already
   * visible opens without panning, so a shared link shows exactly the view it recorded. */
  function openReport(id, keepView) {
    const marker = markers.get(id);
    if (!marker || !clusters.hasLayer(marker)) return Promise.resolve(false);
    if (keepView && clusters.getVisibleParent(marker) === marker) {
      const popup = marker.getPopup();
      popup.options.autoPan = false;
      marker.openPopup();
      popup.options.autoPan = true;
      return Promise.resolve(true);
    }
    const stack = identicalStack(marker);
    if (stack) return openInStack(marker, stack);
    return new Promise((resolve) => {
      clusters.zoomToShowLayer(marker, () => {
        marker.openPopup();
        map.once("moveend", () => resolve(true));  // the popup may pan the map into view
        setTimeout(() => resolve(true), 600);
      });
    });
  }

  /* Colour every country by its bloc on an ISO day. */
  let blocDay = new Date().toISOString().slice(0, 10);
  function recolour(day) {
    blocDay = day || new Date().toISOString().slice(0, 10);
    folium.countries.eachLayer((layer) => {
      const bloc = core.blocOf(config.memberships, layer.feature.id, blocDay);
      layer.feature.properties.bloc = bloc;
      layer.feature.properties.bloc_label = config.blocs[bloc].label;
      layer.setStyle({ ...config.countryStyle, fillColor: config.blocs[bloc].fill });
    });
    document.documentElement.dataset.blocDay = blocDay;
  }

  /* Draw country outlines (coarse or close-up), under the occupied areas and cities. */
  function showCountries(data, level) {
    folium.countries.clearLayers();
    folium.countries.addData(data);
    folium.countries.bringToBack();
    recolour(blocDay);
    document.documentElement.dataset.boundaryDetail = level;
  }

  /* Coarse boundaries first; the close-up file is fetched only when a reader zooms in. The
   * page preloads the outlines, but they are read and drawn after the markers, so the reports
   * show first (reading 300 KB of outlines before them would delay the markers). */
  let markersPlaced = null;
  const afterMarkers = new Promise((resolve) => { markersPlaced = resolve; });
  const boundaryCache = {};
  let boundaryShown = "";
  function updateDetail() {
    const wanted = map.getZoom() >= config.closeupZoom ? "closeup" : "overview";
    if (wanted === boundaryShown) return boundaryCache[wanted];
    boundaryShown = wanted;
    boundaryCache[wanted] = boundaryCache[wanted] ||
      afterMarkers.then(() => loadJson(config.layerUrls[wanted]));
    return boundaryCache[wanted].then((data) => {
      if (boundaryShown === wanted) showCountries(data, wanted);
    });
  }
  map.on("zoomend", updateDetail);
  const countriesDrawn = updateDetail();

  /* The outlines, occupied areas and city labels, drawn once the reports are on the map. */
  function showOverlays() {
    markersPlaced();
    for (const layer of folium.later) if (!map.hasLayer(layer)) layer.addTo(map);
  }

  window.webmapMap = {
    map, config, clusters, markers, control: folium.control, loadJson, setReports, showOnly, openReport, recolour,
    countriesDrawn, showOverlays,
  };
})();
