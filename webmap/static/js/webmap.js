/* webmap: draws the reports on the folium map and swaps boundary detail by zoom.
 * Reads its settings from <script type="application/json" id="webmap-config"> and the
 * folium objects from window.webmapFolium. Builds all text with textContent, never innerHTML. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("webmap-config").textContent);
  const folium = window.webmapFolium;
  const map = folium.map;
  const statusLine = document.getElementById("map-status");
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isWebUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url.trim());
  }

  /* "2024-12-06" -> "6 December 2024"; "2024-12" -> "December 2024"; "2024" stays. */
  function formatDate(text) {
    const parts = String(text || "").split("-");
    if (parts.length === 3) return `${Number(parts[2])} ${MONTHS[Number(parts[1]) - 1]} ${parts[0]}`;
    if (parts.length === 2) return `${MONTHS[Number(parts[1]) - 1]} ${parts[0]}`;
    return parts[0];
  }

  function formatPeriod(text) {
    return String(text).split("/").map(formatDate).join(" to ");
  }

  function kindStyle(kind) {
    return config.kinds[kind] || { label: kind, symbol: "?", colour: "#444444" };
  }

  function statusLabel(status) {
    return (config.statuses[status] || { label: status }).label;
  }

  function markerElement(props) {
    const kind = kindStyle(props.kind);
    const badge = el("span", `report-badge status-${props.status}`, kind.symbol);
    badge.style.setProperty("--kind-colour", kind.colour);
    return badge;
  }

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
    if (source.published) item.append(" ", el("span", "published", `published ${formatDate(source.published)}`));
    return item;
  }

  /* The same rule as Report.caveat on the server: say when one source, or only partisan ones. */
  function sourceCaveat(sources) {
    const partisan = config.partisanAffiliations;
    if (sources.length && sources.every((s) => partisan.includes(s.affiliation))) return config.caveats.partisan;
    if (sources.length === 1) return config.caveats.single;
    return "";
  }

  function popupContent(feature) {
    const p = feature.properties;
    const kind = kindStyle(p.kind);
    const box = el("article", "report-popup");
    box.dataset.reportId = p.id;
    const head = el("p", "report-kind");
    const badge = markerElement(p);
    badge.setAttribute("aria-hidden", "true");
    head.append(badge, " ", kind.label, " · ", el("span", `status status-${p.status}`, statusLabel(p.status)));
    box.append(head, el("h2", "report-title", p.title));
    let when = formatDate(p.date);
    if (p.expected) when += ` · expected ${formatPeriod(p.expected)}`;
    box.append(el("p", "report-meta", `${when} · ${p.place}`));
    box.append(el("p", "report-claimant", p.claimed_by ? `Claimed by: ${p.claimed_by}` : "Claimed by: no single claimant"));
    box.append(el("p", "report-summary", p.summary));
    const sources = p.sources || [];
    box.append(el("h3", null, sources.length === 1 ? "Source (only one)" : `Sources (${sources.length})`));
    const list = el("ol", "sources");
    sources.forEach((s) => list.append(sourceItem(s)));
    box.append(list);
    const caveat = sourceCaveat(sources);
    if (caveat) box.append(el("p", "caveat", caveat));
    const more = el("a", "report-link", "Full report page");
    more.href = config.reportPageUrl.replace("REPORT_ID", encodeURIComponent(p.id));
    const footer = el("p");
    footer.append(more);
    box.append(footer);
    return box;
  }

  function drawReports(collection) {
    const layer = L.layerGroup();
    const markers = {};
    for (const feature of collection.features) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      const name = `${p.title} (${kindStyle(p.kind).label}, ${statusLabel(p.status)}, ${formatDate(p.date)})`;
      const badge = markerElement(p);
      badge.setAttribute("aria-hidden", "true");
      const icon = L.divIcon({ html: badge, className: "report-marker", iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -12] });
      const marker = L.marker([lat, lon], { icon: icon, title: name, keyboard: true, riseOnHover: true });
      marker.bindPopup(() => popupContent(feature), {
        maxWidth: 380,
        minWidth: 260,
        maxHeight: Math.max(200, map.getSize().y - 120),
        autoPanPadding: [24, 24],
      });
      marker.on("add", () => {
        marker.getElement().setAttribute("aria-label", name);
        marker.getElement().dataset.reportId = p.id;
      });
      markers[p.id] = marker;
      layer.addLayer(marker);
    }
    layer.addTo(map);
    folium.control.addOverlay(layer, "Reports");
    document.documentElement.dataset.reportsDrawn = String(collection.features.length);
    performance.mark("webmap:markers-drawn");
    statusLine.textContent = `${collection.features.length} reports on the map. Click a marker for its sources.`;
    openFromHash(markers);
    window.addEventListener("hashchange", () => openFromHash(markers));
  }

  function openFromHash(markers) {
    const match = /(?:^#|&)report=([a-z0-9-]+)/.exec(window.location.hash);
    const marker = match && markers[match[1]];
    if (marker) {
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 6));
      marker.openPopup();
    }
  }

  /* Coarse boundaries first; the close-up file is fetched only when a reader zooms in. */
  function watchDetail() {
    const cache = {};
    let shown = "overview";
    const load = (level) => (cache[level] = cache[level] || fetch(config.layerUrls[level]).then((r) => r.json()));
    map.on("zoomend", () => {
      const wanted = map.getZoom() >= config.closeupZoom ? "closeup" : "overview";
      if (wanted === shown) return;
      shown = wanted;
      load(wanted).then((data) => {
        if (shown !== wanted) return;
        folium.countries.clearLayers();
        folium.countries.addData(data);
        document.documentElement.dataset.boundaryDetail = wanted;
      });
    });
  }

  document.documentElement.dataset.boundaryDetail = "overview";
  watchDetail();
  fetch(config.reportsUrl)
    .then((response) => {
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      return response.json();
    })
    .then(drawReports)
    .catch((error) => {
      statusLine.textContent = `The reports could not be loaded (${error.message}). Try reloading the page.`;
      statusLine.classList.add("map-status-error");
    });
})();
