/* webmap two dates side by side (?compare=DATE,DATE): a second map beside the first, moving with
 * it, each showing the alliances, the occupied areas and the reports as of its date; on a narrow
 * screen the second lies over the first and a slider swipes between them. The server derived
 * each country's bloc changes and each area's phases: this module only compares dates, with
 * webmap-core.js (blocOn) and webmap-map.js (countryStyle, areaPhase), as the time control does.
 * The control and the link's dates are webmap-compare-control.js's, which loads this file when a
 * reader first compares. Text goes in with textContent only. Exposes window.webmapCompare. */
(function () {
  "use strict";

  const core = window.webmapCore;
  const { _, ngettext } = window.webmapI18n;
  const wm = window.webmapMap;
  const map = wm.map;
  const config = wm.config;
  const el = wm.el;
  const root = document.documentElement;
  const area = map.getContainer().parentElement;
  const narrow = window.matchMedia("(max-width: 700px)");
  const control = window.webmapCompareControl;
  const { lastDay, earlier, today } = control;

  let dates = null;  // the dates this second map shows (control.dates(), once shown), or null

  /* ---- the page: the dates written large above the maps, the second map, the swipe ---- */

  const strip = el("div", "compare-dates");
  strip.id = "compare-dates";
  const firstLabel = el("p", "compare-date compare-date-first");
  const secondLabel = el("p", "compare-date compare-date-second");
  const swipe = el("input", "compare-swipe");
  Object.assign(swipe, { type: "range", min: "0", max: "100", step: "1", value: "50", id: "compare-swipe" });
  swipe.setAttribute("aria-label", _("Swipe between the two dates"));
  strip.append(firstLabel, swipe, secondLabel);
  const box = el("div", "compare-map");
  box.id = "compare-map";
  box.setAttribute("role", "region");
  const divider = el("div", "compare-divider");
  divider.setAttribute("aria-hidden", "true");
  area.append(strip, box, divider);

  function setSwipe() {
    area.style.setProperty("--swipe", `${swipe.value}%`);
    root.dataset.compareSwipe = swipe.value;
  }
  swipe.addEventListener("input", setSwipe);
  setSwipe();

  /* ---- the second map ---- */

  let other = null;
  let countries = null;
  let areas = null;
  let reports = null;
  const otherMarkers = new Map();  // report id -> marker on the second map
  const otherBadges = new Map();  // a country badge's group (webmap-map.js) -> its badge here

  function secondDay() { return dates ? lastDay(dates[1]) : today(); }

  function countryTooltip(feature, layer) {
    layer.bindTooltip(() => {
      const p = feature.properties;
      const bloc = core.blocOn(p.bloc_changes, secondDay());
      const tip = el("div");
      const name = (window.webmapLabels && window.webmapLabels.countryName(p.iso3)) || p.name;
      tip.append(el("div", null, name), el("div", null, config.blocs[bloc].label));
      return tip;
    }, { className: "map-tooltip", sticky: true });
  }

  function countryStyle(feature) { return wm.countryStyle(core.blocOn(feature.properties.bloc_changes, secondDay())); }

  /* The occupied and claimed areas the page carries (the first map's layer), drawn again here. */
  function areaFeatures() {
    const found = [];
    for (const group of window.webmapFolium.later) {
      if (!group.eachLayer) continue;
      group.eachLayer(function visit(layer) {
        if (layer.feature && layer.feature.properties && layer.feature.properties.phases) found.push(layer.feature);
        else if (layer.eachLayer) layer.eachLayer(visit);
      });
    }
    return found;
  }

  function restyleAreas() {
    if (!areas) return;
    areas.eachLayer((layer) => {
      const phase = wm.areaPhase(layer.feature.properties, secondDay());
      const path = layer._path;
      if (!path) return;
      path.classList.remove("area-occupied", "area-claimed", "area-partly");
      if (phase) path.classList.add(`area-${phase.state}`);
      path.classList.toggle("area-hidden", !phase);
    });
  }

  function areaTooltip(feature, layer) {
    layer.bindTooltip(() => {
      const phase = wm.areaPhase(feature.properties, secondDay());
      const tip = el("div");
      tip.append(el("div", null, feature.properties.name), el("div", null, phase ? phase.label : ""));
      return tip;
    }, { className: "map-tooltip", sticky: true });
  }

  /* Outlines as the first map draws them: coarse, and close-up once zoomed in. */
  const outlines = {};
  let level = "";
  function outlineData(wanted) {
    outlines.overview = outlines.overview || wm.loadJson(config.layerUrls.overview);
    if (wanted === "overview") return outlines.overview;
    outlines.closeup = outlines.closeup || Promise.all([outlines.overview, wm.loadJson(config.layerUrls.closeup)])
      .then(([overview, closeup]) => {
        const near = new Set(closeup.features.map((f) => f.id));
        return { type: "FeatureCollection", features: [...closeup.features, ...overview.features.filter((f) => !near.has(f.id))] };
      });
    return outlines.closeup;
  }
  function drawOutlines() {
    const wanted = other.getZoom() >= config.closeupZoom ? "closeup" : "overview";
    if (wanted === level) return Promise.resolve();
    level = wanted;
    return outlineData(wanted).then((data) => {
      if (level !== wanted) return;
      countries.clearLayers();
      countries.addData(data);
      countries.bringToBack();
      root.dataset.compareOutlines = wanted;
    });
  }

  function clusterIcon(cluster) {
    const count = cluster.getChildCount();
    const span = el("span", "report-cluster-count", count);
    span.setAttribute("aria-hidden", "true");
    const icon = L.divIcon({ html: span, className: "report-cluster", iconSize: [38, 38] });
    const create = icon.createIcon.bind(icon);
    icon.createIcon = (old) => {
      const div = create(old);
      div.setAttribute("aria-label", ngettext("%(n)s report here; press Enter to zoom in", "%(n)s reports here; press Enter to zoom in", count));
      return div;
    };
    return icon;
  }

  /* A report's popup on the second map: the first map's content, filled in with every source. */
  function openHere(feature, latlng) {
    const popup = L.popup({ maxWidth: 340, maxHeight: Math.max(200, other.getSize().y - 80), autoPanPadding: [16, 16] })
      .setLatLng(latlng).setContent(wm.popupContent(feature)).openOn(other);
    wm.fullRecord(feature).then(() => { if (popup.isOpen()) popup.setContent(wm.popupContent(feature)); }, () => {});
  }

  function markerFor(feature) {
    const p = feature.properties;
    const [lon, lat] = feature.geometry.coordinates;
    const label = `${p.title} (${wm.kindStyle(p.kind).label}, ${(config.statuses[p.status] || { label: p.status }).label})`;
    const icon = L.divIcon({ html: wm.badge(p), className: `report-marker precision-${p.precision}`, iconSize: [28, 28], iconAnchor: [14, 14] });
    const marker = L.marker([lat, lon], { icon, title: label, keyboard: true, riseOnHover: true, alt: label });
    marker.on("click", () => openHere(feature, marker.getLatLng()));
    marker.on("add", () => { if (marker._icon) { marker._icon.setAttribute("aria-label", label); marker._icon.dataset.reportId = p.id; } });
    return marker;
  }

  function badgeFor(group) {
    const badge = L.marker(group.latlng, { keyboard: true, riseOnHover: true, zIndexOffset: 1000 });
    badge.on("click", () => {
      const list = el("ul", "area-list-items");
      for (const feature of badge.features) {
        const p = feature.properties;
        const button = el("button", "area-list-item");
        button.type = "button";
        button.append(wm.badge(p), " ", el("span", "area-list-headline", p.title));
        button.addEventListener("click", () => openHere(feature, group.latlng));
        const item = el("li");
        item.append(button);
        list.append(item);
      }
      const content = el("div", "area-list");
      content.append(el("h2", "area-list-title", `${group.name}: ${ngettext("%(n)s report", "%(n)s reports", badge.features.length)}`), list);
      L.popup({ maxWidth: 340 }).setLatLng(group.latlng).setContent(content).openOn(other);
    });
    return badge;
  }

  /* The reports the reader's filters choose, up to the second date. */
  function placeReports() {
    const readerCriteria = control.readerCriteria();
    if (!other || !dates || !readerCriteria) return;
    const criteria = { ...readerCriteria, to: earlier(readerCriteria.to, lastDay(dates[1])) };
    const keep = [];
    const perGroup = new Map();
    for (const feature of window.webmap.features()) {
      if (!core.matches(feature, criteria)) continue;
      const id = feature.properties.id;
      const group = wm.areaOf.get(id);
      if (group) {
        if (!perGroup.has(group)) perGroup.set(group, []);
        perGroup.get(group).push(feature);
        continue;
      }
      if (!otherMarkers.has(id)) otherMarkers.set(id, markerFor(feature));
      keep.push(otherMarkers.get(id));
    }
    reports.clearLayers();
    reports.addLayers(keep);
    for (const [group, badge] of otherBadges) if (!perGroup.has(group)) badge.remove();
    for (const [group, features] of perGroup) {
      if (!otherBadges.has(group)) otherBadges.set(group, badgeFor(group));
      const badge = otherBadges.get(group);
      badge.features = features;
      const inner = el("span", "area-badge-inner");
      inner.append(el("span", "area-badge-count", features.length), " ", el("span", "area-badge-place", group.name));
      inner.setAttribute("aria-hidden", "true");
      badge.setIcon(L.divIcon({ html: inner, className: `area-badge area-${group.precision}`, iconSize: null }));
      badge.addTo(other);
      // Named as on the first map: its visible text (count and place) first.
      const n = features.length;
      if (badge._icon) badge._icon.setAttribute("aria-label", `${n} ${group.name}: ` + ngettext("%(n)s report about %(place)s as a whole, with no exact place; press Enter for the list", "%(n)s reports about %(place)s as a whole, with no exact place; press Enter for the list", n, { place: group.name }));
    }
    root.dataset.compareReports = String(keep.length + [...perGroup.values()].reduce((n, list) => n + list.length, 0));
  }

  /* The names the first map placed (webmap-labels.js), written at the same places on the
   * second: the two maps show one view at one size, so the places are the same. */
  function mirrorNames() {
    const source = map.getPane("webmap-labels");
    if (!other || !dates || !source) return;
    const copies = [...source.children].map((node) => {
      const copy = node.cloneNode(true);
      const at = map.layerPointToContainerPoint(L.DomUtil.getPosition(node));
      L.DomUtil.setPosition(copy, other.containerPointToLayerPoint(at));
      return copy;
    });
    other.getPane("webmap-labels").replaceChildren(...copies);
  }

  /* The two maps move as one: whichever the reader moves, the other follows. */
  let following = false;
  function follow(from, to) {
    if (following || !dates || !other) return;
    following = true;
    to.setView(from.getCenter(), from.getZoom(), { animate: false });
    following = false;
  }

  function makeMap() {
    other = L.map(box, {
      zoomControl: false, attributionControl: false, center: map.getCenter(), zoom: map.getZoom(),
      minZoom: map.getMinZoom(), maxZoom: map.getMaxZoom(), zoomSnap: map.options.zoomSnap,
    });
    countries = L.geoJSON(null, { style: countryStyle, onEachFeature: countryTooltip }).addTo(other);
    areas = L.geoJSON({ type: "FeatureCollection", features: areaFeatures() }, {
      className: "area", style: { color: "#6b0f1a", weight: 1, fillOpacity: 1 }, onEachFeature: areaTooltip,
    }).addTo(other);
    reports = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 36, spiderfyOnMaxZoom: true, iconCreateFunction: clusterIcon }).addTo(other);
    restyleAreas();
    const names = other.createPane("webmap-labels");
    names.style.zIndex = 550;  // as on the first map: above the outlines, below the markers
    names.style.pointerEvents = "none";
    if (map.getPane("webmap-labels")) new MutationObserver(mirrorNames).observe(map.getPane("webmap-labels"), { childList: true });
    other.on("zoomstart", () => { names.style.visibility = "hidden"; });
    other.on("zoomend", () => { names.style.visibility = ""; });
    other.on("move zoomend", () => follow(other, map));
    other.on("zoomend", drawOutlines);
    map.on("move zoomend", () => follow(map, other));
  }

  /* ---- starting, changing and stopping ---- */

  function layout() {
    root.classList.toggle("comparing", Boolean(dates));
    root.classList.toggle("compare-swiping", Boolean(dates) && narrow.matches);
    map.invalidateSize({ animate: false });
    if (other) other.invalidateSize({ animate: false });
    if (other && dates) follow(map, other);
  }

  function show(next) {
    const was = dates;
    dates = next;
    if (next) {
      firstLabel.textContent = core.formatDate(next[0]);
      secondLabel.textContent = core.formatDate(next[1]);
      box.setAttribute("aria-label", _("The map on %(date)s", { date: core.formatDate(next[1]) }));
      root.dataset.compare = next.join(",");
    } else {
      delete root.dataset.compare;
    }
    layout();
    if (next && !other) makeMap();
    if (next) {
      if (!was) {
        other.invalidateSize({ animate: false });
        // Half a map has no room for the open legend: it folds (its title opens it again).
        const legend = document.getElementById("legend");
        if (legend && legend.open && legend.closest(".leaflet-control")) legend.open = false;
      }
      follow(map, other);
      countries.setStyle(countryStyle);
      restyleAreas();
      mirrorNames();
      drawOutlines().then(() => { countries.setStyle(countryStyle); root.dataset.compareDrawn = next.join(","); });
    } else {
      delete root.dataset.compareDrawn;
      if (other) other.closePopup();
    }
    placeReports();  // the reader's filters are known when this map arrives after them
  }

  narrow.addEventListener("change", layout);
  document.addEventListener("webmap:projector", () => { if (countries) countries.setStyle(countryStyle); });
  window.webmapCompare = { show, placeReports, dates: () => dates, map: () => other, countries: () => countries, parseDates: control.parseDates };
})();
